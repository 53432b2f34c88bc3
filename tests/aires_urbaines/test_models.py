"""Territorial invariants hold in the database (the regex checks too, on SQLite as on PostgreSQL)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aires_urbaines.models import AireUrbaine, Commune, EntreePhase, Intercommunalite, PhaseDeploiement, Tension
from tests.contraintes import refuse_a_la_validation, refuse_en_base

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    return AireUrbaine.objects.create(code="002", nom="Lyon", categorie=AireUrbaine.Categorie.GRANDE)


@pytest.fixture
def phase_2013():
    return PhaseDeploiement.objects.create(
        code="prioritaire-2013", libelle="2013", ordre=1, date_debut=datetime.date(2013, 1, 1)
    )


@pytest.mark.parametrize("siren", ["12345678", "12345678A", "1234 5678", "ZZZZZZZZZ", ""])
def test_siren_mal_forme_refuse(siren):
    refuse_en_base(lambda: Intercommunalite.objects.create(siren=siren, nom="CU", nature="CU"))
    if siren:
        refuse_a_la_validation(
            Intercommunalite(siren=siren, nom="CU", nature="CU"), "Le SIREN doit comporter exactement 9 chiffres."
        )


def test_siren_mal_forme_refuse_aussi_par_update():
    epci = Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")
    refuse_en_base(lambda: Intercommunalite.objects.filter(pk=epci.pk).update(siren="24690024X"))


def test_siren_valide_accepte():
    epci = Intercommunalite(siren="246900245", nom="CU de Lyon", nature="CU")
    epci.full_clean()
    epci.save()


def test_siren_unique():
    Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")
    refuse_en_base(lambda: Intercommunalite.objects.create(siren="246900245", nom="Doublon", nature="CA"))
    with pytest.raises(ValidationError) as erreur:
        Intercommunalite(siren="246900245", nom="Doublon", nature="CA").full_clean()
    assert "siren" in erreur.value.message_dict


@pytest.mark.parametrize("code", ["6912", "6912A", "2C004", "A9123", "69 23"])
def test_code_insee_mal_forme_refuse(code):
    refuse_en_base(lambda: Commune.objects.create(code_insee=code, nom="X", departement="69", region="82"))
    refuse_a_la_validation(
        Commune(code_insee=code, nom="X", departement="69", region="82"),
        "Le code INSEE doit comporter 5 caractères (ex. 69123, 2A004).",
    )


@pytest.mark.parametrize("code", ["69123", "2A004", "2B033", "97101", "01001"])
def test_code_insee_valide_accepte(code):
    commune = Commune(code_insee=code, nom="X", departement=code[:2], region="82")
    commune.full_clean()
    commune.save()


def test_code_insee_unique():
    Commune.objects.create(code_insee="69123", nom="Lyon", departement="69", region="82")
    refuse_en_base(lambda: Commune.objects.create(code_insee="69123", nom="Doublon", departement="69", region="82"))


@pytest.mark.parametrize("part", [-0.01, 1.01, 50.0])
def test_part_population_tendue_hors_de_0_1_refusee(part, lyon):
    refuse_en_base(
        lambda: AireUrbaine.objects.create(code="003", nom="Marseille", categorie="grande", part_population_tendue=part)
    )
    refuse_en_base(lambda: AireUrbaine.objects.filter(pk=lyon.pk).update(part_population_tendue=part))
    refuse_a_la_validation(
        AireUrbaine(code="003", nom="Marseille", categorie="grande", part_population_tendue=part),
        "La part de population en zone tendue doit être comprise entre 0 et 1.",
    )


@pytest.mark.parametrize("part", [None, 0.0, 0.5, 1.0])
def test_part_population_tendue_acceptee(part):
    aire = AireUrbaine(code="003", nom="Marseille", categorie="grande", part_population_tendue=part)
    aire.full_clean()
    aire.save()


def test_code_aire_unique(lyon):
    refuse_en_base(lambda: AireUrbaine.objects.create(code="002", nom="Doublon", categorie="grande"))
    with pytest.raises(ValidationError) as erreur:
        AireUrbaine(code="002", nom="Doublon", categorie="grande").full_clean()
    assert "code" in erreur.value.message_dict


def test_une_seule_entree_par_aire(lyon, phase_2013):
    extension = PhaseDeploiement.objects.create(
        code="extension-2014-2015", libelle="2014–2015", ordre=2, date_debut=datetime.date(2014, 1, 1)
    )
    EntreePhase.objects.create(aire=lyon, phase=phase_2013, date_entree=datetime.date(2013, 1, 1))
    refuse_en_base(
        lambda: EntreePhase.objects.create(aire=lyon, phase=extension, date_entree=datetime.date(2014, 1, 1))
    )
    with pytest.raises(ValidationError) as erreur:
        EntreePhase(aire=lyon, phase=extension, date_entree=datetime.date(2014, 1, 1)).full_clean()
    assert "aire" in erreur.value.message_dict


def test_entree_avant_le_debut_de_la_phase_refusee_a_la_validation(lyon, phase_2013):
    entree = EntreePhase(aire=lyon, phase=phase_2013, date_entree=datetime.date(2012, 12, 31))
    with pytest.raises(ValidationError) as erreur:
        entree.full_clean()
    assert erreur.value.message_dict["date_entree"] == [
        "Une aire ne peut pas entrer dans une phase avant le début de celle-ci."
    ]
    EntreePhase(aire=lyon, phase=phase_2013, date_entree=datetime.date(2013, 1, 1)).full_clean()


def test_querysets_des_aires_et_des_entrees(lyon, phase_2013):
    AireUrbaine.objects.create(code="9A1", nom="Outre-mer", categorie="grande")
    AireUrbaine.objects.create(code="120", nom="Moyenne", categorie="moyenne", tension=Tension.TENDUE)
    lyon.tension = Tension.TENDUE
    lyon.save()
    EntreePhase.objects.create(aire=lyon, phase=phase_2013, date_entree=datetime.date(2013, 1, 1))

    assert list(AireUrbaine.objects.grandes().metropolitaines().values_list("code", flat=True)) == ["002"]
    assert set(AireUrbaine.objects.en_tension().values_list("code", flat=True)) == {"002", "120"}
    assert EntreePhase.objects.au(datetime.date(2012, 12, 31)).count() == 0
    assert EntreePhase.objects.au(datetime.date(2013, 1, 1)).count() == 1
    assert list(PhaseDeploiement.objects.commencees_au(datetime.date(2012, 12, 31))) == []
    assert list(PhaseDeploiement.objects.commencees_au(datetime.date(2013, 1, 1))) == [phase_2013]
