"""Every validation URL × every role: the status, and the database untouched by every refusal; four eyes included."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from engagements import services
from engagements.models import Realisation
from engagements.regles import peut_valider
from tests import acteurs
from tests.acteurs import ROLES, connecte

pytestmark = pytest.mark.django_db

VALIDATEURS = {"uesl", "admin"}


def etat_de_la_base():
    """The shared snapshot, plus what an examination changes: state, version, examiner, comment, history."""
    return {
        **acteurs.etat_de_la_base(),
        "examens": sorted(
            Realisation.objects.values_list(
                "pk", "etat", "version", "modifie_par", "examinee_par", "examinee_le", "commentaire_examen"
            )
        ),
        "historique": Realisation.history.count(),
    }


@pytest.fixture
def soumise(monde):
    """Lyon's secretariat submitted it: every validator may examine it."""
    realisation = Realisation(objectif=monde.objectif_lyon, date=datetime.date(2013, 3, 12), quantite=12)
    return services.enregistrer_realisation(realisation, monde.utilisateurs["secretariat"])


def verifier_refus(reponse, role, avant):
    if role == "anonyme":
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/comptes/connexion/")
    else:
        assert reponse.status_code == 403
    assert etat_de_la_base() == avant


def ecritures(realisation):
    """(name, URL, posted data, state once allowed) of each write URL."""
    valeur = f"{realisation.pk}:{realisation.version}"
    return {
        "file_valider": (reverse("validation:file"), {"action": "valider", "selection": [valeur]}, "validee"),
        "file_renvoyer": (
            reverse("validation:file"),
            {"action": "renvoyer", "selection": [valeur], "commentaire": "À corriger"},
            "renvoyee",
        ),
        "file_valider_tout": (reverse("validation:file"), {"action": "valider_tout", "affichees": valeur}, "validee"),
        "valider": (reverse("validation:valider", args=[realisation.pk]), {"version": realisation.version}, "validee"),
        "renvoyer": (
            reverse("validation:renvoyer", args=[realisation.pk]),
            {"version": realisation.version, "commentaire": "À corriger"},
            "renvoyee",
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_ouvrir_la_file(role, monde, soumise):
    avant = etat_de_la_base()
    reponse = connecte(Client(), monde.utilisateurs[role]).get(reverse("validation:file"))
    if role in VALIDATEURS:
        assert reponse.status_code == 200
        assert f'value="{soumise.pk}:{soumise.version}"' in reponse.content.decode()
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("nom", ["file_valider", "file_renvoyer", "file_valider_tout", "valider", "renvoyer"])
def test_ecrire(nom, role, monde, soumise):
    url, donnees, etat = ecritures(soumise)[nom]
    avant = etat_de_la_base()
    reponse = connecte(Client(), monde.utilisateurs[role]).post(url, donnees)
    if role in VALIDATEURS:
        assert reponse.status_code == 302, reponse.content.decode()[-2000:]
        soumise.refresh_from_db()
        assert (soumise.etat, soumise.examinee_par) == (etat, monde.utilisateurs[role])
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("nom", ["valider", "renvoyer", "file_valider", "file_renvoyer", "file_valider_tout"])
@pytest.mark.parametrize("role", sorted(VALIDATEURS))
def test_quatre_yeux_personne_n_examine_ce_qu_il_a_soumis(nom, role, monde):
    """UESL staff (or an administrator) who submitted an achievement get a French refusal and change nothing."""
    user = monde.utilisateurs[role]
    realisation = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=datetime.date(2013, 3, 12), quantite=12), user
    )
    url, donnees, _etat = ecritures(realisation)[nom]
    avant = etat_de_la_base()
    reponse = connecte(Client(), user).post(url, donnees)
    assert reponse.status_code == 200
    assert "saisie ou modifiée en dernier par vous" in reponse.content.decode()
    assert etat_de_la_base() == avant


def test_la_regle_objet(monde, soumise):
    u = monde.utilisateurs
    assert peut_valider(u["uesl"], soumise) and peut_valider(u["admin"], soumise)
    assert not any(peut_valider(u[role], soumise) for role in ("elu", "secretariat", "secretariat_autre"))
    assert u["uesl"].has_perm("engagements.valider_realisation", soumise)
    assert not u["secretariat"].has_perm("engagements.valider_realisation", soumise)
    validee = Realisation.objects.get(pk=monde.realisation_lyon.pk)
    assert not peut_valider(u["uesl"], validee)  # only submitted ones
    a_moi = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=datetime.date(2013, 5, 1), quantite=1), u["admin"]
    )
    assert not peut_valider(u["admin"], a_moi)  # a superuser too is held to four eyes
    assert u["admin"].has_perm("engagements.ouvrir_file_validation")
    assert not u["secretariat"].has_perm("engagements.ouvrir_file_validation")


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonyme"])
def test_le_lien_de_la_file_selon_le_role(role, monde, soumise):
    page = connecte(Client(), monde.utilisateurs[role]).get(monde.objectif_lyon.get_absolute_url()).content.decode()
    assert ('<a href="/validation/">À valider</a>' in page) == (role in VALIDATEURS)
