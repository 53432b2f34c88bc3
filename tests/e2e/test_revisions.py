"""A target revised in the browser: the reason is asked for, then the pages showing it stay accessible (axe)."""

import json

import pytest

from tests.e2e.conftest import se_connecter
from tests.e2e.test_accessibilite import source_axe, violations  # noqa: F401 (axe's fixture)

MOTIF = "Opération reportée après 2015 : permis de construire annulé."


@pytest.mark.parametrize("largeur", [1280, 320])
def test_reviser_une_cible_dans_le_navigateur(source_axe, donnees_demo, nouvelle_page, largeur):  # noqa: F811
    from engagements.models import Objectif, RevisionCible

    # An open year (2013 is closed in the demo), a target the demo has not revised yet.
    objectif = Objectif.objects.get(aire__code="002", annee=2015, dispositif="prive_intermediaire")
    deja_revisees = Objectif.objects.filter(aire__code="002", revisions__isnull=False).distinct().count()
    page = nouvelle_page(viewport={"width": largeur, "height": 900})
    se_connecter(page, "secretariat-lyon")
    page.goto(f"/objectifs/{objectif.pk}/modifier/")
    nouvelle = objectif.cible - 10
    page.locator("#id_cible").fill(str(nouvelle))
    page.get_by_role("button", name="Enregistrer").click()
    erreur = f"Indiquez le motif de la révision de la cible : elle passe de {objectif.cible} à {nouvelle}."
    assert erreur in page.locator(".champ-en-erreur").inner_text()
    resultats = {"refus": violations(page, source_axe)}

    page.locator("#id_motif_revision").fill(MOTIF)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/objectifs/{objectif.pk}/")
    assert MOTIF in page.get_by_role("table", name="Révisions de la cible").inner_text()
    resultats["fiche"] = violations(page, source_axe)
    page.goto("/aires/002/")
    assert page.locator(".cible-revisee").count() == deja_revisees + 1
    cellule = page.locator(f"td:has(a[href='/objectifs/{objectif.pk}/'])").inner_text()
    assert f"cible révisée, initiale {objectif.cible}" in cellule
    resultats["aire"] = violations(page, source_axe)
    if largeur == 320:  # reflow: nothing wider than the screen outside the scroll regions
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert not {nom: v for nom, v in resultats.items() if v}, json.dumps(resultats, ensure_ascii=False, indent=1)
    assert RevisionCible.objects.get(objectif=objectif).motif == MOTIF
