"""axe-core (its npm package, run inside real Chromium) finds no WCAG 2.1 A/AA violation on any page type."""

import json
import os
from pathlib import Path

import pytest

from tests.e2e.conftest import se_connecter, types_de_pages

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REGLES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def source_axe():
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core est introuvable alors que CI=true : lancez « npm ci » à la racine du projet.")
        pytest.skip("axe-core n'est pas installé (npm ci).")
    return AXE.read_text(encoding="utf-8")


def violations(page, source_axe):
    # Under a strict CSP a <script> tag would be refused: evaluate the library's source instead.
    page.evaluate(source_axe)
    resultat = page.evaluate(
        "async (regles) => await axe.run(document, {runOnly: {type: 'tag', values: regles}})", REGLES
    )
    return [
        {"regle": v["id"], "impact": v["impact"], "cibles": [n["target"] for n in v["nodes"]][:5]}
        for v in resultat["violations"]
    ]


def pages_a_verifier():
    """{account: {url: witness}}: every page type, and the accessibility statement."""
    pages, _objectif = types_de_pages()
    pages["uesl"]["/accessibilite/"] = None
    pages["uesl"]["/comptes/jetons/"] = "#titre-creer"
    pages["uesl"]["/donnees-ouvertes/"] = "table"  # published for the test (`settings.DONNEES_OUVERTES`)
    pages["uesl"]["/rapports/national.pdf?annee=2014"] = "#etat-rapport"  # being prepared (no worker here)
    return pages


# Each language as a browser asks for it (Accept-Language); English is then chosen with the header switch.
LANGUES = {"fr": "fr-FR", "en": "en-GB"}


@pytest.mark.parametrize("langue", LANGUES)
def test_connexion_sans_violation(source_axe, donnees_demo, nouvelle_page, langue):
    page = nouvelle_page(locale=LANGUES[langue])
    page.goto("/comptes/connexion/")
    assert page.locator("html").get_attribute("lang") == langue
    assert violations(page, source_axe) == []
    # The fields by their names: their labels are in the page's language.
    page.locator("#id_username").fill("elu")
    page.locator("#id_password").fill("mauvais mot de passe")
    page.locator("main button[type=submit]").click()
    page.get_by_role("alert").wait_for()  # the answer page, not the form still on screen
    assert page.get_by_role("alert").count() == 1
    assert violations(page, source_axe) == []


@pytest.mark.parametrize("langue", LANGUES)
def test_chaque_type_de_page_sans_violation(source_axe, donnees_demo, nouvelle_page, langue, settings):
    settings.DONNEES_OUVERTES = True
    resultats = {}
    for compte, urls in pages_a_verifier().items():
        page = nouvelle_page()
        se_connecter(page, compte)
        if langue != "fr":
            page.locator(f'.entete-langue button[value="{langue}"]').click()
            page.wait_for_selector(f'html[lang="{langue}"]')
        for url, temoin in urls.items():
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == langue, url
            assert temoin is None or page.locator(temoin).count(), (url, temoin)
            resultats[url] = violations(page, source_axe)
    en_defaut = {url: v for url, v in resultats.items() if v}
    assert not en_defaut, json.dumps(en_defaut, ensure_ascii=False, indent=1)
