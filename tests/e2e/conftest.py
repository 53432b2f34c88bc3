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


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path):
    """Evidence files go to a folder of the test, never to the checkout's private folder."""
    dossier = tmp_path / "pieces_jointes"
    settings.STORAGES = {
        **settings.STORAGES,
        "pieces_jointes": {
            "BACKEND": "partenariat.commun.fichiers.StockagePrive",
            "OPTIONS": {"location": str(dossier)},
        },
    }
    return dossier


def pdf_de_compte_rendu(titre="Compte rendu de la conférence territoriale"):
    """A real one-page PDF, as a secretariat would attach (WeasyPrint, already used for the reports)."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{titre}</h1><p>Livraison de la résidence, 12 logements.</p>").write_pdf()


def se_connecter(page, identifiant, mot_de_passe="demo-partenariat"):
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def types_de_pages():
    """One page of every type a signed-in person reaches (lists, details, forms), on the demo data; and an objective
    of an open year (Lyon, 2014) to record on.

    Returns ({account: {url: witness}}, objective): most pages as UESL staff, the years page as an administrator
    (the one shown the reopening form). A witness, when given, is a CSS selector the page must match: proof that
    it shows what it is listed for. A file is attached to a meeting and to a pending achievement, so that their
    pages list evidence files.
    """
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation, Reunion
    from engagements.avancement import EtatRealisation
    from engagements.models import Objectif, Realisation
    from partenariat.models import NaturePiece
    from partenariat.pieces_jointes import joindre_piece

    comptes = get_user_model().objects.in_bulk(["uesl", "secretariat-lyon"], field_name="username")
    conference = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    lyon = Objectif.objects.filter(aire__code="002").order_by("pk")
    objectif = lyon.filter(annee=2014).first()
    objectif_clos = lyon.filter(annee=2013).first()  # 2013 is closed in the demo: "année close le …"
    realisation = Realisation.objects.filter(objectif=objectif, etat=EtatRealisation.VALIDEE).order_by("pk").first()
    # Pending, recorded by Lyon's secretariat: UESL staff are shown the examination form (four eyes allow them).
    soumise = (
        Realisation.objects.filter(
            objectif__aire__code="002", etat=EtatRealisation.SOUMISE, modifie_par=comptes["secretariat-lyon"]
        )
        .order_by("pk")
        .first()
    )
    reunion = Reunion.objects.filter(conference=conference).order_by("pk").first()
    association = AssociationProgrammation.objects.order_by("pk").first()
    observation = Observation.objects.order_by("pk").first()
    pdf = pdf_de_compte_rendu()
    for objet, nature, nom in [
        (reunion, NaturePiece.COMPTE_RENDU, "Compte rendu de la réunion.pdf"),
        (soumise, NaturePiece.JUSTIFICATIF, "Procès-verbal de livraison.pdf"),
    ]:
        joindre_piece(objet, nature, SimpleUploadedFile(nom, pdf, "application/pdf"), comptes["secretariat-lyon"])
    c = conference.pk
    temoins = {
        "/?en_attente=1": ".chiffres-provisoires",
        f"/objectifs/{objectif_clos.pk}/": ".annee-close",
        f"/objectifs/realisations/{soumise.pk}/": "form[action$='/valider/'] textarea",
        "/validation/": "input[name='selection']",
        "/alertes/": ".gravite",
        f"/conferences/reunions/{reunion.pk}/": "a[href^='/pieces-jointes/']",
    }
    urls = [
        "/",
        "/?en_attente=1",
        "/deploiement/?date=2013-06-30",
        "/aires/",
        "/aires/?phase=prioritaire-2013&sort=-taux",
        "/aires/002/",
        "/aires/carte/",
        "/objectifs/",
        f"/objectifs/{objectif.pk}/",
        f"/objectifs/{objectif_clos.pk}/",
        f"/objectifs/realisations/{realisation.pk}/",
        f"/objectifs/realisations/{soumise.pk}/",
        "/validation/",
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
        "/alertes/",
        "/alertes/?date=2014-06-30&gravite=moyenne",
        "/comptes/suivis/",
        "/comptes/preferences/",
    ]
    if association:
        urls.append(f"/conferences/associations/{association.pk}/modifier/")
    if observation:
        urls.append(f"/conferences/observations/{observation.pk}/modifier/")
    pages = {
        "uesl": {url: temoins.get(url) for url in urls},
        "admin": {"/objectifs/annees/": "form[action$='/2013/rouvrir/'] textarea"},
    }
    return pages, objectif
