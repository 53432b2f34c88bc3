"""Clause states and rollout-at-date logic, computed from hand-built data."""

import datetime

import pytest

from conferences.models import AssociationProgrammation, Observation
from partenariat.pilotage.tableau import Etat, etat_du_protocole
from tests import fabriques

pytestmark = pytest.mark.django_db
D = datetime.date


def etats(au):
    return {c.code: c.etat for c in etat_du_protocole(au)["clauses"]}


def test_base_vide_aucun_engagement_commence():
    assert set(etats(D(2013, 6, 1)).values()) == {Etat.NON_COMMENCE}


def test_deploiement_en_cours_puis_atteint_quand_toutes_les_grandes_aires_sont_entrees():
    phase = fabriques.phase(debut=D(2013, 1, 1))
    extension = fabriques.phase("extension", debut=D(2014, 1, 1), ordre=2)
    lyon = fabriques.aire("002", "Lyon")
    brest = fabriques.aire("050", "Brest")
    fabriques.aire("901", "Outre-mer")  # overseas: not required by the metropolitan rollout
    fabriques.aire("300", "Petite", categorie="petite")
    fabriques.entree(lyon, phase, D(2013, 1, 1))
    fabriques.entree(brest, extension, D(2014, 1, 1))
    assert etats(D(2012, 12, 31))["deploiement"] == Etat.NON_COMMENCE
    assert etats(D(2013, 1, 1))["deploiement"] == Etat.EN_COURS
    assert etats(D(2013, 12, 31))["deploiement"] == Etat.EN_COURS
    assert etats(D(2014, 1, 1))["deploiement"] == Etat.ATTEINT


def test_conferences_dans_les_delais_en_retard_ou_non_installees():
    fabriques.protocole()
    fabriques.conference("A", installation=D(2012, 12, 27))  # the deadline day itself is on time
    assert etats(D(2013, 1, 10))["conferences"] == Etat.ATTEINT
    fabriques.conference("B", installation=D(2012, 12, 28))
    assert etats(D(2012, 12, 27))["conferences"] == Etat.EN_COURS  # B not yet installed, deadline not passed
    assert etats(D(2013, 1, 10))["conferences"] == Etat.EN_RETARD
    clause = next(c for c in etat_du_protocole(D(2013, 1, 10))["clauses"] if c.code == "conferences")
    assert [valeur for _, valeur, _ in clause.chiffres] == [1, 1, 0]


def test_conference_non_installee_apres_la_date_limite_est_en_retard():
    fabriques.protocole()
    fabriques.conference("C", installation=None)
    assert etats(D(2012, 11, 1))["conferences"] == Etat.EN_COURS
    assert etats(D(2012, 12, 28))["conferences"] == Etat.EN_RETARD


def test_programmation_et_observation():
    from aires_urbaines.models import Intercommunalite

    conf = fabriques.conference("A", installation=D(2012, 11, 1))
    epci = Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")
    AssociationProgrammation.objects.create(
        conference=conf, intercommunalite=epci, document="PLH", etat="sollicitee", date_sollicitation=D(2013, 3, 1)
    )
    assert etats(D(2013, 2, 1))["programmation"] == Etat.NON_COMMENCE
    assert etats(D(2013, 3, 1))["programmation"] == Etat.EN_COURS
    AssociationProgrammation.objects.update(etat="avis_rendu", date_avis=D(2013, 6, 1))
    assert etats(D(2013, 6, 1))["programmation"] == Etat.ATTEINT
    Observation.objects.create(conference=conf, titre="Besoins", date=D(2013, 4, 1))
    assert etats(D(2013, 3, 31))["observation"] == Etat.NON_COMMENCE
    assert etats(D(2013, 4, 1))["observation"] == Etat.ATTEINT


def test_objectifs_etat_et_taux_global():
    aire = fabriques.aire()
    objectif = fabriques.objectif(aire, annee=2013, cible=100, date_accord=D(2013, 2, 1))
    assert etats(D(2013, 1, 31))["objectifs"] == Etat.NON_COMMENCE
    assert etats(D(2013, 2, 1))["objectifs"] == Etat.EN_RETARD  # agreed, nothing achieved yet
    fabriques.realisation(objectif, 60, D(2013, 6, 1))
    assert etats(D(2013, 7, 2))["objectifs"] == Etat.EN_COURS
    fabriques.realisation(objectif, 40, D(2013, 11, 1))
    resultat = etat_du_protocole(D(2013, 12, 31))
    assert resultat["totaux_objectifs"]["taux"] == pytest.approx(100.0)
    assert {c.code: c.etat for c in resultat["clauses"]}["objectifs"] == Etat.ATTEINT
