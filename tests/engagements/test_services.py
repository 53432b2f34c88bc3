"""Objective and achievement services: scope, history with its author, no lost update, import applied once."""

import datetime
import threading
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection

from engagements import services
from engagements.imports import LigneImport
from engagements.models import Objectif, Realisation
from partenariat.roles import synchroniser_roles
from tests.acteurs import DISPOSITIF_LIBRE, construire_monde

pytestmark = pytest.mark.django_db


def test_convenir_un_objectif_dans_son_perimetre(monde):
    secretariat = monde.utilisateurs["secretariat"]
    objectif = Objectif(aire=monde.aire_lyon, dispositif=DISPOSITIF_LIBRE, annee=2014, cible=40)
    services.convenir_objectif(objectif, secretariat)
    assert objectif.version == 1
    assert objectif.history.get().history_user == secretariat

    hors_perimetre = Objectif(aire=monde.aire_marseille, dispositif=DISPOSITIF_LIBRE, annee=2014, cible=40)
    with pytest.raises(PermissionDenied):
        services.convenir_objectif(hors_perimetre, secretariat)
    assert not Objectif.objects.filter(aire=monde.aire_marseille, dispositif=DISPOSITIF_LIBRE).exists()


def test_objectif_en_double_refuse_en_francais(monde):
    doublon = Objectif(aire=monde.aire_lyon, dispositif=monde.objectif_lyon.dispositif, annee=2013, cible=1)
    with pytest.raises(services.ErreurEngagement, match="Un objectif existe déjà pour cette aire"):
        services.convenir_objectif(doublon, monde.utilisateurs["uesl"])


def test_pas_de_mise_a_jour_perdue_sur_un_objectif(monde):
    uesl, secretariat = monde.utilisateurs["uesl"], monde.utilisateurs["secretariat"]
    premier = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    second = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    premier.cible = 120
    services.modifier_objectif(premier, uesl, 1, motif="Relevée")
    assert Objectif.objects.get(pk=premier.pk).version == 2

    second.cible = 150
    second.notes = "Cible relevée"
    with pytest.raises(services.ErreurEngagement) as refus:
        services.modifier_objectif(second, secretariat, 1, motif="Relevée encore")
    (detail,) = refus.value.details
    assert detail.startswith("Cible : 100 → 120 (modifié par uesl-test le ")
    enregistre = Objectif.objects.get(pk=premier.pk)
    assert (enregistre.cible, enregistre.notes, enregistre.version) == (120, "", 2)

    services.modifier_objectif(second, secretariat, refus.value.version_actuelle, motif="Relevée encore")
    assert Objectif.objects.get(pk=premier.pk).cible == 150


def test_sans_historique_le_refus_compare_avec_la_base(monde):
    """Rows created without history (bulk loads) are still protected; the refusal lists the stored values."""
    Objectif.history.all().delete()
    Objectif.objects.filter(pk=monde.objectif_lyon.pk).update(cible=110, version=2)
    perime = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    perime.cible = 90
    with pytest.raises(services.ErreurEngagement) as refus:
        services.modifier_objectif(perime, monde.utilisateurs["uesl"], 1)
    assert refus.value.details == ["Cible : enregistré 110, votre saisie 90"]


def test_la_realisation_retient_qui_l_a_saisie(monde):
    secretariat = monde.utilisateurs["secretariat"]
    realisation = Realisation(objectif=monde.objectif_lyon, date=datetime.date(2013, 8, 1), quantite=20)
    services.enregistrer_realisation(realisation, secretariat)
    assert realisation.saisi_par == secretariat
    assert realisation.history.get().history_user == secretariat

    def realise():
        return Objectif.objects.avec_avancement(datetime.date(2013, 12, 31)).get(pk=monde.objectif_lyon.pk).realise

    assert realise() == 30  # submitted: it counts once validated
    services.valider_realisation(
        realisation, monde.utilisateurs["uesl"], Realisation.objects.get(pk=realisation.pk).version
    )
    assert realise() == 50

    # A correction by someone else keeps who recorded it; the history says who corrected it; it is submitted again.
    realisation.refresh_from_db()
    realisation.quantite = 25
    services.enregistrer_realisation(realisation, monde.utilisateurs["uesl"])
    enregistree = Realisation.objects.get(pk=realisation.pk)
    assert (enregistree.saisi_par, enregistree.modifie_par, enregistree.etat) == (
        secretariat,
        monde.utilisateurs["uesl"],
        "soumise",
    )
    assert realisation.history.first().history_user == monde.utilisateurs["uesl"]
    assert realise() == 30

    with pytest.raises(PermissionDenied):
        services.enregistrer_realisation(
            Realisation(objectif=monde.objectif_marseille, date=datetime.date(2013, 8, 1), quantite=1), secretariat
        )


def test_import_applique_une_seule_fois_avec_historique(monde):
    secretariat = monde.utilisateurs["secretariat"]
    jeton = uuid.uuid4()
    lignes = [
        LigneImport(2, monde.objectif_lyon, datetime.date(2013, 9, 1), 10, "Lot A"),
        LigneImport(3, monde.objectif_lyon, datetime.date(2013, 10, 1), 5),
    ]
    crees = services.importer_realisations(lignes, secretariat, jeton)
    assert [r.quantite for r in crees] == [10, 5]
    historiques = Realisation.history.filter(history_change_reason=services.motif_import(jeton))
    assert historiques.count() == 2
    assert {h.history_user for h in historiques} == {secretariat}
    assert {r.saisi_par for r in crees} == {secretariat}

    with pytest.raises(services.ErreurEngagement, match="déjà été importé"):
        services.importer_realisations(lignes, secretariat, jeton)
    assert Realisation.objects.filter(objectif=monde.objectif_lyon).count() == 3


def test_import_refuse_entier_hors_perimetre(monde):
    lignes = [
        LigneImport(2, monde.objectif_lyon, datetime.date(2013, 9, 1), 10),
        LigneImport(3, monde.objectif_marseille, datetime.date(2013, 9, 1), 10),
    ]
    with pytest.raises(services.ErreurEngagement) as refus:
        services.importer_realisations(lignes, monde.utilisateurs["secretariat"], uuid.uuid4())
    (detail,) = refus.value.details
    assert detail.startswith("Ligne 3 : l'objectif « Marseille - Aix-en-Provence — Production de logements sociaux")
    assert detail.endswith("» ne relève pas de vos conférences.")
    assert Realisation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="verrous de ligne : PostgreSQL seulement"
)
def test_deux_enregistrements_simultanes_un_seul_passe():
    """Two saves of the same version at the same instant: the row lock lets exactly one through."""
    synchroniser_roles()
    monde = construire_monde()
    barriere = threading.Barrier(2)
    resultats = []

    def enregistrer(user, cible):
        try:
            objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
            objectif.cible = cible
            barriere.wait(timeout=10)
            services.modifier_objectif(objectif, user, 1, motif="Révision concurrente")
            resultats.append(("enregistré", cible))
        except services.ErreurEngagement:
            resultats.append(("refusé", cible))
        finally:
            connection.close()

    fils = [
        threading.Thread(target=enregistrer, args=(monde.utilisateurs["uesl"], 120)),
        threading.Thread(target=enregistrer, args=(monde.utilisateurs["secretariat"], 150)),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert sorted(etat for etat, _ in resultats) == ["enregistré", "refusé"]
    (gagnant,) = [cible for etat, cible in resultats if etat == "enregistré"]
    objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    assert (objectif.cible, objectif.version) == (gagnant, 2)
    assert objectif.history.count() == 2
