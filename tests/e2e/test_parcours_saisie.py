"""Data entry in a real browser: UESL registers a conference, Lyon's secretariat records its activity, and two
people saving the same objective do not overwrite each other."""

import json
import re

import pytest

from tests.e2e.conftest import se_connecter
from tests.e2e.test_accessibilite import AXE, violations


def surveiller_csp(page):
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if "Content Security Policy" in m.text else None)
    return erreurs


def nombre_installees_a_l_heure(page):
    page.goto("/")
    ligne = page.locator("#clause-conferences tr", has_text="Installées dans les délais")
    return int(ligne.locator("td").inner_text().replace("\u202f", ""))


def test_l_equipe_uesl_enregistre_une_conference_et_la_voit_au_tableau_de_bord(donnees_demo, nouvelle_page):
    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "uesl")
    avant = nombre_installees_a_l_heure(page)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Conférences").click()
    page.get_by_role("link", name="Enregistrer une conférence").click()
    page.wait_for_url("**/conferences/ajouter/")
    page.locator("#id_nom").fill("Conférence territoriale Provence-Alpes-Côte d'Azur – Nice (essai)")
    page.locator("#id_date_installation").fill("2012-12-20")

    # The script filters the long list as one types (and works under the Content-Security-Policy).
    page.get_by_label("Rechercher dans la liste « Aires urbaines »").fill("nice")
    assert page.get_by_label("Lyon (002)").is_hidden()
    page.get_by_label("Nice (007)").check()
    page.get_by_label("Rechercher dans la liste « Bassins d'emploi »").fill("nice")
    page.get_by_label("Nice (9307)").check()

    page.locator("#id_membres-0-nom").fill("Hélène Mercier (essai)")
    page.locator("#id_membres-0-college").select_option("employeurs")
    page.locator("#id_membres-0-organisation").select_option("MEDEF")
    page.locator("#id_membres-0-fonction").fill("Présidente")
    page.locator("#id_membres-1-nom").fill("Julien Roux (essai)")
    page.locator("#id_membres-1-college").select_option("salaries")
    page.locator("#id_membres-1-organisation").select_option("CFDT")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(re.compile(r".*/conferences/\d+/$"))
    assert "Nice (essai)" in page.get_by_role("heading", level=1).inner_text()
    assert "est enregistrée" in page.locator(".messages").inner_text()
    membres = page.locator("section[aria-labelledby='titre-membres']").inner_text()
    assert "Hélène Mercier (essai) — MEDEF, Présidente" in membres
    assert "Julien Roux (essai) — CFDT" in membres
    assert "dans les délais" in page.locator(".fiche").inner_text()

    assert nombre_installees_a_l_heure(page) == avant + 1
    assert not erreurs_csp, erreurs_csp


def test_le_secretariat_de_lyon_saisit_une_reunion_et_un_objectif(donnees_demo, nouvelle_page):
    """Its achievements, submitted then validated by UESL staff, are the journey of test_parcours_validation."""
    from engagements.models import Dispositif, Objectif

    # 2013 is closed in the demo: a new objective goes to an open year, on a scheme Lyon has none of yet.
    utilises = set(Objectif.objects.filter(aire__code="002", annee=2015).values_list("dispositif", flat=True))
    libre = next(d for d in Dispositif if d.value not in utilises)

    page = nouvelle_page()
    erreurs_csp = surveiller_csp(page)
    se_connecter(page, "secretariat-lyon")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Conférences").click()
    page.get_by_role("link", name="Conférence territoriale Rhône-Alpes – Lyon (démo)").click()
    assert page.get_by_role("link", name="Modifier la conférence").count() == 0  # UESL's only

    page.get_by_role("link", name="Ajouter une réunion").click()
    page.get_by_label("Date").fill("2014-06-17")
    page.get_by_label("Lieu").fill("Lyon, Hôtel de la Métropole (essai)")
    page.get_by_label("Ordre du jour").fill("Bilan à mi-parcours")
    page.get_by_label("Nombre de participants").fill("7")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+/#titre-reunions$"))
    assert "La réunion du 17/06/2014 est enregistrée." in page.locator(".messages").inner_text()
    assert (
        "Lyon, Hôtel de la Métropole (essai)" in page.locator("section[aria-labelledby='titre-reunions']").inner_text()
    )

    page.get_by_role("link", name="Ajouter un objectif").click()
    assert page.get_by_label("Aire urbaine").input_value() == str(
        Objectif.objects.filter(aire__code="002").first().aire_id
    )
    page.get_by_label("Dispositif").select_option(libre.value)
    page.get_by_label("Année").select_option("2015")
    page.get_by_label("Cible").fill("100")
    page.get_by_label("Unité").select_option("logements")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/objectifs/\d+/$"))
    assert "est enregistré" in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == f"{libre.label} — Lyon, 2015"
    fiche = page.locator(".fiche").inner_text()
    assert "100" in fiche and "0,0\u202f%" in fiche  # its target, nothing achieved yet
    assert page.get_by_role("link", name="Ajouter une réalisation").count() == 1
    assert not erreurs_csp, erreurs_csp


def test_deux_navigateurs_modifient_le_meme_objectif(donnees_demo, nouvelle_page):
    from engagements.models import Objectif

    objectif = Objectif.objects.get(aire__code="002", annee=2014, dispositif="accueil_specifique")  # an open year
    url = f"/objectifs/{objectif.pk}/modifier/"
    premiere, seconde = nouvelle_page(), nouvelle_page()
    se_connecter(premiere, "uesl")
    se_connecter(seconde, "secretariat-lyon")
    premiere.goto(url)
    seconde.goto(url)

    premiere.get_by_label("Cible").fill(str(objectif.cible + 50))
    premiere.get_by_label("Motif de la révision").fill("Programme relevé par la conférence")
    premiere.get_by_role("button", name="Enregistrer").click()
    premiere.wait_for_url(f"**/objectifs/{objectif.pk}/")

    seconde.get_by_label("Cible").fill(str(objectif.cible + 70))
    seconde.get_by_label("Notes").fill("Saisie de la seconde personne")
    seconde.get_by_role("button", name="Enregistrer").click()
    alerte = seconde.get_by_role("alert").inner_text()
    assert "a été modifié par quelqu'un d'autre depuis que vous avez ouvert ce formulaire" in alerte
    assert f"Cible : {objectif.cible} → {objectif.cible + 50} (modifié par uesl le " in alerte
    assert seconde.get_by_label("Cible").input_value() == str(objectif.cible + 70)  # the input is kept
    assert seconde.get_by_label("Notes").input_value() == "Saisie de la seconde personne"
    enregistre = Objectif.objects.get(pk=objectif.pk)
    assert (enregistre.cible, enregistre.version) == (objectif.cible + 50, objectif.version + 1)
    assert enregistre.notes != "Saisie de la seconde personne"


def test_formulaires_refuses_sans_violation_d_accessibilite(donnees_demo, nouvelle_page):
    """axe-core on refused forms (the pages themselves are in types_de_pages(), checked by test_accessibilite)."""
    from conferences.models import ConferenceTerritoriale
    from engagements.models import Objectif

    if not AXE.exists():
        pytest.skip("axe-core n'est pas installé (npm ci).")
    source_axe = AXE.read_text(encoding="utf-8")
    lyon = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    ouvert = Objectif.objects.get(aire__code="002", annee=2014, dispositif="location_accession")
    clos = Objectif.objects.get(aire__code="002", annee=2013, dispositif="location_accession")
    page = nouvelle_page()
    se_connecter(page, "uesl")
    resultats = {}
    page.goto(f"/conferences/{lyon.pk}/reunions/ajouter/")
    page.get_by_label("Date").fill("2011-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Rien n'a été enregistré." in page.get_by_role("alert").inner_text()
    resultats["réunion refusée"] = violations(page, source_axe)
    page.goto(f"/objectifs/{ouvert.pk}/modifier/")
    page.get_by_label("Cible").fill(str(ouvert.cible + 5))
    page.get_by_role("button", name="Enregistrer").click()
    assert "Indiquez le motif de la révision de la cible" in page.locator(".champ-en-erreur").inner_text()
    resultats["révision sans motif"] = violations(page, source_axe)
    page.goto(f"/objectifs/{clos.pk}/realisations/ajouter/")
    page.get_by_label("Date").fill("2013-06-15")
    page.get_by_label("Quantité réalisée").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    assert "L'année 2013 est close depuis le 14/02/2014" in page.get_by_role("alert").inner_text()
    resultats["saisie dans l'année close"] = violations(page, source_axe)
    page.goto("/validation/")
    page.get_by_role("button", name="Renvoyer la sélection").click()
    assert "Cochez au moins une réalisation" in page.get_by_role("alert").inner_text()
    resultats["lot refusé"] = violations(page, source_axe)
    en_defaut = {url: v for url, v in resultats.items() if v}
    assert not en_defaut, json.dumps(en_defaut, ensure_ascii=False, indent=1)
