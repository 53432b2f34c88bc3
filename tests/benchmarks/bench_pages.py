"""Server time and query count of the main pages at full-France scale, against the Django admin and a bare view.

    .venv/bin/python tests/benchmarks/bench_pages.py            # 12,000 objectives, 120,000 achievements
    .venv/bin/python tests/benchmarks/bench_pages.py --complet  # 50,000 objectives, 500,000 achievements
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages .venv/bin/python tests/benchmarks/bench_pages.py

The database is built once (INSEE import, zoning, demo, generated load) and reused on later runs.
Times are medians of in-process requests (Django test client, signed-in superuser): server time, no network.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
DONNEES = RACINE / "aires_urbaines" / "referentiels"
sys.path.insert(0, str(RACINE))

PAGES = [
    ("Tableau de bord", "/"),
    ("Déploiement", "/deploiement/?date=2014-06-30"),
    ("Aires urbaines", "/aires/"),
    ("Aires urbaines, tri par taux", "/aires/?sort=-taux"),
    ("Aires urbaines, 100 lignes", "/aires/?per_page=100"),
    ("Objectifs", "/objectifs/"),
    ("Objectifs, filtre statut + tri", "/objectifs/?statut=en_retard&sort=-taux"),
    ("Objectifs, 100 lignes", "/objectifs/?per_page=100"),
    ("Conférences", "/conferences/"),
    ("Fiche aire Lyon", "/aires/002/"),
]
COMPARAISONS = [
    ("/aires/?per_page=100", "/admin/aires_urbaines/aireurbaine/"),
    ("/objectifs/?per_page=100", "/admin/engagements/objectif/"),
]


def preparer(complet):
    from django.core.management import call_command

    from engagements.models import Objectif

    call_command("migrate", verbosity=0)
    if Objectif.objects.count() >= (50_000 if complet else 10_000):
        return
    debut = time.perf_counter()
    call_command("importer_communes", str(DONNEES / "au2010_communes_cog2012.csv.gz"), verbosity=0)
    call_command("importer_zonage", str(DONNEES / "zonage_abc_2022_communes.csv.gz"), verbosity=0)
    call_command("charger_demo", verbosity=0)
    if complet:
        call_command("generer_donnees_charge", verbosity=0)
    else:
        call_command("generer_donnees_charge", objectifs=12_000, realisations=120_000, verbosity=0)
    print(f"Base préparée en {time.perf_counter() - debut:.0f} s")


def mesurer(client, url, repetitions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    durees = []
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as requetes:
            debut = time.perf_counter()
            response = client.get(url)
            durees.append(time.perf_counter() - debut)
        assert response.status_code == 200, url
    return statistics.median(durees) * 1000, len(requetes.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complet", action="store_true", help="50 000 objectifs et 500 000 réalisations")
    parser.add_argument("--repetitions", type=int, default=15)
    options = parser.parse_args()

    base = "bench_pages_complet" if options.complet else "bench_pages"
    os.environ.setdefault("DATABASE_URL", f"sqlite:////tmp/{base}.sqlite3")
    os.environ.setdefault("SECRET_KEY", "mesure-locale")
    os.environ["AXES_ENABLED"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from engagements.models import Objectif, Realisation

    setup_test_environment()
    preparer(options.complet)
    print(
        f"Base : {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} — "
        f"{Objectif.objects.count()} objectifs, {Realisation.objects.count()} réalisations"
    )
    utilisateur, _ = get_user_model().objects.get_or_create(
        username="mesure", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(utilisateur)
    with override_settings(ROOT_URLCONF="tests.benchmarks.bench_urls", ALLOWED_HOSTS=["testserver"]):
        plancher, _ = mesurer(client, "/__nue__/", options.repetitions)
        print(f"\n{'page':40} {'médiane':>10} {'requêtes':>9} {'× vue nue':>10}")
        print(f"{'Vue Django nue (plancher)':40} {plancher:8.1f} ms {0:9d} {1:10.1f}")
        for libelle, url in PAGES:
            duree, requetes = mesurer(client, url, options.repetitions)
            print(f"{libelle:40} {duree:8.1f} ms {requetes:9d} {duree / plancher:10.1f}")
        print(f"\n{'nous / admin (même modèle, 100 lignes)':60} {'nous':>9} {'admin':>9} {'ratio':>6}")
        for notre_url, url_admin in COMPARAISONS:
            nous, _ = mesurer(client, notre_url, options.repetitions)
            admin, _ = mesurer(client, url_admin, options.repetitions)
            print(f"{notre_url + ' vs ' + url_admin:60} {nous:7.1f}ms {admin:7.1f}ms {nous / admin:6.2f}")


if __name__ == "__main__":
    main()
