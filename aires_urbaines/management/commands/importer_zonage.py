from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aires_urbaines.imports import FICHIER_ZONAGE, importer_zonage
from aires_urbaines.management import BarreProgression
from aires_urbaines.services import ErreurTerritoire


class Command(BaseCommand):
    help = (
        "Importe une liste du zonage A/B/C des communes (colonnes « Code Commune » ou « CODGEO », et « Zone ABC » ou "
        "« Zonage… »), puis recalcule la tension du marché de chaque aire urbaine, pondérée par la population. "
        "À lancer après importer_communes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fichier",
            nargs="?",
            default=FICHIER_ZONAGE,
            help=_(
                "fichier CSV, éventuellement compressé en .gz (par défaut, celui livré avec le projet ; "
                "UTF-8 ou Latin-1, séparateur « ; » ou « , »)"
            ),
        )
        parser.add_argument(
            "--millesime",
            help=_("libellé du millésime du zonage (ex. « Zonage A/B/C 2022 ») ; par défaut, tiré du nom du fichier"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("tout vérifier et compter, puis annuler : rien n'est enregistré")
        )

    def handle(self, *args, **options):
        barre = BarreProgression(self.stdout) if self.stdout.isatty() else None
        try:
            rapport = importer_zonage(
                options["fichier"], millesime=options["millesime"], dry_run=options["dry_run"], progress=barre
            )
        except ErreurTerritoire as exc:
            raise CommandError(_("Import annulé, rien n'a été enregistré. %(erreur)s") % {"erreur": exc}) from exc
        finally:
            if barre:
                barre.terminer()
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
