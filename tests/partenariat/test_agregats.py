"""The dashboard's Python aggregation follows exactly the SQL rule of the lists (same status, same totals)."""

import datetime

import pytest

from engagements import avancement
from engagements.avancement import Statut, agreger_avancement
from engagements.models import Objectif, Realisation
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
    statuts = list(sql.values_list("statut", flat=True))
    assert agregat["statuts"] == [(Statut(code).label, code, statuts.count(code)) for code in Statut.values]
    assert agregat["totaux"] == sql.totaux()


@pytest.mark.parametrize(
    "au",
    [datetime.date(2012, 12, 31), datetime.date(2013, 7, 2), datetime.date(2014, 12, 31), datetime.date(2030, 1, 1)],
)
def test_calcul_en_sql_et_calcul_a_date_passee_identiques(au):
    """Today's path (one SQL query on the running totals) and the past dates' path give the same figures."""
    fabriques.jeu_de_donnees(6, objectifs_par_aire=7, realisations_par_objectif=4)
    objectif = fabriques.objectif(fabriques.aire(), annee=2014, cible=0)
    fabriques.realisation(objectif, 3, datetime.date(2014, 6, 1))
    objectifs = Objectif.objects.all()
    en_sql = avancement._agreger_en_sql(objectifs, au)
    assert en_sql == avancement._agreger_a_date_passee(objectifs, au)
    assert en_sql["nb_realisations"] == Realisation.objects.filter(date__lte=au).count()
