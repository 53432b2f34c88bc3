"""`manage.py rapport`: the same PDF reports as the site, written to a file (for mailings and scheduled runs)."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.models import periode_courante
from partenariat.pilotage.reports import render_aire_pdf, render_conference_pdf, render_national_pdf


def lire_annee(valeur):
    if not valeur.isdigit():
        raise argparse.ArgumentTypeError(f"« {valeur} » n'est pas une année (ex. 2014)")
    return int(valeur)


class Command(BaseCommand):
    help = (
        "Écrit un rapport PDF : « rapport aire 002 », « rapport conference 12 » ou « rapport national "
        "[--annee 2014] », dans le fichier donné par -o (par défaut, le nom proposé par le site)."
    )

    def add_arguments(self, parser):
        parser.add_argument("type", choices=["aire", "conference", "national"], help="aire, conference ou national")
        parser.add_argument(
            "identifiant", nargs="?", help="code de l'aire urbaine (ex. 002) ou numéro de la conférence"
        )
        parser.add_argument("--annee", type=lire_annee, help="rapport national : une année de la période (ex. 2014)")
        parser.add_argument("-o", "--output", help="fichier PDF à écrire")

    def handle(self, *args, **options):
        type_, identifiant, annee, output = (options[cle] for cle in ("type", "identifiant", "annee", "output"))
        if type_ != "national" and not identifiant:
            exemple = "aire 002" if type_ == "aire" else "conference 1"
            attendu = "le code de l'aire urbaine" if type_ == "aire" else "le numéro de la conférence"
            raise CommandError(f"Indiquez {attendu} (ex. « rapport {exemple} »).")
        if type_ != "national" and annee is not None:
            raise CommandError("L'option --annee ne s'applique qu'au rapport national.")
        if type_ == "national" and identifiant:
            raise CommandError("Le rapport national ne prend pas d'identifiant ; pour une année, utilisez --annee.")

        if type_ == "aire":
            aire = AireUrbaine.objects.filter(code=identifiant).first()
            if aire is None:
                raise CommandError(f"Aucune aire urbaine ne porte le code « {identifiant} ».")
            nom, contenu = render_aire_pdf(aire)
        elif type_ == "conference":
            conference = (
                ConferenceTerritoriale.objects.filter(pk=int(identifiant)).first() if identifiant.isdigit() else None
            )
            if conference is None:
                raise CommandError(f"Aucune conférence territoriale ne porte le numéro « {identifiant} ».")
            nom, contenu = render_conference_pdf(conference)
        else:
            annees = periode_courante().annees
            if annee is not None and annee not in annees:
                raise CommandError(f"L'année {annee} est hors de la période du protocole ({annees[0]} à {annees[-1]}).")
            nom, contenu = render_national_pdf(annee)

        chemin = Path(output or nom)
        try:
            chemin.write_bytes(contenu)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire « {chemin} » : {exc.strerror or exc}.") from exc
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit dans {chemin} ({len(contenu) / 1024:.0f} Ko)."))
