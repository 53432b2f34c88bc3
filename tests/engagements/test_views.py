"""Objectives and achievements entered through the pages: scope, completion rate, lost updates, history."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements import services
from engagements.models import Objectif, Realisation
from tests.acteurs import DISPOSITIF_LIBRE, connecte, prechauffer_alertes

pytestmark = pytest.mark.django_db


def messages_de(reponse):
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


def donnees_objectif(monde, **valeurs):
    return {
        "aire": monde.aire_lyon.pk,
        "conference": monde.lyon.pk,
        "dispositif": DISPOSITIF_LIBRE,
        "annee": "2014",
        "cible": "40",
        "unite": "logements",
        "date_accord": "2013-12-10",
        "notes": "Convenu en conférence",
        **valeurs,
    }


def test_le_secretariat_convient_un_objectif_de_sa_conference(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    formulaire = client.get(reverse("engagements:objectif_add") + f"?conference={monde.lyon.pk}").content.decode()
    assert f'<option value="{monde.aire_lyon.pk}" selected>002 — Lyon</option>' in formulaire
    assert "Marseille" not in formulaire  # only its own conference and areas are offered

    reponse = client.post(reverse("engagements:objectif_add"), donnees_objectif(monde))
    objectif = Objectif.objects.get(aire=monde.aire_lyon, dispositif=DISPOSITIF_LIBRE)
    assert reponse["Location"] == objectif.get_absolute_url()
    assert "est enregistré" in messages_de(reponse)
    assert (objectif.cible, objectif.conference, objectif.version) == (40, monde.lyon, 1)
    page = client.get(objectif.get_absolute_url()).content.decode()
    assert "Historique des modifications" in page and "secretariat-lyon" in page


def test_hors_de_son_perimetre_le_secretariat_est_refuse_en_francais(client, monde):
    connecte(client, monde.utilisateurs["secretariat"])
    reponse = client.post(
        reverse("engagements:objectif_add"),
        donnees_objectif(monde, aire=monde.aire_marseille.pk, conference=monde.marseille.pk),
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Vous ne pouvez saisir des objectifs que pour les aires couvertes par vos conférences." in contenu
    assert "Choisissez une des conférences dont vous tenez le secrétariat." in contenu
    assert "Convenu en conférence</textarea>" in contenu
    assert not Objectif.objects.filter(dispositif=DISPOSITIF_LIBRE).exists()


def test_contraintes_de_l_objectif_en_francais(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("engagements:objectif_add")
    contenu = client.post(url, donnees_objectif(monde, dispositif=monde.objectif_lyon.dispositif, annee="2013")).content
    assert "Un objectif existe déjà pour cette aire, ce dispositif, cette année et cette unité." in contenu.decode()
    contenu = client.post(url, donnees_objectif(monde, annee="2016", cible="-1", date_accord="2012-01-01")).content
    contenu = contenu.decode()
    assert "L&#x27;année doit être comprise dans la période du protocole (2013 à 2015)." in contenu
    assert "La cible doit être un nombre positif ou nul." in contenu
    assert "Un objectif ne peut pas être convenu avant la signature du protocole." in contenu
    assert Objectif.objects.count() == 2


def test_une_realisation_met_a_jour_le_taux_partout(client, monde):
    secretariat = monde.utilisateurs["secretariat"]
    connecte(client, secretariat)
    aire_avant = client.get(monde.aire_lyon.get_absolute_url() + "?date=2015-12-31").content.decode()
    assert "30 réalisé pour 100 de cible" in aire_avant
    reponse = client.post(
        reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk]),
        {"date": "2013-10-01", "quantite": "45", "commentaire": "Résidence jeunes actifs"},
    )
    assert reponse["Location"] == monde.objectif_lyon.get_absolute_url()
    assert "soumise à validation" in messages_de(reponse)
    realisation = Realisation.objects.get(quantite=45)
    assert (realisation.saisi_par, realisation.etat) == (secretariat, "soumise")

    # Submitted, it changes no figure until someone else validates it.
    assert (
        "30 réalisé pour 100 de cible"
        in client.get(monde.aire_lyon.get_absolute_url() + "?date=2015-12-31").content.decode()
    )
    assert "30,0\u202f%" in client.get(monde.objectif_lyon.get_absolute_url() + "?date=2015-12-31").content.decode()
    services.valider_realisation(realisation, monde.utilisateurs["uesl"], realisation.version)

    assert (
        "75 réalisé pour 100 de cible"
        in client.get(monde.aire_lyon.get_absolute_url() + "?date=2015-12-31").content.decode()
    )
    detail = client.get(monde.objectif_lyon.get_absolute_url() + "?date=2015-12-31").content.decode()
    assert "75,0\u202f%" in detail
    assert "Résidence jeunes actifs" in detail


def test_quantite_et_date_de_realisation_en_francais(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    reponse = client.post(
        reverse("engagements:realisation_add", args=[monde.objectif_lyon.pk]),
        {"date": "2012-01-01", "quantite": "-5", "commentaire": "à garder"},
    )
    contenu = reponse.content.decode()
    assert "La quantité réalisée doit être un nombre positif ou nul." in contenu
    assert "Une réalisation ne peut pas précéder la signature du protocole." in contenu
    assert "à garder</textarea>" in contenu
    assert Realisation.objects.count() == 1


def test_deux_personnes_modifient_le_meme_objectif(monde):
    uesl = connecte(Client(), monde.utilisateurs["uesl"])
    secretariat = connecte(Client(), monde.utilisateurs["secretariat"])
    url = reverse("engagements:objectif_edit", args=[monde.objectif_lyon.pk])
    uesl.get(url)
    secretariat.get(url)
    valeurs = {"dispositif": monde.objectif_lyon.dispositif, "annee": "2013", "version": "1"}

    assert uesl.post(url, donnees_objectif(monde, cible="120", motif_revision="Relevée", **valeurs)).status_code == 302
    reponse = secretariat.post(url, donnees_objectif(monde, cible="150", notes="Ma saisie", **valeurs))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in contenu
    assert "Cible : 100 → 120 (modifié par uesl-test le " in contenu
    assert 'name="cible" value="150"' in contenu
    assert "Ma saisie</textarea>" in contenu
    assert Objectif.objects.get(pk=monde.objectif_lyon.pk).cible == 120


def test_deux_personnes_corrigent_la_meme_realisation(monde):
    uesl = connecte(Client(), monde.utilisateurs["uesl"])
    secretariat = connecte(Client(), monde.utilisateurs["secretariat"])
    realisation = monde.realisation_lyon
    url = reverse("engagements:realisation_edit", args=[realisation.pk])
    for client in (uesl, secretariat):
        assert f'name="version" value="{realisation.version}"' in client.get(url).content.decode()
    valeurs = {"date": "2013-04-01", "version": str(realisation.version)}

    assert uesl.post(url, {**valeurs, "quantite": "33", "commentaire": "Livraison"}).status_code == 302
    reponse = secretariat.post(url, {**valeurs, "quantite": "40", "commentaire": "Ma correction"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in contenu
    assert "Ma correction</textarea>" in contenu
    actuelle = Realisation.objects.get(pk=realisation.pk)
    assert actuelle.quantite == 33
    assert f'name="version" value="{actuelle.version}"' in contenu  # saving again now confirms it

    confirme = {**valeurs, "version": str(actuelle.version), "quantite": "40", "commentaire": "Ma correction"}
    assert secretariat.post(url, confirme).status_code == 302
    assert Realisation.objects.get(pk=realisation.pk).quantite == 40


def test_historique_d_une_realisation(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("engagements:realisation_edit", args=[monde.realisation_lyon.pk])
    client.post(url, {"date": "2013-04-01", "quantite": "33", "commentaire": "Livraison corrigée"})
    page = client.get(reverse("engagements:realisation_detail", args=[monde.realisation_lyon.pk])).content.decode()
    assert "<del>30</del> → <ins>33</ins>" in page
    assert "<del>Livraison.</del> → <ins>Livraison corrigée</ins>" in page
    assert "uesl-test" in page
    objectif = client.get(monde.objectif_lyon.get_absolute_url()).content.decode()
    assert "Réalisation du 01/04/2013" in objectif


def test_les_pages_de_saisie_gardent_un_nombre_de_requetes_constant(client, demo, django_assert_max_num_queries):
    uesl = get_user_model().objects.get(username="uesl")
    connecte(client, uesl)
    prechauffer_alertes(uesl)
    objectif = Objectif.objects.filter(aire__code="002", annee=2014).order_by("pk").first()
    realisation = objectif.realisations.order_by("pk").first()
    pages = [
        reverse("engagements:objectif_add"),
        reverse("engagements:objectif_add") + f"?conference={objectif.conference_id}",
        reverse("engagements:objectif_edit", args=[objectif.pk]),
        reverse("engagements:realisation_add", args=[objectif.pk]),
        reverse("engagements:realisation_edit", args=[realisation.pk]),
        reverse("engagements:realisation_detail", args=[realisation.pk]),
        reverse("engagements:realisation_import"),
        objectif.get_absolute_url(),
    ]

    def compter():
        comptes = {}
        for url in pages:
            with CaptureQueriesContext(connection) as requetes, django_assert_max_num_queries(16):
                assert client.get(url).status_code == 200, url
            comptes[url] = len(requetes.captured_queries)
        return comptes

    admin = get_user_model().objects.get(username="admin")

    def modifier(rang):
        actuel = Objectif.objects.get(pk=objectif.pk)
        actuel.cible += 1
        actuel.notes = f"Révision {rang}"
        services.modifier_objectif(actuel, uesl, actuel.version, motif=f"Révision {rang}")
        realisation.quantite += 1
        services.enregistrer_realisation(realisation, uesl)
        services.valider_realisation(realisation, admin, realisation.version)
        services.enregistrer_realisation(
            Realisation(objectif=objectif, date=datetime.date(2014, 5, 1 + rang), quantite=rang), uesl
        )

    # Once the history names people (who submitted, who validated), each one costs no further query.
    modifier(0)
    avant = compter()
    for rang in range(1, 7):
        modifier(rang)
    assert compter() == avant
