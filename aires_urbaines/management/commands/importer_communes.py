from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aires_urbaines.imports import FICHIER_COMMUNES, importer_communes
from aires_urbaines.management import BarreProgression
from aires_urbaines.services import ErreurTerritoire


class Command(BaseCommand):
    help = (
        "Importe la table d'appartenance géographique des communes de l'INSEE (colonnes CODGEO, LIBGEO, DEP, REG, "
        "AU2010, LIBAU2010, CATAEU2010, ZE2010, LIBZE2010, EPCI, LIBEPCI, NATURE_EPCI, POP2010) : communes, aires "
        "urbaines, zones d'emploi et intercommunalités. Relancer l'import ne modifie que ce qui a changé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fichier",
            nargs="?",
            default=FICHIER_COMMUNES,
            help=_(
                "fichier CSV, éventuellement compressé en .gz (par défaut, celui livré avec le projet ; "
                "UTF-8 ou Latin-1, séparateur « , » ou « ; »)"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("tout vérifier et compter, puis annuler : rien n'est enregistré")
        )

    def handle(self, *args, **options):
        barre = BarreProgression(self.stdout) if self.stdout.isatty() else None
        try:
            rapport = importer_communes(options["fichier"], dry_run=options["dry_run"], progress=barre)
        except ErreurTerritoire as exc:
            raise CommandError(_("Import annulé, rien n'a été enregistré. %(erreur)s") % {"erreur": exc}) from exc
        finally:
            if barre:
                barre.terminer()
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
