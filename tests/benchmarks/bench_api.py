"""The objectives endpoint of the API against the objectives page, 100 rows each, on the load data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api .venv/bin/python tests/benchmarks/bench_api.py

The database is built once (INSEE import, zoning, demo, 50,000 objectives and 500,000 achievements) and reused.
Times are medians of in-process requests (Django test client, the API with a bearer token, the page with the
browser session), measured alternately in one run after one request of each: server time, no network. The cache is
kept, so that the page's navigation (its alert count, kept 5 minutes per person) weighs as it does for a reader.
"""

import os
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE))
sys.path.insert(0, str(RACINE / "tests" / "benchmarks"))
REPETITIONS = 15


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    os.environ.setdefault("SECRET_KEY", "mesure-locale")
    os.environ.setdefault("API_DEBIT", "1000000/minute")
    import django

    django.setup()
    from bench_alertes import preparer
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from engagements.models import Objectif
    from partenariat.api.jetons import creer_jeton

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    preparer()
    uesl = get_user_model().objects.get(username="uesl")
    _jeton, secret = creer_jeton(uesl, "Mesure", "lecture", 30)
    page, api = Client(), Client(headers={"Authorization": f"Bearer {secret}"})
    page.force_login(uesl)
    print(f"{Objectif.objects.count()} objectifs")
    cas = [
        ("", "toute la liste"),
        ("&date=2014-06-30", "à une date passée"),
        ("&annee=2014&dispositif=logement_social", "filtrée"),
        ("&date=2014-06-30&en_attente=1&page=3", "provisoire, page 3"),
    ]
    print(f"\nMédianes de {REPETITIONS} requêtes alternées (ms), 100 lignes")
    print(f"{'cas':<24}{'API':>10}{'page':>10}{'rapport':>10}")
    for parametres, nom in cas:
        durees = {"api": [], "page": []}
        adresses = (
            ("api", api, f"/api/v1/objectifs/?per_page=100{parametres}"),
            ("page", page, f"/objectifs/?per_page=100{parametres}"),
        )
        for _genre, client, url in adresses:
            client.get(url)
        for _ in range(REPETITIONS):
            for genre, client, url in adresses:
                debut = time.perf_counter()
                reponse = client.get(url)
                durees[genre].append(time.perf_counter() - debut)
                assert reponse.status_code == 200, (url, reponse.status_code)
        api_ms, page_ms = (statistics.median(durees[g]) * 1000 for g in ("api", "page"))
        print(f"{nom:<24}{api_ms:>10.1f}{page_ms:>10.1f}{api_ms / page_ms:>10.2f}")


if __name__ == "__main__":
    main()
