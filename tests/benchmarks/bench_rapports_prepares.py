"""How long a report request holds a web worker now that the task worker renders it, against rendering it inline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partenariat_charge .venv/bin/python \\
        tests/benchmarks/bench_rapports_prepares.py [--repetitions 5]

On the load data set (tests/load/preparer_base.sh). In one process, for the national report of 2014, a
conference's and an area's: « demande » is the request that finds no prepared report (data version, row, task
queued: what the first person waits for before the « en préparation » page), « prêt » the request that serves the
prepared file, « rendu » the rendering itself (what a request cost before, and what the worker now spends once).
Everything runs inside a transaction rolled back at the end: no row, no task is left behind. Median of the runs,
wall clock (time.perf_counter).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=5)
    options = parser.parse_args()
    sys.path.insert(0, str(RACINE))
    os.chdir(RACINE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    os.environ.setdefault("SECRET_KEY", "mesure-locale")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    from aires_urbaines.models import AireUrbaine
    from conferences.models import ConferenceTerritoriale
    from partenariat.models import RapportPrepare
    from partenariat.pilotage import preparation

    client = Client()
    client.force_login(get_user_model().objects.get(username="elu"))
    conference = ConferenceTerritoriale.objects.order_by("pk").first()
    rapports = [
        ("national 2014", "/rapports/national.pdf?annee=2014", preparation.Genre.NATIONAL, "2014"),
        ("conférence", f"/rapports/conferences/{conference.pk}.pdf", preparation.Genre.CONFERENCE, conference.pk),
        ("aire 002", "/rapports/aires/002.pdf", preparation.Genre.AIRE, AireUrbaine.objects.get(code="002").code),
    ]

    class Annuler(Exception):
        pass

    print(f"{'rapport':15s} {'demande':>10s} {'prêt':>10s} {'rendu':>10s} {'rendu ÷ demande':>16s}")
    try:
        with transaction.atomic():
            for nom, url, genre, parametre in rapports:
                demandes, prets, rendus = [], [], []
                for _ in range(options.repetitions):
                    RapportPrepare.objects.filter(genre=genre).delete()
                    debut = time.perf_counter()
                    reponse = client.get(url)
                    demandes.append(time.perf_counter() - debut)
                    assert reponse.status_code == 202, reponse.status_code
                    rapport = RapportPrepare.objects.get(genre=genre, parametre=str(parametre))
                    debut = time.perf_counter()
                    preparation.preparer_rapport.call(rapport.pk)
                    rendus.append(time.perf_counter() - debut)
                    debut = time.perf_counter()
                    reponse = client.get(url)
                    prets.append(time.perf_counter() - debut)
                    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
                d, p, r = (statistics.median(v) for v in (demandes, prets, rendus))
                print(f"{nom:15s} {d * 1000:8.0f} ms {p * 1000:8.0f} ms {r * 1000:8.0f} ms {r / d:15.0f}×")
            raise Annuler
    except Annuler:
        pass


if __name__ == "__main__":
    main()
