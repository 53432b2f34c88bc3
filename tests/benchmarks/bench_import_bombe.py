"""Server time and memory of the achievements file check for hostile and valid files, against the targets.

Each file is checked in a child process of this script (so that the peak RSS is that file's own): the child migrates
an in-memory SQLite database, builds the test world, then times `analyser_fichier` as the upload view calls it.

    .venv/bin/python tests/benchmarks/bench_import_bombe.py [--cas NOM ...]

Targets: the 2,000,000-row workbook refused within 2 s, the process under 200 MB.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
CIBLE_SECONDES = 2.0
CIBLE_MO = 200

ENTETES = ["Code aire", "Dispositif", "Année", "Unité", "Date réalisation", "Quantité réalisée", "Commentaire"]
LIGNE = ["002", "logement_social", 2013, "logements", "2013-06-15", 5, "Livraison rue Garibaldi"]
COMPACTE = [2, "logement_social", 2013, None, "2013-06-15", 5]
LIGNE_CSV = "002,logement_social,2013,logements,15/06/2013,5,Livraison rue Garibaldi"


def csv(lignes):
    return ("\n".join(lignes) + "\n").encode()


def fichiers():
    """Name → (file name, builder) of every case; built in the child, outside the measure."""
    from tests.classeurs import classeur

    return {
        "bombe 2 000 000 lignes (xlsx)": (
            "r.xlsx",
            lambda: classeur(ENTETES, [LIGNE], repeter=2_000_000, numeroter=False),
        ),
        "200 000 lignes (xlsx)": ("r.xlsx", lambda: classeur(ENTETES, [LIGNE], repeter=200_000, numeroter=False)),
        "200 000 lignes compactes, sous 20 Mo (xlsx)": (
            "r.xlsx",
            lambda: classeur(ENTETES, [COMPACTE], repeter=200_000, numeroter=False),
        ),
        "200 000 lignes compactes sans dimension déclarée (xlsx)": (
            "r.xlsx",
            lambda: classeur(ENTETES, [COMPACTE], repeter=200_000, numeroter=False, dimension=False),
        ),
        "200 000 lignes (csv)": ("r.csv", lambda: csv([",".join(ENTETES), *["2,x,2013,,1,1"] * 200_000])),
        "10 000 lignes valides (xlsx)": ("r.xlsx", lambda: classeur(ENTETES, [LIGNE], repeter=10_000)),
        "10 000 lignes valides (csv)": ("r.csv", lambda: csv([",".join(ENTETES), *[LIGNE_CSV] * 10_000])),
    }


def mesurer(nom):
    """In the child: one file checked, its time and memory printed as JSON."""
    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-local-uniquement")
    import django

    django.setup()
    from django.core.management import call_command

    from engagements.imports import analyser_fichier
    from tests.acteurs import construire_monde

    call_command("migrate", verbosity=0, interactive=False)
    utilisateur = construire_monde().utilisateurs["uesl"]
    nom_fichier, construire = fichiers()[nom]
    contenu = construire()
    decompresse = None
    if nom_fichier.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            decompresse = sum(membre.file_size for membre in archive.infolist())
    rss_avant = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    debut = time.perf_counter()
    analyse = analyser_fichier(nom_fichier, contenu, utilisateur)
    duree = time.perf_counter() - debut
    rss_pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Traced allocations slow the work down: a second run, untimed, gives the Python peak.
    tracemalloc.start()
    analyser_fichier(nom_fichier, contenu, utilisateur)
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "octets": len(contenu),
                "decompresse": decompresse,
                "secondes": duree,
                "tracemalloc_mo": pic / 1024 / 1024,
                "rss_avant_mo": rss_avant,
                "rss_pic_mo": rss_pic,
                "lignes": len(analyse.lignes),
                "reponse": (analyse.erreurs or ["accepté"])[0][:110],
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cas", nargs="*", help="noms des cas (tous par défaut)")
    parser.add_argument("--enfant", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.enfant:
        mesurer(arguments.enfant)
        return
    sys.path.insert(0, str(RACINE))
    noms = arguments.cas or list(fichiers())
    env = {**os.environ, "DATABASE_URL": "sqlite://:memory:", "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "banc-d-essai-local-uniquement")
    echecs = []
    for nom in noms:
        sortie = subprocess.run(
            [sys.executable, __file__, "--enfant", nom], env=env, cwd=RACINE, capture_output=True, text=True
        )
        if sortie.returncode:
            raise SystemExit(f"{nom} : échec\n{sortie.stderr[-3000:]}")
        m = json.loads(sortie.stdout.strip().splitlines()[-1])
        taille = f"{m['octets'] / 1e6:.2f} Mo"
        if m["decompresse"]:
            taille += f" ({m['decompresse'] / 1e6:.0f} Mo décompressé)"
        print(
            f"{nom:58} {taille:32} {m['secondes']:7.3f} s  tracemalloc {m['tracemalloc_mo']:6.1f} Mo  "
            f"RSS {m['rss_avant_mo']:.0f} → {m['rss_pic_mo']:.0f} Mo  {m['reponse']}"
        )
        if nom.startswith("bombe") and m["secondes"] > CIBLE_SECONDES:
            echecs.append(f"{nom} : {m['secondes']:.2f} s > {CIBLE_SECONDES} s")
        if m["rss_pic_mo"] > CIBLE_MO:
            echecs.append(f"{nom} : {m['rss_pic_mo']:.0f} Mo > {CIBLE_MO} Mo")
    if echecs:
        raise SystemExit("Cibles manquées : " + " ; ".join(echecs))


if __name__ == "__main__":
    main()
