"""Real Chromium (Debian's) driven by Playwright against the live test server."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def navigateur():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium est introuvable alors que CI=true : installez le paquet Debian « chromium ».")
        pytest.skip("Chromium n'est pas installé (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS)
        yield browser
        browser.close()


@pytest.fixture
def donnees_demo(transactional_db):
    from django.core.management import call_command

    call_command("charger_demo", verbosity=0)


@pytest.fixture
def nouvelle_page(navigateur, live_server):
    contextes = []

    def ouvrir(**options):
        # A French browser unless the test asks for another language (`locale="en-GB"`: Accept-Language).
        options.setdefault("locale", "fr-FR")
        contexte = navigateur.new_context(base_url=live_server.url, accept_downloads=True, **options)
        contexte.set_default_timeout(15_000)
        contextes.append(contexte)
        return contexte.new_page()

    yield ouvrir
    for contexte in contextes:
        contexte.close()


def se_connecter(page, identifiant, mot_de_passe="demo-partenariat"):
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def types_de_pages():
    """One page of every type a signed-in person reaches (lists, details, forms), on the demo data; and an objective."""
    from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation, Reunion
    from engagements.models import Objectif, Realisation

    conference = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    objectif = Objectif.objects.filter(aire__code="002").order_by("pk").first()
    realisation = Realisation.objects.filter(objectif__aire__code="002").order_by("pk").first()
    reunion = Reunion.objects.filter(conference=conference).order_by("pk").first()
    association = AssociationProgrammation.objects.order_by("pk").first()
    observation = Observation.objects.order_by("pk").first()
    c = conference.pk
    urls = [
        "/",
        "/deploiement/?date=2013-06-30",
        "/aires/",
        "/aires/?phase=prioritaire-2013&sort=-taux",
        "/aires/002/",
        "/aires/carte/",
        "/objectifs/",
        f"/objectifs/{objectif.pk}/",
        f"/objectifs/realisations/{realisation.pk}/",
        "/conferences/",
        f"/conferences/{c}/",
        f"/conferences/reunions/{reunion.pk}/",
        "/rapports/",
        "/conferences/ajouter/",
        f"/conferences/{c}/modifier/",
        f"/conferences/{c}/membres/modifier/",
        f"/conferences/{c}/reunions/ajouter/",
        f"/conferences/reunions/{reunion.pk}/modifier/",
        f"/conferences/{c}/associations/ajouter/",
        f"/conferences/{c}/observations/ajouter/",
        "/objectifs/ajouter/",
        f"/objectifs/{objectif.pk}/modifier/",
        f"/objectifs/{objectif.pk}/realisations/ajouter/",
        f"/objectifs/realisations/{realisation.pk}/modifier/",
        "/objectifs/importer/",
        "/comptes/mot-de-passe/",
    ]
    if association:
        urls.append(f"/conferences/associations/{association.pk}/modifier/")
    if observation:
        urls.append(f"/conferences/observations/{observation.pk}/modifier/")
    return urls, objectif
