"""An elected official downloads the area report from the area page, in a real browser: the report is prepared by
the task worker while the page waits, with JavaScript (progress, then the download) and without (the page reloads
itself, then the download)."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import se_connecter
from tests.lecture_pdf import texte_pdf


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_telecharger_le_rapport_de_l_aire(donnees_demo, nouvelle_page, javascript):
    page = nouvelle_page(java_script_enabled=javascript)
    se_connecter(page, "elu")

    page.goto("/aires/002/")
    with page.expect_download(timeout=30_000) as telechargement:
        page.get_by_role("link", name="Télécharger le rapport PDF de l'aire").click()
        page.get_by_role("heading", name="Rapport en préparation").wait_for()
        # The worker's pass (here, in the test's thread: the test database is the live server's).
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert telechargement.value.suggested_filename == "rapport-aire-002-lyon.pdf"
    with open(telechargement.value.path(), "rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF")
    texte = texte_pdf(contenu)
    assert "Lyon (aire urbaine 002)" in texte
    assert "Objectifs partagés et avancement" in texte
    if not javascript:
        # The page the refresh led to says the report is ready and links to it.
        assert page.get_by_role("heading", name="Votre rapport est prêt").is_visible()
