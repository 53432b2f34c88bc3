"""The three roles exist after migrations with the intended model permissions."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from simple_history.models import HistoricalChanges

from partenariat.roles import (
    ELUS,
    EQUIPE_UESL,
    MODELES_METIER,
    MODELES_TECHNIQUES,
    PERMISSIONS_DES_ROLES,
    SECRETARIAT_CONFERENCE,
    synchroniser_roles,
)
from tests import acteurs

pytestmark = pytest.mark.django_db


def permissions_du_groupe(nom):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=nom).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def utilisateur(nom_du_groupe):
    return acteurs.utilisateur(f"test-{nom_du_groupe}", nom_du_groupe, password="x" * 16)


def test_les_trois_groupes_existent_apres_les_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= {ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE}


@pytest.mark.parametrize("nom", [ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE])
def test_les_migrations_donnent_les_permissions_definies(nom):
    assert permissions_du_groupe(nom) == PERMISSIONS_DES_ROLES[nom]


def test_elus_ne_font_que_consulter():
    permissions = permissions_du_groupe(ELUS)
    assert {"engagements.view_objectif", "aires_urbaines.view_aireurbaine", "partenariat.view_protocole"} <= permissions
    assert all(permission.split(".")[1].startswith("view_") for permission in permissions)
    elu = utilisateur(ELUS)
    assert elu.has_perm("engagements.view_objectif")
    assert not elu.has_perm("engagements.change_objectif")
    assert not elu.has_perm("conferences.add_reunion")


def test_equipe_uesl_gere_les_donnees_mais_pas_les_comptes():
    permissions = permissions_du_groupe(EQUIPE_UESL)
    assert {
        "engagements.change_objectif",
        "conferences.add_conferenceterritoriale",
        "aires_urbaines.change_entreephase",
        "partenariat.change_protocole",
        "engagements.delete_realisation",
    } <= permissions
    assert not any(permission.startswith("auth.") for permission in permissions)
    uesl = utilisateur(EQUIPE_UESL)
    assert uesl.has_perm("engagements.change_objectif")
    assert not uesl.has_perm("auth.add_user")
    assert not uesl.has_perm("auth.change_group")


def test_secretariat_saisit_l_activite_de_sa_conference_sans_creer_de_conference():
    permissions = permissions_du_groupe(SECRETARIAT_CONFERENCE)
    assert {
        "conferences.add_reunion",
        "conferences.change_membreconference",
        "conferences.add_associationprogrammation",
        "conferences.add_observation",
        "engagements.add_objectif",
        "engagements.change_realisation",
        "conferences.view_conferenceterritoriale",
        "aires_urbaines.view_aireurbaine",
    } <= permissions
    secretariat = utilisateur(SECRETARIAT_CONFERENCE)
    assert secretariat.has_perm("conferences.add_reunion")
    assert not secretariat.has_perm("conferences.add_conferenceterritoriale")
    assert not secretariat.has_perm("conferences.change_conferenceterritoriale")
    assert not secretariat.has_perm("aires_urbaines.change_aireurbaine")
    assert not secretariat.has_perm("partenariat.change_protocole")


def test_aucun_role_ne_touche_a_l_historique():
    for permissions in PERMISSIONS_DES_ROLES.values():
        assert not any(
            ".add_historical" in p or ".change_historical" in p or ".delete_historical" in p for p in permissions
        )


def test_tous_les_modeles_metier_sont_couverts():
    """A new model must be given to the roles; history models are deliberately left out."""
    for app_label, modeles in MODELES_METIER.items():
        attendus = {
            model._meta.model_name
            for model in apps.get_app_config(app_label).get_models()
            if not issubclass(model, HistoricalChanges)
            and model._meta.model_name not in MODELES_TECHNIQUES.get(app_label, ())
        }
        assert set(modeles) == attendus, app_label


def test_synchroniser_roles_est_idempotent_et_retablit_les_permissions():
    groupe = Group.objects.get(name=SECRETARIAT_CONFERENCE)
    groupe.permissions.remove(Permission.objects.get(codename="add_reunion"))
    groupe.permissions.add(Permission.objects.get(codename="add_user"))

    assert synchroniser_roles() == {ELUS: False, EQUIPE_UESL: False, SECRETARIAT_CONFERENCE: False}
    for nom, permissions in PERMISSIONS_DES_ROLES.items():
        assert permissions_du_groupe(nom) == permissions

    avant = list(Group.permissions.through.objects.order_by("pk").values_list("pk", "group_id", "permission_id"))
    synchroniser_roles()
    assert (
        list(Group.permissions.through.objects.order_by("pk").values_list("pk", "group_id", "permission_id")) == avant
    )


def test_synchroniser_roles_recree_un_groupe_supprime():
    Group.objects.filter(name=ELUS).delete()
    assert synchroniser_roles()[ELUS] is True
    assert permissions_du_groupe(ELUS) == PERMISSIONS_DES_ROLES[ELUS]
