"""Cached national figures are served only while no write since their computation reached their date."""

import datetime
import uuid

import pytest

from engagements import services
from engagements.avancement import agreger_avancement, avancement_national
from engagements.imports import LigneImport
from engagements.models import Objectif, Realisation

pytestmark = pytest.mark.django_db
D = datetime.date
AU = D(2013, 12, 31)


def frais(au=AU):
    """The figures computed now, without the cache."""
    return agreger_avancement(Objectif.objects.convenus_au(au), au)["totaux"]


def servi_du_cache(django_assert_num_queries, au=AU):
    with django_assert_num_queries(1):  # the journal lookup only
        return avancement_national(au)


def test_second_affichage_servi_du_cache(monde, django_assert_num_queries):
    premier = avancement_national(AU)
    assert servi_du_cache(django_assert_num_queries) == premier
    assert premier["totaux"] == frais()


def test_une_realisation_posterieure_ne_l_invalide_pas(monde, django_assert_num_queries):
    avancement_national(AU)
    uesl = monde.utilisateurs["uesl"]
    services.enregistrer_realisation(Realisation(objectif=monde.objectif_lyon, date=D(2014, 3, 1), quantite=7), uesl)
    assert servi_du_cache(django_assert_num_queries)["totaux"] == frais()


def saisir_et_valider(monde):
    realisation = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=D(2013, 11, 1), quantite=7), monde.utilisateurs["uesl"]
    )
    services.valider_realisation(realisation, monde.utilisateurs["admin"], realisation.version)


def importer_et_valider(monde):
    crees = services.importer_realisations(
        [LigneImport(2, monde.objectif_lyon, D(2013, 10, 1), 4)], monde.utilisateurs["uesl"], uuid.uuid4()
    )
    services.valider_selection({r.pk: r.version for r in crees}, monde.utilisateurs["admin"])


@pytest.mark.parametrize(
    "ecrire",
    [
        pytest.param(saisir_et_valider, id="saisie-anterieure"),
        pytest.param(importer_et_valider, id="import"),
        pytest.param(lambda m: Objectif.objects.filter(pk=m.objectif_lyon.pk).get().delete(), id="objectif-supprime"),
    ],
)
def test_une_ecriture_qui_atteint_la_date_l_invalide(monde, ecrire):
    avant = avancement_national(AU)
    ecrire(monde)
    apres = avancement_national(AU)
    assert apres["totaux"] == frais()
    assert apres != avant


def test_une_soumission_ne_change_que_les_chiffres_provisoires(monde, django_assert_num_queries):
    """Submitted, an achievement leaves the validated figures (and their cache) as they were; validated, it counts."""
    avant = avancement_national(AU)
    provisoires_avant = avancement_national(AU, provisoire=True)
    realisation = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=D(2013, 11, 1), quantite=7), monde.utilisateurs["secretariat"]
    )
    assert servi_du_cache(django_assert_num_queries) == avant
    provisoires = avancement_national(AU, provisoire=True)
    assert provisoires["totaux"]["realise_total"] == provisoires_avant["totaux"]["realise_total"] + 7

    services.valider_realisation(realisation, monde.utilisateurs["uesl"], realisation.version)
    apres = avancement_national(AU)
    assert apres["totaux"]["realise_total"] == avant["totaux"]["realise_total"] + 7
    assert apres["totaux"] == frais()


def test_cible_changee_et_realisation_avancee_dans_le_temps(monde):
    uesl = monde.utilisateurs["uesl"]
    realisation = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=D(2014, 6, 1), quantite=9), uesl
    )
    avancement_national(AU)
    realisation.date = D(2013, 6, 1)  # moved before the cached date
    services.enregistrer_realisation(realisation, uesl)
    assert avancement_national(AU)["totaux"] == frais()

    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    objectif.cible += 500
    services.modifier_objectif(objectif, uesl, objectif.version, motif="Révision")
    assert avancement_national(AU)["totaux"] == frais()
    assert avancement_national(AU)["totaux"]["cible_totale"] == frais()["cible_totale"]


def test_suppression_d_une_realisation(monde):
    realisation = Realisation.objects.create(objectif=monde.objectif_lyon, date=D(2013, 5, 1), quantite=11)
    avancement_national(AU)
    realisation.delete()
    assert avancement_national(AU)["totaux"] == frais()
