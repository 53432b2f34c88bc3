"""The closing URLs × every role: who may read the years, close one and reopen one; a refusal changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from engagements import services
from engagements.models import ClotureAnnee
from tests import acteurs
from tests.acteurs import ROLES, connecte

pytestmark = pytest.mark.django_db

LECTEURS = {"elu", "secretariat_autre", "secretariat", "uesl", "admin"}
CLOTURE = {"uesl", "admin"}
REOUVERTURE = {"admin"}


def etat_de_la_base():
    return {
        **acteurs.etat_de_la_base(),
        "clotures": sorted(
            ClotureAnnee.objects.values_list("annee", "close", "close_par", "rouverte_par", "motif_reouverture")
        ),
        "historique_clotures": ClotureAnnee.history.count(),
    }


def client_de(monde, role):
    return connecte(Client(), monde.utilisateurs[role])


def verifier_refus(reponse, role, avant):
    if role == "anonyme":
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/comptes/connexion/")
    else:
        assert reponse.status_code == 403
    assert etat_de_la_base() == avant


@pytest.mark.parametrize("role", ROLES)
def test_la_page_des_annees(role, monde):
    avant = etat_de_la_base()
    reponse = client_de(monde, role).get(reverse("engagements:annees"))
    if role in LECTEURS:
        assert reponse.status_code == 200
        contenu = reponse.content.decode()
        assert ("Clore 2013" in contenu) == (role in CLOTURE)
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
def test_clore(role, monde):
    avant = etat_de_la_base()
    reponse = client_de(monde, role).post(reverse("engagements:annee_clore", args=[2013]))
    if role in CLOTURE:
        assert reponse.status_code == 302
        assert reponse["Location"] == reverse("engagements:annees")
        cloture = ClotureAnnee.objects.get(annee=2013)
        assert cloture.close and cloture.close_par == monde.utilisateurs[role]
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
def test_rouvrir(role, monde):
    services.cloturer_annee(2013, monde.utilisateurs["uesl"])
    avant = etat_de_la_base()
    reponse = client_de(monde, role).post(
        reverse("engagements:annee_rouvrir", args=[2013]), {"annee-2013-motif": "Correction d'une livraison"}
    )
    if role in REOUVERTURE:
        assert reponse.status_code == 302
        cloture = ClotureAnnee.objects.get(annee=2013)
        assert not cloture.close
        assert cloture.rouverte_par == monde.utilisateurs[role]
        assert cloture.motif_reouverture == "Correction d'une livraison"
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("nom", ["annee_clore", "annee_rouvrir"])
def test_les_ecritures_ne_se_font_pas_par_get(nom, role, monde):
    avant = etat_de_la_base()
    reponse = client_de(monde, role).get(reverse(f"engagements:{nom}", args=[2013]))
    autorises = CLOTURE if nom == "annee_clore" else REOUVERTURE
    if role in autorises:
        assert reponse.status_code == 405
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


def test_csrf_exige(monde):
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde.utilisateurs["uesl"])
    assert client.post(reverse("engagements:annee_clore", args=[2013])).status_code == 403
    assert not ClotureAnnee.objects.exists()


def test_une_annee_hors_periode_est_refusee_en_francais(client, monde):
    client.force_login(monde.utilisateurs["admin"])
    reponse = client.post(reverse("engagements:annee_clore", args=[99999999999999999999]))
    assert reponse.status_code == 302
    messages = " ".join(str(m) for m in get_messages(reponse.wsgi_request))
    assert "L'année doit être comprise dans la période du protocole (2013 à 2015)." in messages
    assert not ClotureAnnee.objects.exists()
