"""The list bodies rendered directly equal, cell for cell, what django-tables2 renders."""

import datetime

import pytest

from partenariat.commun.templatetags.tableaux import rendre_corps
from tests import fabriques

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/aires/?per_page=100",
        "/aires/?sort=-taux",
        "/objectifs/?per_page=100",
        "/objectifs/?sort=-taux&date=2013-07-02",
        "/conferences/",
    ],
)
def test_rendu_direct_identique_a_django_tables2(url, admin_client):
    fabriques.jeu_de_donnees(6, objectifs_par_aire=4)
    fabriques.aire(nom="Aire <sans> conférence & objectif")  # empty cells, escaping
    objectif = fabriques.objectif(fabriques.aire(), annee=2014, cible=0)  # no rate
    fabriques.realisation(objectif, 3, datetime.date(2014, 2, 1))
    table = admin_client.get(url).context["table"]
    direct = rendre_corps(table)
    assert direct == rendre_corps(table, direct=False)
    assert direct.count("<tr>") >= 6
