from django.core.management.base import BaseCommand, CommandError

from aires_urbaines.carte import FICHIER_DEPARTEMENTS, ErreurContours, importer_contours
from aires_urbaines.imports import DOSSIER_CONTOURS


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
            help="dossier contenant le fichier GeoJSON, éventuellement compressé en .gz (par défaut, celui du projet)",
        )

    def handle(self, *args, **options):
        try:
            compteur = importer_contours(options["dossier"])
        except ErreurContours as exc:
            raise CommandError(f"Import annulé, rien n'a été enregistré. {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Contours chargés : {compteur['crees']} département(s) créé(s), {compteur['mis_a_jour']} mis à jour."
            )
        )
