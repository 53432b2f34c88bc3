"""An elected official downloads the area report from the area page, in a real browser."""

from tests.e2e.conftest import se_connecter
from tests.lecture_pdf import texte_pdf


def test_telecharger_le_rapport_de_l_aire(donnees_demo, nouvelle_page):
    page = nouvelle_page()
    se_connecter(page, "elu")

    page.goto("/aires/002/")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le rapport PDF de l'aire").click()

    assert telechargement.value.suggested_filename == "rapport-aire-002-lyon.pdf"
    with open(telechargement.value.path(), "rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF")
    texte = texte_pdf(contenu)
    assert "Lyon (aire urbaine 002)" in texte
    assert "Objectifs partagés et avancement" in texte
