"""Time and peak memory of the PDF reports at full-France scale: the area report (Lyon) and the national report.

    .venv/bin/python tests/benchmarks/bench_rapports.py [--repetitions 3] [--sans-annuel]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_rapports .venv/bin/python tests/benchmarks/bench_rapports.py

Database: DATABASE_URL if set (a missing PostgreSQL database is created), else the SQLite file
/tmp/bench_rapports.sqlite3. It is built once (migrate, INSEE communes, A/B/C zoning, charger_demo,
generer_donnees_charge --objectifs 12000 --realisations 120000) and reused while it holds 10,000 objectives or more.

Method. Every measurement runs in a fresh Python process (this script with --enfant), so that one report's
memory never inflates the next one's figure:
- « total »: Django set up, WeasyPrint imported and its fonts loaded on a one-line document (start-up cost,
  printed apart: a worker pays it once), then the report is built the way the site builds it, timed in two
  parts: HTML (queries + template, `html_…`) and WeasyPrint (`partenariat.commun.pdf.rendre_pdf`).
- « WeasyPrint seul »: same start-up, then only `rendre_pdf` on the very HTML the « total » process wrote out.
Our overhead is total − WeasyPrint alone. Times are wall-clock (time.perf_counter), the median of the runs;
the process's CPU time (time.process_time) is printed beside them, since on a shared 2-core machine the wall
clock also counts the other processes (the load average before and after is printed too).
Peak memory is the process's peak resident set size, resource.getrusage(RUSAGE_SELF).ru_maxrss, read by the
process itself at the end (kB on Linux); « base » is the resident size (VmRSS) after start-up, before the report.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
BASE_SQLITE = "sqlite:////tmp/bench_rapports.sqlite3"
MINIMUM_OBJECTIFS = 10_000
RAPPORTS = {
    "aire": ("Rapport de l'aire de Lyon (002)", 1.5, None),
    "national": ("Rapport national, période 2013–2015", 10.0, 400),
    "national-2014": ("Rapport national, année 2014", 10.0, 400),
}


# --- In the child process ----------------------------------------------------------------------------------------


def initialiser_django():
    sys.path.insert(0, str(RACINE))
    os.chdir(RACINE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    import django

    django.setup()


def preparer():
    """Build the full-France database once; later runs find it ready."""
    from django.conf import settings
    from django.core.management import call_command

    from engagements.models import Objectif, Realisation

    call_command("migrate", verbosity=0, interactive=False)
    if Objectif.objects.count() < MINIMUM_OBJECTIFS:
        donnees = Path(settings.BASE_DIR) / "aires_urbaines" / "referentiels"
        debut = time.perf_counter()
        call_command("importer_communes", str(donnees / "au2010_communes_cog2012.csv.gz"), verbosity=0)
        call_command("importer_zonage", str(donnees / "zonage_abc_2022_communes.csv.gz"), verbosity=0)
        call_command("charger_demo", verbosity=0)
        call_command("generer_donnees_charge", objectifs=12_000, realisations=120_000, verbosity=0)
        print(f"Base préparée en {time.perf_counter() - debut:.0f} s", file=sys.stderr)
    from aires_urbaines.models import AireUrbaine, Commune
    from conferences.models import ConferenceTerritoriale

    print(
        json.dumps(
            {
                "moteur": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "communes": Commune.objects.count(),
                "aires": AireUrbaine.objects.count(),
                "conferences": ConferenceTerritoriale.objects.count(),
                "objectifs": Objectif.objects.count(),
                "realisations": Realisation.objects.count(),
            }
        )
    )


def rss_actuel_ko():
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return 0


def demarrer():
    """Django, then WeasyPrint's import and font loading, timed apart from the report."""
    debut = time.perf_counter()
    initialiser_django()
    django_s = time.perf_counter() - debut
    debut = time.perf_counter()
    from partenariat.commun.pdf import rendre_pdf

    rendre_pdf('<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body><p>x</p></body></html>')
    return {"django_s": django_s, "weasyprint_demarrage_s": time.perf_counter() - debut, "base_ko": rss_actuel_ko()}


def construire_html(rapport):
    if rapport == "aire":
        from aires_urbaines.models import AireUrbaine
        from partenariat.pilotage.reports import html_aire

        return html_aire(AireUrbaine.objects.get(code="002"))
    from partenariat.pilotage.reports import html_national

    return html_national(2014 if rapport == "national-2014" else None)


def nombre_de_pages(contenu):
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(contenu)).pages)


def mesurer_total(rapport, fichier_html):
    import resource

    from partenariat.commun.pdf import rendre_pdf

    mesure = demarrer()
    debut, cpu = time.perf_counter(), time.process_time()
    html = construire_html(rapport)
    mesure["html_s"], mesure["html_cpu_s"] = time.perf_counter() - debut, time.process_time() - cpu
    debut, cpu = time.perf_counter(), time.process_time()
    contenu = rendre_pdf(html)
    mesure["weasyprint_s"], mesure["weasyprint_cpu_s"] = time.perf_counter() - debut, time.process_time() - cpu
    mesure["total_s"] = mesure["html_s"] + mesure["weasyprint_s"]
    mesure["total_cpu_s"] = mesure["html_cpu_s"] + mesure["weasyprint_cpu_s"]
    mesure["pic_ko"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mesure["pages"] = nombre_de_pages(contenu)
    mesure["octets"] = len(contenu)
    mesure["lignes_html"] = html.count("<tr")
    Path(fichier_html).write_text(html, encoding="utf-8")
    print(json.dumps(mesure))


def mesurer_weasyprint(fichier_html):
    import resource

    from partenariat.commun.pdf import rendre_pdf

    mesure = demarrer()
    html = Path(fichier_html).read_text(encoding="utf-8")
    debut, cpu = time.perf_counter(), time.process_time()
    rendre_pdf(html)
    mesure["weasyprint_s"], mesure["weasyprint_cpu_s"] = time.perf_counter() - debut, time.process_time() - cpu
    mesure["pic_ko"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(mesure))


# --- In the parent ---------------------------------------------------------------------------------------------


def enfant(*arguments):
    resultat = subprocess.run(
        [sys.executable, __file__, "--enfant", *arguments],
        env=os.environ,
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode:
        raise SystemExit(f"Échec de « {' '.join(arguments)} » :\n{resultat.stdout}{resultat.stderr}")
    if resultat.stderr.strip():
        print(resultat.stderr.strip(), file=sys.stderr)
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def creer_base_postgres(url):
    """A PostgreSQL DATABASE_URL may name a database that does not exist yet: create it on that server."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    serveur, nom = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)
    with psycopg.connect(f"{serveur}/postgres", autocommit=True) as connexion:
        if not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone():
            connexion.execute(f'CREATE DATABASE "{nom}"')


def median(mesures, cle):
    return statistics.median(mesure[cle] for mesure in mesures)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=3, help="processus par mesure (médiane)")
    parser.add_argument("--sans-annuel", action="store_true", help="ne pas mesurer le rapport national 2014")
    parser.add_argument("--enfant", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", BASE_SQLITE)
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-local-uniquement")
    os.environ["DEBUG"] = "0"  # no query log in memory
    if options.enfant:
        mode, *arguments = options.enfant
        if mode == "preparer":
            initialiser_django()
            preparer()
        elif mode == "total":
            mesurer_total(*arguments)
        elif mode == "weasyprint":
            mesurer_weasyprint(*arguments)
        return 0

    creer_base_postgres(os.environ["DATABASE_URL"])
    base = enfant("preparer")
    print(
        f"Base {base['moteur']} ({os.environ['DATABASE_URL']}) : {base['communes']} communes, {base['aires']} aires, "
        f"{base['conferences']} conférences, {base['objectifs']} objectifs, {base['realisations']} réalisations ; "
        f"{os.cpu_count()} cœurs, {options.repetitions} processus par mesure (médiane)."
    )
    rapports = [r for r in RAPPORTS if not (options.sans_annuel and r == "national-2014")]
    charge_avant = os.getloadavg()
    depasse = False
    resultats = []
    with tempfile.TemporaryDirectory(prefix="bench-rapports-") as dossier:
        for rapport in rapports:
            fichier = str(Path(dossier) / f"{rapport}.html")
            totaux = [enfant("total", rapport, fichier) for _ in range(options.repetitions)]
            seuls = [enfant("weasyprint", fichier) for _ in range(options.repetitions)]
            resultats.append((rapport, totaux, seuls))
    charge_apres = os.getloadavg()

    demarrages = [mesure for _rapport, totaux, _seuls in resultats for mesure in totaux]
    print(
        f"Démarrage d'un processus (payé une fois par worker, hors mesures) : Django "
        f"{median(demarrages, 'django_s'):.2f} s, import de WeasyPrint et chargement des polices "
        f"{median(demarrages, 'weasyprint_demarrage_s'):.2f} s."
    )
    print(
        f"Charge de la machine (load average 1 min) : {charge_avant[0]:.2f} avant, {charge_apres[0]:.2f} après ; "
        "les temps CPU du processus (entre parenthèses) dépendent moins des autres processus.\n"
    )
    for rapport, totaux, seuls in resultats:
        libelle, cible_s, cible_mo = RAPPORTS[rapport]
        total_s, seul_s = median(totaux, "total_s"), median(seuls, "weasyprint_s")
        pic_mo = median(totaux, "pic_ko") / 1024
        tenu = total_s <= cible_s and (cible_mo is None or pic_mo <= cible_mo)
        depasse |= not tenu
        cible = f"≤ {cible_s:g} s" + (f" et ≤ {cible_mo} Mo" if cible_mo else "")
        print(f"{libelle} — {totaux[0]['pages']} pages, {totaux[0]['lignes_html']} lignes de tableau")
        print(
            f"  total            {total_s:6.2f} s ({median(totaux, 'total_cpu_s'):.2f} s CPU) = HTML "
            f"{median(totaux, 'html_s'):.2f} s + WeasyPrint {median(totaux, 'weasyprint_s'):.2f} s"
        )
        print(f"  WeasyPrint seul  {seul_s:6.2f} s ({median(seuls, 'weasyprint_cpu_s'):.2f} s CPU) sur le même HTML")
        print(f"  notre surcoût    {total_s - seul_s:+6.2f} s (total − WeasyPrint seul)")
        print(
            f"  mémoire          pic {pic_mo:.0f} Mo (WeasyPrint seul : {median(seuls, 'pic_ko') / 1024:.0f} Mo), "
            f"dont {median(totaux, 'base_ko') / 1024:.0f} Mo au démarrage"
        )
        print(f"  cible            {cible} : {'tenue' if tenu else 'DÉPASSÉE'}\n")
    print("Cibles dépassées." if depasse else "Cibles tenues.")
    return 1 if depasse else 0


if __name__ == "__main__":
    sys.exit(main())
