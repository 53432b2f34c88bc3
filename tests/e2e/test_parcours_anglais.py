"""An English-speaking partner signs in, switches the interface to English, browses Lyon and downloads its report."""

from django.core.management import call_command
from django.utils import translation

from tests.e2e.conftest import se_connecter
from tests.lecture_pdf import lire_pdf, texte_pdf, une_ligne


def en_anglais(francais):
    """The English of a French source string, from the catalogue; the test fails if it has none."""
    with translation.override("en"):
        anglais = translation.gettext(francais)
    assert anglais != francais, f"« {francais} » n'a pas de traduction anglaise dans locale/en"
    return anglais


def test_parcours_en_anglais_jusqu_au_rapport_pdf_de_lyon(donnees_demo, nouvelle_page):
    page = nouvelle_page()  # a French browser: the sign-in page is French, as a new visitor sees it
    se_connecter(page, "elu")
    assert page.locator("html").get_attribute("lang") == "fr"

    # The header's switch names English in English, for screen readers too.
    interrupteur = page.get_by_role("button", name="English", exact=True)
    assert interrupteur.get_attribute("lang") == "en"
    interrupteur.click()
    page.wait_for_selector('html[lang="en"]')
    assert page.get_by_role("link", name=en_anglais("Tableau de bord"), exact=True).is_visible()
    courante = page.locator(".entete-langue [aria-current=true]")
    assert courante.inner_text() == "English"
    assert page.get_by_role("button", name="Français", exact=True).get_attribute("lang") == "fr"

    page.get_by_role("navigation").get_by_role("link", name=en_anglais("Aires urbaines"), exact=True).click()
    page.wait_for_url("**/aires/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("table").get_by_role("link", name="Lyon", exact=True).click()
    page.wait_for_url("**/aires/002/")
    assert page.locator("html").get_attribute("lang") == "en"

    lien = page.get_by_role("link", name=en_anglais("Télécharger le rapport PDF de l'aire"))
    assert lien.get_attribute("href") == "/rapports/aires/002.pdf"
    with page.expect_download(timeout=30_000) as telechargement:
        lien.click()
        # The waiting page, in English too, until the task worker has prepared the report.
        page.get_by_role("heading", name=en_anglais("Rapport en préparation")).wait_for()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    with open(telechargement.value.path(), "rb") as fichier:
        contenu = fichier.read()

    lecteur = lire_pdf(contenu)
    assert str(lecteur.trailer["/Root"]["/Lang"]) == "en"
    texte = une_ligne(texte_pdf(contenu))
    assert en_anglais("Objectifs partagés et avancement") in texte
    assert "Objectifs partagés et avancement" not in texte

    # The choice is the person's: signing in again in a new French browser brings English back.
    autre = nouvelle_page()
    se_connecter(autre, "elu")
    assert autre.locator("html").get_attribute("lang") == "en"
