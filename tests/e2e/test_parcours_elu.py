"""An elected official follows the partnership in a real browser, from sign-in to CSV export."""

import csv
import io
from pathlib import Path

from tests.e2e.conftest import se_connecter


def test_parcours_d_un_elu(donnees_demo, nouvelle_page):
    page = nouvelle_page()
    erreurs_csp = []
    page.on("console", lambda m: erreurs_csp.append(m.text) if "Content Security Policy" in m.text else None)

    se_connecter(page, "elu")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord du protocole"
    assert page.locator(".clause").count() == 5

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Aires urbaines").click()
    page.get_by_label("Phase").select_option(label="2013 – aires métropolitaines en tension")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**phase=prioritaire-2013**")
    assert page.locator("table tbody tr").count() == 12

    page.get_by_role("link", name="Lyon", exact=True).click()
    page.wait_for_url("**/aires/002/")
    assert "Lyon" in page.get_by_role("heading", level=1).inner_text()
    synthese = page.locator("table.tableau-synthese")
    assert synthese.locator("tbody tr").count() >= 1
    assert "Production de logements sociaux" in synthese.inner_text()

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Déploiement").click()
    page.get_by_label("Date", exact=True).fill("2013-06-30")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**date=2013-06-30")
    assert "30 juin 2013" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Date", exact=True).fill("2015-12-31")
    page.get_by_role("button", name="Afficher").click()
    assert "31 décembre 2015" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Objectifs").click()
    page.get_by_label("Aire urbaine").fill("002")
    page.get_by_role("button", name="Appliquer les filtres").click()
    nb_lignes_page = page.locator("table tbody tr").count()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="CSV", exact=True).click()
    contenu = Path(telechargement.value.path()).read_text(encoding="utf-8")
    lignes = list(csv.DictReader(io.StringIO(contenu)))
    assert lignes and {ligne["Code aire"] for ligne in lignes} == {"002"}
    assert len(lignes) >= nb_lignes_page
    assert not erreurs_csp, erreurs_csp
