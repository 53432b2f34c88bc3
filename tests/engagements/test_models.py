"""Objective and achievement invariants hold in the database, and validation gives the same French message."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aires_urbaines.models import AireUrbaine
from engagements.models import Dispositif, Objectif, Realisation, Unite
from tests.contraintes import refuse_a_la_validation, refuse_en_base

pytestmark = pytest.mark.django_db

SIGNATURE = datetime.date(2012, 6, 27)


@pytest.fixture
def lyon():
    return AireUrbaine.objects.create(code="002", nom="Lyon", categorie=AireUrbaine.Categorie.GRANDE)


def objectif(aire, **valeurs):
    valeurs = {"aire": aire, "dispositif": Dispositif.LOGEMENT_SOCIAL, "annee": 2013, "cible": 800, **valeurs}
    return Objectif(**valeurs)


@pytest.fixture
def objectif_2013(lyon):
    return Objectif.objects.create(aire=lyon, dispositif=Dispositif.LOGEMENT_SOCIAL, annee=2013, cible=800)


# --- Objectif -----------------------------------------------------------------------------------------------


def test_objectif_unique_par_aire_dispositif_annee_unite(objectif_2013, lyon):
    refuse_en_base(lambda: objectif(lyon, cible=900).save())
    refuse_a_la_validation(
        objectif(lyon, cible=900),
        "Un objectif existe déjà pour cette aire, ce dispositif, cette année et cette unité.",
    )


def test_meme_dispositif_autre_unite_ou_autre_annee_accepte(objectif_2013, lyon):
    for autre in (objectif(lyon, unite=Unite.MENAGES), objectif(lyon, annee=2014)):
        autre.full_clean()
        autre.save()


@pytest.mark.parametrize("annee", [2012, 2016, 0])
def test_annee_hors_de_la_periode_refusee(lyon, objectif_2013, annee):
    refuse_en_base(lambda: objectif(lyon, annee=annee, dispositif=Dispositif.ACCESSION_SOCIALE).save())
    refuse_en_base(lambda: Objectif.objects.filter(pk=objectif_2013.pk).update(annee=annee))
    refuse_a_la_validation(
        objectif(lyon, annee=annee, dispositif=Dispositif.ACCESSION_SOCIALE),
        "L'année doit être comprise dans la période du protocole (2013 à 2015).",
    )


@pytest.mark.parametrize("annee", [2013, 2015])
def test_annees_extremes_de_la_periode_acceptees(lyon, annee):
    valide = objectif(lyon, annee=annee)
    valide.full_clean()
    valide.save()


def test_cible_negative_refusee(lyon, objectif_2013):
    # PositiveIntegerField adds its own check beside the named one: either refuses the row.
    refuse_en_base(lambda: objectif(lyon, cible=-1, annee=2014).save())
    refuse_en_base(lambda: Objectif.objects.filter(pk=objectif_2013.pk).update(cible=-5))
    # full_clean stops at the field's own validator; the named constraint carries the domain message.
    with pytest.raises(ValidationError) as erreur:
        objectif(lyon, cible=-1, annee=2014).full_clean()
    assert "cible" in erreur.value.message_dict
    refuse_a_la_validation(
        objectif(lyon, cible=-1, annee=2014), "La cible doit être un nombre positif ou nul.", "validate_constraints"
    )


def test_cible_nulle_acceptee(lyon):
    valide = objectif(lyon, cible=0)
    valide.full_clean()
    valide.save()


def test_accord_avant_la_signature_refuse(lyon, objectif_2013):
    veille = SIGNATURE - datetime.timedelta(days=1)
    refuse_en_base(lambda: objectif(lyon, annee=2014, date_accord=veille).save())
    refuse_en_base(lambda: Objectif.objects.filter(pk=objectif_2013.pk).update(date_accord=veille))
    refuse_a_la_validation(
        objectif(lyon, annee=2014, date_accord=veille),
        "Un objectif ne peut pas être convenu avant la signature du protocole.",
    )
    objectif(lyon, annee=2014, date_accord=SIGNATURE).full_clean()


# --- Realisation --------------------------------------------------------------------------------------------


def test_quantite_negative_refusee(objectif_2013):
    date = datetime.date(2013, 5, 1)
    refuse_en_base(lambda: Realisation.objects.create(objectif=objectif_2013, date=date, quantite=-1))
    realisation = Realisation.objects.create(objectif=objectif_2013, date=date, quantite=10)
    refuse_en_base(lambda: Realisation.objects.filter(pk=realisation.pk).update(quantite=-10))
    refuse_a_la_validation(
        Realisation(objectif=objectif_2013, date=date, quantite=-1),
        "La quantité réalisée doit être un nombre positif ou nul.",
        "validate_constraints",
    )


def test_realisation_avant_la_signature_refusee(objectif_2013):
    veille = SIGNATURE - datetime.timedelta(days=1)
    refuse_en_base(lambda: Realisation.objects.create(objectif=objectif_2013, date=veille, quantite=1))
    refuse_en_base(
        lambda: Realisation.objects.bulk_create([Realisation(objectif=objectif_2013, date=veille, quantite=1)])
    )
    refuse_a_la_validation(
        Realisation(objectif=objectif_2013, date=veille, quantite=1),
        "Une réalisation ne peut pas précéder la signature du protocole.",
    )


def test_realisation_valide_acceptee(objectif_2013):
    realisation = Realisation(objectif=objectif_2013, date=SIGNATURE, quantite=0)
    realisation.full_clean()
    realisation.save()
    assert realisation.history.count() == 1
