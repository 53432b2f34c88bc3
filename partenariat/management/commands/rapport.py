"""`manage.py rapport`: the same PDF reports as the site, written to a file (for mailings and scheduled runs)."""

import argparse
import contextlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.commun.nombres import nombre
from partenariat.models import periode_courante
from partenariat.pilotage.reports import render_aire_pdf, render_conference_pdf, render_national_pdf

LANGUES = ["fr", "en"]


def lire_annee(valeur):
    if not valeur.isdigit():
        raise argparse.ArgumentTypeError(_("« %(valeur)s » n'est pas une année (ex. 2014)") % {"valeur": valeur})
    return int(valeur)


class Command(BaseCommand):
    @property
    def help(self):
        """Translated when shown (argparse needs a real string, not a lazy one)."""
        return _(
            "Écrit un rapport PDF : « rapport aire 002 », « rapport conference 12 » ou « rapport national "
            "[--annee 2014] », dans le fichier donné par -o (par défaut, le nom proposé par le site), en français "
            "ou en anglais (--langue en)."
        )

    def add_arguments(self, parser):
        parser.add_argument("type", choices=["aire", "conference", "national"], help=_("aire, conference ou national"))
        parser.add_argument(
            "identifiant", nargs="?", help=_("code de l'aire urbaine (ex. 002) ou numéro de la conférence")
        )
        parser.add_argument("--annee", type=lire_annee, help=_("rapport national : une année de la période (ex. 2014)"))
        parser.add_argument("-o", "--output", help=_("fichier PDF à écrire"))
        parser.add_argument(
            "--langue",
            choices=LANGUES,
            default=None,
            help=_("langue du rapport : fr ou en (par défaut, la langue du site)"),
        )

    def handle(self, *args, **options):
        """The report in `--langue` (its words, numbers, dates and /Lang), the site's language by default."""
        langue = options["langue"]
        with translation.override(langue) if langue else contextlib.nullcontext():
            self.ecrire_rapport(**options)

    def ecrire_rapport(self, **options):
        type_, identifiant, annee, output = (options[cle] for cle in ("type", "identifiant", "annee", "output"))
        if type_ != "national" and not identifiant:
            if type_ == "aire":
                raise CommandError(_("Indiquez le code de l'aire urbaine (ex. « rapport aire 002 »)."))
            raise CommandError(_("Indiquez le numéro de la conférence (ex. « rapport conference 1 »)."))
        if type_ != "national" and annee is not None:
            raise CommandError(_("L'option --annee ne s'applique qu'au rapport national."))
        if type_ == "national" and identifiant:
            raise CommandError(_("Le rapport national ne prend pas d'identifiant ; pour une année, utilisez --annee."))

        if type_ == "aire":
            aire = AireUrbaine.objects.filter(code=identifiant).first()
            if aire is None:
                raise CommandError(_("Aucune aire urbaine ne porte le code « %(code)s ».") % {"code": identifiant})
            nom, contenu = render_aire_pdf(aire)
        elif type_ == "conference":
            conference = (
                ConferenceTerritoriale.objects.filter(pk=int(identifiant)).first() if identifiant.isdigit() else None
            )
            if conference is None:
                raise CommandError(
                    _("Aucune conférence territoriale ne porte le numéro « %(numero)s ».") % {"numero": identifiant}
                )
            nom, contenu = render_conference_pdf(conference)
        else:
            annees = periode_courante().annees
            if annee is not None and annee not in annees:
                raise CommandError(
                    _("L'année %(annee)s est hors de la période du protocole (%(debut)s à %(fin)s).")
                    % {"annee": annee, "debut": annees[0], "fin": annees[-1]}
                )
            nom, contenu = render_national_pdf(annee)

        chemin = Path(output or nom)
        try:
            chemin.write_bytes(contenu)
        except OSError as exc:
            raise CommandError(
                _("Impossible d'écrire « %(chemin)s » : %(erreur)s.")
                % {"chemin": chemin, "erreur": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Rapport écrit dans %(chemin)s (%(taille)s Ko).")
                % {"chemin": chemin, "taille": nombre(len(contenu) / 1024)}
            )
        )
