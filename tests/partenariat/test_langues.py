"""The interface language: French by default, English from the browser or the header switch, kept per person."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from partenariat.commun.dates import date_courte, date_longue
from partenariat.models import PreferencesUtilisateur
from tests import acteurs

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-des-langues-2012"
CONNEXION = "/comptes/connexion/"


@pytest.fixture(autouse=True)
def hachage_rapide(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personne():
    return acteurs.utilisateur("polyglotte", password=MOT_DE_PASSE)


def langue_de(response):
    """The `lang` of the page's <html>, as a reader's software sees it."""
    trouve = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert trouve, response.content[:200]
    return trouve.group(1)


def se_connecter(client, username="polyglotte"):
    response = client.post(CONNEXION, {"username": username, "password": MOT_DE_PASSE})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def changer(client, langue, suivante="/"):
    return client.post("/langue/", {"language": langue, "next": suivante})


def test_francais_sans_accept_language(client):
    response = client.get(CONNEXION)
    assert langue_de(response) == "fr"
    assert response["Content-Language"] == "fr"
    assert settings.LANGUAGE_CODE == "fr"


def test_accept_language_anglais_pour_un_anonyme(client):
    response = client.get(CONNEXION, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,fr;q=0.5")
    assert langue_de(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("entete", ["de-DE,de;q=0.9", "es", "*", "zz-ZZ"])
def test_langue_non_proposee_par_le_navigateur_donne_le_francais(client, entete):
    assert langue_de(client.get(CONNEXION, HTTP_ACCEPT_LANGUAGE=entete)) == "fr"


def test_le_francais_prime_quand_le_navigateur_le_prefere(client):
    assert langue_de(client.get(CONNEXION, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.8")) == "fr"


def test_l_interrupteur_nomme_chaque_langue_dans_sa_langue(client):
    html = client.get(CONNEXION).content.decode()
    assert 'action="/langue/"' in html and 'method="post"' in html
    assert "csrfmiddlewaretoken" in html.split('action="/langue/"', 1)[1].split("</form>", 1)[0]
    assert re.search(r'<button type="submit"[^>]* name="language" value="en" lang="en">English</button>', html)
    assert re.search(r'<span class="langue-courante" lang="fr" aria-current="true">Français</span>', html)
    html_en = client.get(CONNEXION, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<button type="submit"[^>]* name="language" value="fr" lang="fr">Français</button>', html_en)


def test_un_anonyme_change_de_langue_par_le_cookie(client):
    response = changer(client, "en", CONNEXION)
    assert response.status_code == 302
    assert response["Location"] == CONNEXION
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert langue_de(client.get(CONNEXION)) == "en"
    assert not PreferencesUtilisateur.objects.exists()
    changer(client, "fr", CONNEXION)
    assert langue_de(client.get(CONNEXION, HTTP_ACCEPT_LANGUAGE="en")) == "fr"


@pytest.mark.parametrize("langue", ["de", "", "en-XX", "<script>", "fr\x00"])
def test_une_langue_inconnue_est_refusee(client, personne, langue):
    se_connecter(client)
    response = changer(client, langue)
    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not PreferencesUtilisateur.objects.exists()
    assert langue_de(client.get("/")) == "fr"


def test_l_interrupteur_n_accepte_que_post(client):
    assert client.get("/langue/?language=en").status_code == 405
    assert langue_de(client.get(CONNEXION)) == "fr"


def test_le_changement_exige_le_jeton_csrf(personne):
    client = Client(enforce_csrf_checks=True)
    assert changer(client, "en").status_code == 403


def test_retour_vers_un_autre_site_refuse(client):
    response = changer(client, "en", "https://ailleurs.example.org/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_le_choix_est_retenu_pour_la_personne(client, personne):
    se_connecter(client)
    assert langue_de(client.get("/")) == "fr"
    changer(client, "en", "/deploiement/")
    assert PreferencesUtilisateur.objects.get(utilisateur=personne).langue == "en"
    assert langue_de(client.get("/deploiement/")) == "en"


def test_le_choix_survit_a_la_deconnexion_et_au_changement_de_navigateur(client, personne):
    se_connecter(client)
    changer(client, "en")
    client.post("/comptes/deconnexion/")
    # Same browser, signed out: its language cookie still says English.
    assert langue_de(client.get(CONNEXION)) == "en"

    # Another browser, no cookie, a French browser: the sign-in page is French, then the person's English.
    autre = Client(HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert langue_de(autre.get(CONNEXION)) == "fr"
    se_connecter(autre)
    assert langue_de(autre.get("/")) == "en"
    # The cookie follows, so that the pages after signing out stay in the person's language.
    autre.post("/comptes/deconnexion/")
    assert langue_de(autre.get(CONNEXION)) == "en"


def test_le_choix_de_la_personne_prime_sur_le_navigateur(client, personne):
    PreferencesUtilisateur.objects.create(utilisateur=personne, langue="fr")
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert langue_de(client.get(CONNEXION)) == "en"
    se_connecter(client)
    assert langue_de(client.get("/")) == "fr"


def test_sans_choix_enregistre_la_connexion_garde_la_langue_du_navigateur(personne):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    se_connecter(client)
    assert langue_de(client.get("/")) == "en"
    assert not PreferencesUtilisateur.objects.exists()


def test_un_choix_par_personne(client, personne):
    autre = acteurs.utilisateur("francophone", password=MOT_DE_PASSE)
    se_connecter(client)
    changer(client, "en")
    changer(client, "fr")
    changer(client, "en")
    assert PreferencesUtilisateur.objects.count() == 1
    deuxieme = Client()
    se_connecter(deuxieme, "francophone")
    assert langue_de(deuxieme.get("/")) == "fr"
    assert not PreferencesUtilisateur.objects.filter(utilisateur=autre).exists()


def test_dates_ecrites_dans_la_langue_du_lecteur():
    with translation.override("fr"):
        assert date_longue(datetime.date(2012, 6, 27)) == "27 juin 2012"
        assert date_longue(datetime.date(2013, 1, 1)) == "1er janvier 2013"
        assert date_courte(datetime.date(2012, 6, 27)) == "27/06/2012"
    with translation.override("en"):
        assert date_longue(datetime.date(2012, 6, 27)) == "27 June 2012"
        assert date_longue(datetime.date(2013, 1, 1)) == "1 January 2013"
        assert date_courte(datetime.date(2012, 6, 27)) == "27/06/2012"
