"""The protocol's invariants hold in the database itself, and model validation gives the same French message."""

import datetime

import pytest

from partenariat.models import AccordNational, Clause, Protocole, ajouter_mois
from tests.contraintes import refuse_a_la_validation, refuse_en_base

pytestmark = pytest.mark.django_db

SIGNATURE = datetime.date(2012, 6, 27)


def nouveau_protocole(**valeurs):
    valeurs = {
        "titre": "Protocole-cadre",
        "date_signature": SIGNATURE,
        "annee_debut": 2013,
        "annee_fin": 2015,
        **valeurs,
    }
    return Protocole(**valeurs)


@pytest.fixture
def protocole():
    protocole = nouveau_protocole()
    protocole.save()
    return protocole


@pytest.mark.parametrize(
    ("depart", "mois", "attendu"),
    [
        (datetime.date(2012, 6, 27), 6, datetime.date(2012, 12, 27)),
        (datetime.date(2012, 8, 31), 6, datetime.date(2013, 2, 28)),
        (datetime.date(2015, 8, 31), 6, datetime.date(2016, 2, 29)),
        (datetime.date(2012, 1, 31), 1, datetime.date(2012, 2, 29)),
        (datetime.date(2012, 6, 27), 12, datetime.date(2013, 6, 27)),
        (datetime.date(2012, 12, 15), 1, datetime.date(2013, 1, 15)),
        (datetime.date(2012, 10, 31), 30, datetime.date(2015, 4, 30)),
    ],
)
def test_ajouter_mois_garde_le_jour_ou_prend_le_dernier_du_mois(depart, mois, attendu):
    assert ajouter_mois(depart, mois) == attendu


def test_date_limite_installation_six_mois_apres_la_signature():
    assert nouveau_protocole().date_limite_installation == datetime.date(2012, 12, 27)


def test_date_limite_installation_en_fin_de_mois():
    assert nouveau_protocole(date_signature=datetime.date(2012, 8, 31)).date_limite_installation == datetime.date(
        2013, 2, 28
    )
    assert nouveau_protocole(date_signature=datetime.date(2015, 8, 31)).date_limite_installation == datetime.date(
        2016, 2, 29
    )


def test_periode_du_protocole():
    protocole = nouveau_protocole()
    assert protocole.annees == [2013, 2014, 2015]
    assert protocole.debut_periode == datetime.date(2013, 1, 1)
    assert protocole.fin_periode == datetime.date(2015, 12, 31)


def test_protocole_courant_est_le_plus_recent(protocole):
    recent = nouveau_protocole(titre="Avenant", date_signature=datetime.date(2014, 1, 10))
    recent.save()
    assert Protocole.objects.courant() == recent


def test_periode_inversee_refusee_en_base(protocole):
    refuse_en_base(lambda: nouveau_protocole(annee_debut=2015, annee_fin=2013).save())
    refuse_en_base(lambda: Protocole.objects.filter(pk=protocole.pk).update(annee_fin=2012))


def test_periode_inversee_refusee_a_la_validation():
    refuse_a_la_validation(
        nouveau_protocole(annee_debut=2015, annee_fin=2013), "La dernière année de la période doit suivre la première."
    )


def test_periode_d_une_seule_annee_acceptee():
    nouveau_protocole(annee_debut=2013, annee_fin=2013).full_clean()


@pytest.mark.parametrize("delai", [0, 37, 120])
def test_delai_implausible_refuse(delai):
    refuse_en_base(lambda: nouveau_protocole(delai_installation_mois=delai).save())
    refuse_a_la_validation(
        nouveau_protocole(delai_installation_mois=delai),
        "Le délai d'installation doit être compris entre 1 et 36 mois.",
    )


@pytest.mark.parametrize("delai", [1, 6, 36])
def test_delai_plausible_accepte(delai):
    protocole = nouveau_protocole(delai_installation_mois=delai)
    protocole.full_clean()
    protocole.save()


def test_clause_numero_unique_par_protocole(protocole):
    Clause.objects.create(protocole=protocole, numero=1, code=Clause.Code.DEPLOIEMENT, titre="Déploiement", texte=".")
    refuse_en_base(
        lambda: Clause.objects.create(
            protocole=protocole, numero=1, code=Clause.Code.CONFERENCES, titre="Conférences", texte="."
        )
    )
    refuse_a_la_validation(
        Clause(protocole=protocole, numero=1, code=Clause.Code.CONFERENCES, titre="Conférences", texte="."),
        "Ce protocole a déjà une clause portant ce numéro.",
    )


def test_clause_code_unique_par_protocole(protocole):
    Clause.objects.create(protocole=protocole, numero=1, code=Clause.Code.DEPLOIEMENT, titre="Déploiement", texte=".")
    refuse_en_base(
        lambda: Clause.objects.create(
            protocole=protocole, numero=2, code=Clause.Code.DEPLOIEMENT, titre="Bis", texte="."
        )
    )
    refuse_a_la_validation(
        Clause(protocole=protocole, numero=2, code=Clause.Code.DEPLOIEMENT, titre="Bis", texte="."),
        "Ce protocole a déjà une clause pour cet engagement.",
    )


def test_memes_clauses_permises_dans_un_autre_protocole(protocole):
    autre = nouveau_protocole(titre="Autre", date_signature=datetime.date(2016, 1, 1))
    autre.save()
    for p in (protocole, autre):
        Clause.objects.create(protocole=p, numero=1, code=Clause.Code.DEPLOIEMENT, titre="Déploiement", texte=".")
    assert Clause.objects.count() == 2


def test_accord_national_unique_par_date(protocole):
    date = datetime.date(2011, 4, 29)
    AccordNational.objects.create(protocole=protocole, intitule="ANI logement des jeunes", date_signature=date)
    refuse_en_base(lambda: AccordNational.objects.create(protocole=protocole, intitule="Doublon", date_signature=date))
    refuse_a_la_validation(
        AccordNational(protocole=protocole, intitule="Doublon", date_signature=date),
        "Un accord national de cette date est déjà rattaché au protocole.",
    )
