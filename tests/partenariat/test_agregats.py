"""The dashboard's Python aggregation follows exactly the SQL rule of the lists (same status, same totals)."""

import datetime

import pytest

from engagements.models import Objectif
from engagements.services import compter_statuts_sql
from partenariat.tableau import agreger_avancement
from tests import fabriques

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "au", [datetime.date(2012, 12, 31), datetime.date(2013, 7, 2), datetime.date(2014, 3, 1), datetime.date(2016, 1, 1)]
)
def test_agregat_identique_aux_annotations_sql(au):
    fabriques.jeu_de_donnees(12, objectifs_par_aire=7, realisations_par_objectif=3)
    fabriques.objectif(fabriques.aire(), annee=2014, cible=0)
    objectifs = Objectif.objects.all()
    agregat = agreger_avancement(objectifs, au)
    sql = objectifs.avec_avancement(au)
    assert agregat["statuts"] == compter_statuts_sql(sql)
    assert agregat["totaux"] == sql.totaux()
