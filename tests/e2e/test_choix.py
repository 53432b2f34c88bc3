"""Choosers that scale, in a real browser: with the full reference data (322 basins, 793 urban areas), the Tab key
reaches « Enregistrer » in a few presses, the search says how many items match, and what is chosen is saved."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import se_connecter
from tests.e2e.test_accessibilite import AXE, violations

NB_BASSINS, NB_AIRES = 322, 793  # employment zones and urban areas of INSEE 2010, as in the reference data
TABULATIONS_MAX = 40


@pytest.fixture
def referentiel_complet(donnees_demo):
    """The demo's areas and basins, completed up to the real counts, so that the lists are as long as in use."""
    from aires_urbaines.models import AireUrbaine, BassinEmploi

    pris = set(AireUrbaine.objects.values_list("code", flat=True))
    libres = [code for code in (f"{i:03d}" for i in range(1, 1000)) if code not in pris]
    AireUrbaine.objects.bulk_create(
        AireUrbaine(code=code, nom=f"Aire {code}", categorie="petite") for code in libres[: NB_AIRES - len(pris)]
    )
    pris = set(BassinEmploi.objects.values_list("code", flat=True))
    libres = [code for code in (f"{i:04d}" for i in range(1, 10000)) if code not in pris]
    BassinEmploi.objects.bulk_create(
        BassinEmploi(code=code, nom=f"Bassin {code}") for code in libres[: NB_BASSINS - len(pris)]
    )
    assert (AireUrbaine.objects.count(), BassinEmploi.objects.count()) == (NB_AIRES, NB_BASSINS)


def surveiller_csp(page):
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if "Content Security Policy" in m.text else None)
    return erreurs


ENREGISTRER = "form.formulaire-saisie .actions button[type=submit]"


def tabulations(page, jusqu_a=ENREGISTRER, limite=2000):
    """Tab presses from the form's first field to `jusqu_a` (by default its « Enregistrer » button)."""
    page.locator("#id_nom").focus()
    for n in range(1, limite + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selecteur) => document.activeElement.matches(selecteur)", jusqu_a):
            return n
    return None


def statut_des_aires(page):
    statut = page.locator("#id_aires_statut")
    assert statut.get_attribute("role") == "status" and statut.get_attribute("aria-live") == "polite"
    return statut


def test_ajouter_une_conference_au_clavier_en_peu_de_tabulations(referentiel_complet, nouvelle_page):
    from aires_urbaines.models import AireUrbaine
    from conferences.models import ConferenceTerritoriale

    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "uesl")
    page.goto("/conferences/ajouter/")
    nombre = tabulations(page)
    print(f"\nTabulations jusqu'à « Enregistrer » (ajout, rien de saisi) : {nombre}")
    assert nombre is not None and nombre <= TABULATIONS_MAX
    assert page.locator("input[name=aires]").count() == 0  # nothing typed, nothing offered

    page.locator("#id_nom").fill("Conférence territoriale Provence-Alpes-Côte d'Azur – Nice (essai)")
    recherche = page.get_by_label("Rechercher dans la liste « Aires urbaines »")
    statut = statut_des_aires(page)

    # The live region says how many areas match, and when there are too many to list.
    recherche.fill("aire 12")
    attendues = AireUrbaine.objects.filter(nom__icontains="aire 12").count()
    assert attendues > 1
    expect(page.locator("#id_aires_statut")).to_contain_text("aire 12")
    assert statut.inner_text() == f"{attendues} résultats pour « aire 12 »."
    assert page.locator("#id_aires_liste input[name=aires]").count() == attendues
    recherche.fill("aire")
    expect(page.locator("#id_aires_statut")).to_contain_text("affinez")
    nb_aire = AireUrbaine.objects.filter(nom__icontains="aire").count()
    assert statut.inner_text() == (
        f"{nb_aire} résultats pour « aire » : les 50 premiers sont proposés, affinez la recherche."
    )
    assert page.locator("#id_aires_liste input[name=aires]").count() == 50
    recherche.fill("zzz")
    expect(page.locator("#id_aires_statut")).to_contain_text("zzz")
    assert statut.inner_text() == "Aucun résultat pour « zzz »."

    # Choose Nice and Lyon, then take Lyon back.
    recherche.fill("nice")
    expect(page.locator("#id_aires_statut")).to_contain_text("nice")
    assert statut.inner_text() == "1 résultat pour « nice »."
    page.get_by_label("Nice (007)").check()
    assert statut.inner_text() == "Ajout de « Nice (007) » à votre sélection."
    recherche.fill("lyon")
    expect(page.locator("#id_aires_statut")).to_contain_text("lyon")
    page.get_by_label("Lyon (002)").check()
    recherche.fill("")
    expect(page.locator("#id_aires_statut")).to_contain_text("Tapez")
    selection = page.locator("#id_aires_selection")
    assert selection.get_by_label("Nice (007)").is_checked()
    assert selection.get_by_label("Lyon (002)").is_checked()
    selection.get_by_label("Lyon (002)").uncheck()
    assert statut.inner_text() == "Retrait de « Lyon (002) » de votre sélection."
    recherche.fill("aire")
    expect(statut).to_contain_text("affinez")
    if AXE.exists():  # the lists the script builds, with a selection and matches on screen
        assert violations(page, AXE.read_text(encoding="utf-8")) == []

    page.get_by_label("Rechercher dans la liste « Bassins d'emploi »").fill("nice")
    page.locator("#id_bassins_liste").get_by_label("Nice (9307)").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+/$"))
    assert "est enregistrée" in page.locator(".messages").inner_text()

    conference = ConferenceTerritoriale.objects.get(nom__endswith="Nice (essai)")
    assert [str(aire) for aire in conference.aires.all()] == ["Nice (007)"]
    assert [str(bassin) for bassin in conference.bassins.all()] == ["Nice (9307)"]
    assert not erreurs_csp, erreurs_csp


def test_modifier_une_conference_retirer_et_ajouter_des_aires(referentiel_complet, nouvelle_page):
    from conferences.models import ConferenceTerritoriale

    conference = ConferenceTerritoriale.objects.get(aires__code="002")
    assert [aire.code for aire in conference.aires.all()] == ["002"]
    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "uesl")
    page.goto(f"/conferences/{conference.pk}/modifier/")
    # The choosers add their chosen items and two stops each; the rest is the conference's members, one row each.
    jusqu_aux_membres = tabulations(page, jusqu_a="#id_membres-0-nom")
    nombre = tabulations(page)
    lignes = page.locator("fieldset.membres tbody tr").count()
    print(f"\nTabulations jusqu'à « Enregistrer » (modification, rien de saisi) : {nombre}, {lignes} membres")
    assert jusqu_aux_membres is not None and jusqu_aux_membres <= 15
    assert nombre is not None and nombre - jusqu_aux_membres <= 5 * lignes + 1

    selection = page.locator("#id_aires_selection")
    assert selection.get_by_label("Lyon (002)").is_checked()
    selection.get_by_label("Lyon (002)").uncheck()
    page.get_by_label("Rechercher dans la liste « Aires urbaines »").fill("grenoble")
    expect(page.locator("#id_aires_statut")).to_contain_text("grenoble")
    assert statut_des_aires(page).inner_text() == "1 résultat pour « grenoble »."
    page.locator("#id_aires_liste").get_by_label("Grenoble (010)").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+/$"))
    assert "sont enregistrées" in page.locator(".messages").inner_text()
    assert [aire.code for aire in conference.aires.all()] == ["010"]
    assert not erreurs_csp, erreurs_csp


def test_sans_javascript_la_recherche_passe_par_le_serveur(referentiel_complet, nouvelle_page):
    """« Rechercher » posts the form again: what was typed and chosen stays, nothing is saved before « Enregistrer »."""
    from conferences.models import ConferenceTerritoriale

    page = nouvelle_page(java_script_enabled=False)
    se_connecter(page, "uesl")
    page.goto("/conferences/ajouter/")
    page.locator("#id_nom").fill("Conférence sans script (essai)")
    page.get_by_label("Rechercher dans la liste « Aires urbaines »").fill("nice")
    page.get_by_role("button", name="Rechercher dans la liste « Aires urbaines »").click()
    assert page.url.endswith("#id_aires_statut")  # the page comes back where the results are
    assert page.locator("#id_aires_statut").inner_text() == "1 résultat pour « nice »."
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Nice (007)").get_attribute("id")
    page.get_by_label("Nice (007)").check()
    page.get_by_label("Rechercher dans la liste « Aires urbaines »").fill("")
    page.get_by_role("button", name="Rechercher dans la liste « Aires urbaines »").click()
    assert page.locator("#id_nom").input_value() == "Conférence sans script (essai)"
    assert page.locator("#id_aires_selection").get_by_label("Nice (007)").is_checked()
    assert not ConferenceTerritoriale.objects.filter(nom="Conférence sans script (essai)").exists()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+/(#.*)?$"))
    conference = ConferenceTerritoriale.objects.get(nom="Conférence sans script (essai)")
    assert [str(aire) for aire in conference.aires.all()] == ["Nice (007)"]
