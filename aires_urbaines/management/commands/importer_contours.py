from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aires_urbaines.carte import FICHIER_DEPARTEMENTS, importer_contours
from aires_urbaines.imports import DOSSIER_CONTOURS
from aires_urbaines.services import ErreurTerritoire
from partenariat.commun.nombres import nombre


class Command(BaseCommand):
    help = (
        f"Charge les contours des départements ({FICHIER_DEPARTEMENTS}, GeoJSON WGS84) pour la carte des aires "
        "urbaines : projetés, simplifiés et enregistrés prêts à dessiner. Relancer l'import met à jour sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "dossier",
            nargs="?",
            default=DOSSIER_CONTOURS,
            help=_(
                "dossier contenant le fichier GeoJSON, éventuellement compressé en .gz (par défaut, celui du projet)"
            ),
        )

    def handle(self, *args, **options):
        try:
            compteur = importer_contours(options["dossier"])
        except ErreurTerritoire as exc:
            raise CommandError(_("Import annulé, rien n'a été enregistré. %(erreur)s") % {"erreur": exc}) from exc
        crees = ngettext("%(nombre)s département créé", "%(nombre)s départements créés", compteur["crees"])
        self.stdout.write(
            self.style.SUCCESS(
                _("Contours chargés : %(crees)s, %(mis_a_jour)s mis à jour.")
                % {"crees": crees % {"nombre": nombre(compteur["crees"])}, "mis_a_jour": nombre(compteur["mis_a_jour"])}
            )
        )
