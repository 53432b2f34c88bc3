"""Alerts and digests on the load data set: alerts per kind, time of /alertes/ for UESL staff, digests for 1,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alertes .venv/bin/python tests/benchmarks/bench_alertes.py

The database is built once (INSEE import, zoning, demo, 50,000 objectives and 500,000 achievements) and reused.
Page times are medians of in-process requests (Django test client): server time, no network. The digests are built
and "sent" to Django's in-memory mailbox, so that the figure is the product's work, not an SMTP server's.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
DONNEES = RACINE / "aires_urbaines" / "referentiels"
sys.path.insert(0, str(RACINE))
NB_PERSONNES = 1000


def preparer():
    from django.core.management import call_command

    from engagements.models import Objectif

    call_command("migrate", verbosity=0)
    if Objectif.objects.count() >= 50_000:
        return
    debut = time.perf_counter()
    call_command("importer_communes", str(DONNEES / "au2010_communes_cog2012.csv.gz"), verbosity=0)
    call_command("importer_zonage", str(DONNEES / "zonage_abc_2022_communes.csv.gz"), verbosity=0)
    call_command("charger_demo", verbosity=0)
    call_command("generer_donnees_charge", verbosity=0)
    print(f"Base préparée en {time.perf_counter() - debut:.0f} s")


def mediane(fonction, repetitions=7):
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees)


def personnes():
    """1,000 people with a daily digest: 700 élus following three areas, 200 secretariats, 100 UESL staff."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aires_urbaines.models import AireUrbaine
    from conferences.models import ConferenceTerritoriale
    from partenariat.alertes.models import Resume, Suivi
    from partenariat.models import PreferencesUtilisateur
    from partenariat.roles import ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE

    User = get_user_model()
    Resume.objects.filter(utilisateur__username__startswith="bench-").delete()
    if User.objects.filter(username__startswith="bench-").count() == NB_PERSONNES:
        return list(User.objects.filter(username__startswith="bench-"))
    hasard = random.Random(2012)
    aires = list(AireUrbaine.objects.filter(entree_phase__isnull=False).values_list("pk", flat=True))
    conferences = list(ConferenceTerritoriale.objects.values_list("pk", flat=True))
    groupes = {nom: Group.objects.get(name=nom) for nom in (ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE)}
    crees = []
    for i in range(NB_PERSONNES):
        role = ELUS if i < 700 else SECRETARIAT_CONFERENCE if i < 900 else EQUIPE_UESL
        user = User.objects.create(username=f"bench-{i:04d}", email=f"bench-{i:04d}@exemple.fr")
        user.groups.add(groupes[role])
        PreferencesUtilisateur.objects.create(utilisateur=user, frequence_resume="quotidien")
        if role == ELUS:
            for aire in hasard.sample(aires, 3):
                Suivi.objects.create(utilisateur=user, aire_id=aire)
        elif role == SECRETARIAT_CONFERENCE:
            ConferenceTerritoriale.objects.get(pk=hasard.choice(conferences)).secretariat.add(user)
        crees.append(user)
    return crees


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partenariat.settings")
    os.environ.setdefault("SECRET_KEY", "mesure-locale")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment

    from partenariat.alertes.calcul import LIBELLES_GENRES, calculer_alertes, decompte_par_genre
    from partenariat.alertes.resumes import a_envoyer, envoyer_resume

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    preparer()

    for au in (datetime.date(2014, 6, 30), datetime.date.today()):
        alertes = calculer_alertes(au)
        print(f"\nAlertes au {au:%d/%m/%Y} : {len(alertes)}")
        for genre, n in decompte_par_genre(alertes).items():
            print(f"  {LIBELLES_GENRES[genre]:<50} {n:>7}")

    uesl = get_user_model().objects.get(username="uesl")
    client = Client()
    client.force_login(uesl)
    print("\nPages (UESL, médianes de 7 requêtes, cache vidé avant chacune)")
    for url in (
        "/alertes/",
        "/alertes/?date=2014-06-30",
        "/alertes/?genre=objectif_en_retard",
        "/objectifs/?per_page=100",
    ):

        def page(url=url):
            cache.clear()
            assert client.get(url).status_code == 200

        page()
        print(f"  {url:<45} {mediane(page) * 1000:8.1f} ms")

    gens = personnes()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    au = datetime.date.today()
    dus = [(u, f, p) for u, f, p in a_envoyer(au) if u.username.startswith("bench-")]
    debut = time.perf_counter()
    lot = "bench"
    for user, frequence, periode in dus:
        envoyer_resume(user, frequence, au, periode, lot=lot)
    duree = time.perf_counter() - debut
    print(
        f"\nRésumés de {len(gens)} personnes (alertes au {au:%d/%m/%Y}) : {duree:.1f} s, "
        f"{duree / max(1, len(dus)) * 1000:.1f} ms par personne, {len(mail.outbox)} courriels"
    )


if __name__ == "__main__":
    main()
