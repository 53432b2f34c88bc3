"""Time the full commune import (36,700 rows) on SQLite and on PostgreSQL against the 20-second target.

Each database is measured in a child process of this script, with its own DATABASE_URL, so that Django is set up
once per backend: the child migrates an empty database, then times a first import and the idempotent second one.

    .venv/bin/python tests/benchmarks/bench_import_communes.py [--fichier CSV] [--postgres URL | --sans-postgres]

The PostgreSQL database is a temporary one created on the server of --postgres, then dropped.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
FICHIER = RACINE / "aires_urbaines" / "referentiels" / "au2010_communes_cog2012.csv.gz"
ZONAGE = RACINE / "aires_urbaines" / "referentiels" / "zonage_abc_2022_communes.csv.gz"
CIBLE_SECONDES = 20.0
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def mesurer(fichier, zonage):
    """In the child: migrate the empty database named by DATABASE_URL, then time the imports."""
    import io

    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    os.environ.setdefault("SECRET_KEY", "banc-d-essai-local-uniquement")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "postgresql":
        mesures = {"base": f"PostgreSQL {connection.pg_version // 10000}"}
    else:
        mesures = {"base": f"SQLite {connection.Database.sqlite_version}"}
    for nom, commande, chemin in (
        ("premier import", "importer_communes", fichier),
        ("second import (idempotent)", "importer_communes", fichier),
        ("zonage A/B/C (pour information)", "importer_zonage", zonage),
    ):
        sortie = io.StringIO()
        debut = time.perf_counter()
        call_command(commande, str(chemin), stdout=sortie)
        mesures[nom] = time.perf_counter() - debut
        if nom.startswith("second") and "Aucune modification" not in sortie.getvalue():
            raise SystemExit(f"Le second import a modifié la base :\n{sortie.getvalue()}")
    print(json.dumps(mesures))


def lancer_enfant(url, fichier, zonage):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "banc-d-essai-local-uniquement")
    resultat = subprocess.run(
        [sys.executable, __file__, "--enfant", "--fichier", str(fichier), "--zonage", str(zonage)],
        env=env,
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode:
        raise SystemExit(f"Échec de la mesure sur {url} :\n{resultat.stdout}{resultat.stderr}")
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def mesurer_sqlite(fichier, zonage):
    with tempfile.TemporaryDirectory(prefix="bench-import-") as dossier:
        return lancer_enfant(f"sqlite:///{dossier}/bench.sqlite3", fichier, zonage)


def mesurer_postgres(url_serveur, fichier, zonage):
    """On a temporary database of the server, dropped even when the measure fails."""
    import psycopg

    nom = f"bench_import_{uuid.uuid4().hex[:12]}"
    conninfo = url_serveur.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as connexion:
        connexion.execute(f'CREATE DATABASE "{nom}"')
    try:
        return lancer_enfant(url_serveur.rsplit("/", 1)[0] + f"/{nom}", fichier, zonage)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fichier", type=Path, default=FICHIER)
    parser.add_argument("--zonage", type=Path, default=ZONAGE)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", POSTGRES))
    parser.add_argument("--sans-postgres", action="store_true")
    parser.add_argument("--enfant", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.enfant:
        mesurer(options.fichier, options.zonage)
        return 0

    resultats = [mesurer_sqlite(options.fichier, options.zonage)]
    if not options.sans_postgres:
        resultats.append(mesurer_postgres(options.postgres, options.fichier, options.zonage))

    print(f"Import de {options.fichier.name} ({os.cpu_count()} cœurs) — cible : {CIBLE_SECONDES:.0f} s")
    depasse = False
    for mesures in resultats:
        print(f"\n{mesures.pop('base')}")
        for nom, secondes in mesures.items():
            print(f"  {nom:<32} {secondes:6.2f} s   {secondes / CIBLE_SECONDES * 100:5.1f} % de la cible")
            depasse |= not nom.startswith("zonage") and secondes > CIBLE_SECONDES
    print("\nCible dépassée." if depasse else "\nCible tenue.")
    return 1 if depasse else 0


if __name__ == "__main__":
    sys.exit(main())
