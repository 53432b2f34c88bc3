"""The accessibility statement is public, in the RGAA's sections, and every page's footer leads to it."""

import pytest
from django.test import override_settings

from tests.acteurs import connecte_compte

pytestmark = pytest.mark.django_db

SECTIONS_RGAA = (
    "État de conformité",
    "Résultats des tests",
    "Contenus non accessibles",
    "Établissement de cette déclaration d'accessibilité",
    "Retour d'information et contact",
    "Voies de recours",
)


def test_declaration_publique_avec_les_sections_du_rgaa(client):
    reponse = client.get("/accessibilite/")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    for section in SECTIONS_RGAA:
        assert f">{section}</h2>" in page, section
    assert "non conforme" in page
    assert "2 décembre 2026" in page
    assert "09 69 39 00 00" in page and "Libre réponse 71120" in page and "75342 Paris CEDEX 07" in page
    assert 'href="https://formulaire.defenseurdesdroits.fr/"' in page


@override_settings(CONTACT_ACCESSIBILITE="a11y@exemple.test")
def test_le_contact_vient_des_reglages(client):
    page = client.get("/accessibilite/").content.decode()
    assert 'href="mailto:a11y@exemple.test"' in page


@pytest.mark.parametrize("url", ["/comptes/connexion/", "/", "/aires/", "/aires/002/", "/accessibilite/"])
def test_le_pied_de_page_mene_a_la_declaration(client, demo, url):
    if url != "/comptes/connexion/":
        connecte_compte(client, "elu")
    page = client.get(url).content.decode()
    pied = page[page.index('<footer class="pied">') :]
    assert '<a href="/accessibilite/">Accessibilité : non conforme</a>' in pied


def test_description_par_defaut_et_propre_a_l_aire(client, demo):
    connecte_compte(client, "elu")
    tableau = client.get("/").content.decode()
    assert '<meta name="description" content="Suivi du protocole-cadre signé en 2012' in tableau
    aire = client.get("/aires/002/").content.decode()
    assert '<meta name="description" content="Objectifs partagés et avancement de l\'aire urbaine de Lyon.">' in aire
