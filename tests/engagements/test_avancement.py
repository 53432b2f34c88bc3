"""Completion rates and statuses, computed in SQL, on hand-built data."""

import datetime

import pytest

from engagements.avancement import Statut, prorata_annee
from engagements.models import Objectif
from engagements.services import synthese_objectifs
from tests import fabriques

pytestmark = pytest.mark.django_db
D = datetime.date


def test_prorata_aux_bornes_de_l_annee():
    assert prorata_annee(2013, D(2012, 12, 31)) == 0
    assert prorata_annee(2013, D(2013, 12, 31)) == 100
    assert prorata_annee(2013, D(2014, 6, 1)) == 100
    assert prorata_annee(2013, D(2013, 7, 2)) == pytest.approx(50.14, abs=0.01)


def test_taux_de_realisation_somme_des_realisations_jusqu_a_la_date():
    aire = fabriques.aire()
    objectif = fabriques.objectif(aire, annee=2013, cible=200)
    fabriques.realisation(objectif, 50, D(2013, 3, 1))
    fabriques.realisation(objectif, 70, D(2013, 9, 1))

    fin = Objectif.objects.avec_avancement(D(2013, 12, 31)).get()
    assert (fin.realise, fin.taux) == (120, pytest.approx(60.0))
    mi_annee = Objectif.objects.avec_avancement(D(2013, 6, 30)).get()
    assert (mi_annee.realise, mi_annee.taux) == (50, pytest.approx(25.0))


@pytest.mark.parametrize(
    ("quantite", "au", "statut"),
    [
        (None, D(2013, 12, 31), Statut.SANS_REALISATION),
        (120, D(2013, 12, 31), Statut.EN_AVANCE),  # 120 % at year end, 100 % expected
        (95, D(2013, 12, 31), Statut.DANS_LES_TEMPS),  # within 10 points
        (50, D(2013, 12, 31), Statut.EN_RETARD),
        (60, D(2013, 7, 2), Statut.DANS_LES_TEMPS),  # 60 % on 2 July, about 50 % expected
        (30, D(2013, 7, 2), Statut.EN_RETARD),
    ],
)
def test_statut_par_rapport_au_prorata_de_l_annee(quantite, au, statut):
    objectif = fabriques.objectif(fabriques.aire(), annee=2013, cible=100)
    if quantite is not None:
        fabriques.realisation(objectif, quantite, D(2013, 1, 15))
    assert Objectif.objects.avec_avancement(au).get().statut == statut


def test_realisation_posterieure_a_la_date_ignoree():
    objectif = fabriques.objectif(fabriques.aire(), annee=2014, cible=10)
    fabriques.realisation(objectif, 10, D(2014, 5, 1))
    avant = Objectif.objects.avec_avancement(D(2014, 4, 30)).get()
    assert (avant.realise, avant.statut) == (0, Statut.SANS_REALISATION)


def test_cible_nulle_pas_de_taux():
    objectif = fabriques.objectif(fabriques.aire(), cible=0)
    fabriques.realisation(objectif, 3, D(2013, 2, 1))
    assert Objectif.objects.avec_avancement(D(2013, 12, 31)).get().taux is None


def test_totaux_et_tri_sur_colonnes_calculees():
    aire = fabriques.aire()
    a = fabriques.objectif(aire, annee=2013, cible=100)
    b = fabriques.objectif(aire, annee=2014, cible=300)
    fabriques.realisation(a, 80, D(2013, 5, 1))
    fabriques.realisation(b, 30, D(2014, 5, 1))
    qs = Objectif.objects.avec_avancement(D(2015, 1, 1))
    assert qs.totaux() == {"cible_totale": 400, "realise_total": 110, "taux": pytest.approx(27.5)}
    assert [o.pk for o in qs.order_by("-taux")] == [a.pk, b.pk]
    assert [o.pk for o in qs.order_by("realise")] == [b.pk, a.pk]


def test_synthese_par_dispositif_et_annee():
    aire = fabriques.aire()
    a = fabriques.objectif(aire, annee=2013, cible=100)
    fabriques.objectif(aire, annee=2014, cible=50)
    fabriques.objectif(aire, annee=2013, cible=10, dispositif="accession_sociale")
    fabriques.realisation(a, 40, D(2013, 5, 1))
    synthese = synthese_objectifs(Objectif.objects.avec_avancement(D(2015, 12, 31)), [2013, 2014, 2015])
    social, accession = synthese["lignes"]
    assert (social.cible, social.realise, social.taux) == (150, 40, pytest.approx(100 * 40 / 150))
    assert [len(c) for c in social.colonnes] == [1, 1, 0]
    assert accession.cible == 10
    assert synthese["totaux_annee"][2013] == {"cible": 110, "realise": 40, "taux": pytest.approx(100 * 40 / 110)}
    assert (synthese["cible"], synthese["realise"]) == (160, 40)


@pytest.mark.parametrize("au", [D(2013, 1, 10), D(2013, 7, 2), D(2014, 2, 1), D(2016, 1, 1)])
def test_filtre_de_statut_identique_a_l_annotation(au):
    fabriques.jeu_de_donnees(10, objectifs_par_aire=7, realisations_par_objectif=3)
    fabriques.objectif(fabriques.aire(), annee=2014, cible=0)
    fabriques.realisation(Objectif.objects.get(cible=0), 5, D(2014, 1, 5))
    annotes = {o.pk: o.statut for o in Objectif.objects.avec_avancement(au)}
    for statut in Statut.values:
        attendus = {pk for pk, s in annotes.items() if s == statut}
        assert set(Objectif.objects.de_statut(statut, au).values_list("pk", flat=True)) == attendus, statut
