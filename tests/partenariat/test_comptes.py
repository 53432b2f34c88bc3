"""Own password management: change it when signed in, reset it by email, and never learn which addresses exist."""

import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partenariat.roles import ELUS
from tests import acteurs
from tests.acteurs import ROLES

pytestmark = pytest.mark.django_db
RACINE = Path(__file__).resolve().parents[2]

ANCIEN = "ancien-mot-de-passe-2012"
NOUVEAU = "nouveau-mot-de-passe-2026"
ADRESSE = "titulaire@example.org"
LIEN = re.compile(r"http://testserver(/comptes/reinitialiser/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def hachage_rapide(settings):
    """The real hasher costs ~0.3 s a password; these tests hash dozens, and the hasher is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def titulaire():
    return acteurs.utilisateur("titulaire", ELUS, email=ADRESSE, password=ANCIEN)


def accepte(username, password):
    """The login check itself (django-axes wants a request to authenticate)."""
    return authenticate(request=HttpRequest(), username=username, password=password) is not None


def empreintes():
    return dict(get_user_model().objects.values_list("username", "password"))


def demander_lien(client, adresse=ADRESSE):
    reponse = client.post("/comptes/mot-de-passe/oublie/", {"email": adresse})
    assert reponse.status_code == 302 and reponse["Location"] == "/comptes/mot-de-passe/oublie/envoye/"
    return reponse


def lien_du_courriel(message):
    trouve = LIEN.search(message.body)
    assert trouve, message.body
    return trouve.group(1)


def choisir(client, lien, mot_de_passe=NOUVEAU):
    """Follow the emailed link as a browser does: Django moves the token to the session, then shows the form."""
    formulaire = client.get(lien)
    assert formulaire.status_code == 302 and formulaire["Location"].endswith("/nouveau-mot-de-passe/")
    return client.post(formulaire["Location"], {"new_password1": mot_de_passe, "new_password2": mot_de_passe})


# Change, signed in


def test_changement_refuse_si_ancien_mot_de_passe_faux(client, titulaire):
    client.force_login(titulaire)
    avant = empreintes()
    reponse = client.post(
        "/comptes/mot-de-passe/",
        {"old_password": "pas-le-bon-mot-de-passe", "new_password1": NOUVEAU, "new_password2": NOUVEAU},
    )
    assert reponse.status_code == 200
    assert "Votre ancien mot de passe est incorrect. Veuillez le rectifier." in reponse.content.decode()
    assert empreintes() == avant


def test_changement_refuse_si_trop_court(client, titulaire):
    client.force_login(titulaire)
    avant = empreintes()
    reponse = client.post(
        "/comptes/mot-de-passe/", {"old_password": ANCIEN, "new_password1": "court-2026", "new_password2": "court-2026"}
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in contenu
    assert "Rien n'a été enregistré." in contenu
    assert empreintes() == avant


def test_changement_garde_la_session_et_ferme_les_autres(client, titulaire):
    autre_poste = Client()
    autre_poste.force_login(titulaire)
    client.force_login(titulaire)
    assert "Changer de mot de passe" in client.get("/").content.decode()
    reponse = client.post(
        "/comptes/mot-de-passe/", {"old_password": ANCIEN, "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )
    assert reponse.status_code == 302 and reponse["Location"] == "/comptes/mot-de-passe/modifie/"
    assert "Mot de passe changé" in client.get(reponse["Location"]).content.decode()
    assert client.get("/").status_code == 200
    assert autre_poste.get("/").status_code == 302
    assert accepte("titulaire", NOUVEAU)
    assert not accepte("titulaire", ANCIEN)


# Reset by email


def test_reinitialisation_par_courriel(client, titulaire, settings):
    settings.AXES_ENABLED = True
    assert "Mot de passe oublié ?" in client.get("/comptes/connexion/").content.decode()
    demander_lien(client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ADRESSE]
    assert message.subject == "Réinitialisation de votre mot de passe — Suivi du protocole-cadre"
    assert "« titulaire »" in message.body and "valable une heure" in message.body
    reponse = choisir(client, lien_du_courriel(message))
    assert reponse.status_code == 302 and reponse["Location"] == "/comptes/reinitialiser/termine/"
    assert "Mot de passe réinitialisé" in client.get(reponse["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    # Signing in goes through django-axes like any other login.
    connexion = client.post("/comptes/connexion/", {"username": "titulaire", "password": NOUVEAU})
    assert connexion.status_code == 302 and client.session["_auth_user_id"] == str(titulaire.pk)
    assert not accepte("titulaire", ANCIEN)


def test_reinitialisation_refuse_un_mot_de_passe_trop_court(client, titulaire):
    demander_lien(client)
    avant = empreintes()
    reponse = choisir(client, lien_du_courriel(mail.outbox[0]), mot_de_passe="court-2026")
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in reponse.content.decode()
    assert empreintes() == avant


def test_lien_a_usage_unique(client, titulaire):
    demander_lien(client)
    lien = lien_du_courriel(mail.outbox[0])
    assert choisir(client, lien).status_code == 302
    apres = empreintes()
    second = Client().get(lien)
    assert second.status_code == 200 and "Lien invalide ou expiré" in second.content.decode()
    repris = Client().post(lien, {"new_password1": ANCIEN, "new_password2": ANCIEN})
    assert "Lien invalide ou expiré" in repris.content.decode()
    assert empreintes() == apres


def lien_date(utilisateur, age):
    """A link made `age` seconds ago, built the way the token generator builds today's."""
    generateur = default_token_generator
    horodatage = generateur._num_seconds(generateur._now()) - age
    jeton = generateur._make_token_with_timestamp(utilisateur, horodatage, generateur.secret)
    return f"/comptes/reinitialiser/{urlsafe_base64_encode(force_bytes(utilisateur.pk))}/{jeton}/"


def test_lien_expire_apres_une_heure(client, titulaire, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    avant = empreintes()
    perime = client.get(lien_date(titulaire, 3600 + 1))
    assert perime.status_code == 200 and "Lien invalide ou expiré" in perime.content.decode()
    assert empreintes() == avant
    assert choisir(client, lien_date(titulaire, 3600 - 60)).status_code == 302


def test_adresse_inconnue_meme_reponse_sans_courriel(titulaire):
    connue, inconnue = Client(), Client()
    reponse_connue = demander_lien(connue)
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    reponse_inconnue = demander_lien(inconnue, "personne@example.org")
    assert reponse_inconnue["Location"] == reponse_connue["Location"]
    # Every page carries its visitor's own CSRF token (the header's language switch): only it may differ.
    assert sans_jeton(inconnue.get(reponse_inconnue["Location"])) == sans_jeton(connue.get(reponse_connue["Location"]))
    assert mail.outbox == []


def sans_jeton(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)


@pytest.mark.parametrize("etat", ["inactif", "sans_mot_de_passe"])
def test_compte_inactif_ou_sans_mot_de_passe_sans_courriel(client, titulaire, etat):
    if etat == "inactif":
        titulaire.is_active = False
    else:
        titulaire.set_unusable_password()
    titulaire.save()
    demander_lien(client)
    assert mail.outbox == []


def test_reinitialisation_leve_le_blocage_de_connexion(client, titulaire, settings):
    """Locked out after wrong guesses, one can still ask for a link, and the new password then opens the door."""
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/comptes/connexion/", {"username": "titulaire", "password": "mauvais"})
    assert client.post("/comptes/connexion/", {"username": "titulaire", "password": ANCIEN}).status_code == 429
    demander_lien(client)
    assert choisir(client, lien_du_courriel(mail.outbox[0])).status_code == 302
    assert client.post("/comptes/connexion/", {"username": "titulaire", "password": NOUVEAU}).status_code == 302


def test_envoi_par_un_vrai_serveur_smtp(client, titulaire, settings):
    """The reset email leaves through Django's SMTP backend and reaches a server listening on loopback."""
    recus = []

    class Boite:
        async def handle_DATA(self, server, session, envelope):
            recus.append(envelope)
            return "250 Message accepted for delivery"

    with socket.socket() as sonde:
        sonde.bind(("127.0.0.1", 0))
        port = sonde.getsockname()[1]
    serveur = Controller(Boite(), hostname="127.0.0.1", port=port)
    serveur.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        }
        demander_lien(client)
    finally:
        serveur.stop()
    assert len(recus) == 1, "le serveur SMTP n'a rien reçu"
    assert recus[0].rcpt_tos == [ADRESSE]
    message = email.message_from_bytes(recus[0].content, policy=email.policy.default)
    assert message["Subject"] == "Réinitialisation de votre mot de passe — Suivi du protocole-cadre"
    assert message["To"] == ADRESSE
    corps = message.get_body(("plain",)).get_content()
    lien = LIEN.search(corps)
    assert lien, corps
    assert choisir(client, lien.group(1)).status_code == 302
    assert accepte("titulaire", NOUVEAU)


# Email settings from the environment


@pytest.mark.parametrize(
    ("environnement", "attendu"),
    [
        ({"DEBUG": "1"}, {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            {"DEBUG": "1", "EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "1", "EMAIL_HOST_USER": "envoi"},
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "host": "smtp.example.org",
                "port": None,
                "username": "envoi",
                "use_tls": True,
            },
        ),
        (
            {"SECRET_KEY": "cle", "EMAIL_PORT": "2525"},
            {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "host": "localhost", "port": 2525},
        ),
    ],
    ids=["developpement", "serveur", "production-sans-serveur"],
)
def test_reglages_courriel(environnement, attendu):
    variables = ("DEBUG", "SECRET_KEY", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS", "DJANGO_ENV")
    env = {k: v for k, v in os.environ.items() if k not in variables} | environnement
    programme = (
        "import json; from partenariat import settings as s; m = s.MAILERS['default'];"
        "print(json.dumps({'BACKEND': m['BACKEND'], **m.get('OPTIONS', {})}))"
    )
    resultat = subprocess.run(
        [sys.executable, "-c", programme], cwd=RACINE, env=env, capture_output=True, text=True, check=True
    )
    obtenu = json.loads(resultat.stdout)
    assert {cle: obtenu.get(cle) for cle in attendu} == attendu


# Who may open which page: every role, every password page, GET and POST; nothing changes on the way.

LIEN_FAUX = "/comptes/reinitialiser/MQ/mauvais-jeton/"
MAUVAIS_ANCIEN = {"old_password": "pas-le-bon-mot-de-passe", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
CONNEXION = "connexion"  # redirected to the login page, back to this page afterwards
ENVOYE = "/comptes/mot-de-passe/oublie/envoye/"
# (page, method, posted data, answer to anonymous people, answer to signed-in people)
PAGES = [
    ("/comptes/mot-de-passe/", "get", None, CONNEXION, 200),
    ("/comptes/mot-de-passe/", "post", MAUVAIS_ANCIEN, CONNEXION, 200),
    ("/comptes/mot-de-passe/modifie/", "get", None, CONNEXION, 200),
    ("/comptes/mot-de-passe/modifie/", "post", {}, CONNEXION, 405),
    ("/comptes/mot-de-passe/oublie/", "get", None, 200, 200),
    ("/comptes/mot-de-passe/oublie/", "post", {"email": "personne@example.org"}, ENVOYE, ENVOYE),
    (ENVOYE, "get", None, 200, 200),
    (ENVOYE, "post", {}, 405, 405),
    (LIEN_FAUX, "get", None, 200, 200),
    (LIEN_FAUX, "post", {"new_password1": NOUVEAU, "new_password2": NOUVEAU}, 200, 200),
    ("/comptes/reinitialiser/termine/", "get", None, 200, 200),
    ("/comptes/reinitialiser/termine/", "post", {}, 405, 405),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "methode", "donnees", "anonyme", "connecte"), PAGES, ids=[f"{p[1]}-{p[0]}" for p in PAGES]
)
def test_matrice_des_pages_de_mot_de_passe(client, monde, role, page, methode, donnees, anonyme, connecte):
    utilisateur = monde.utilisateurs[role]
    if utilisateur is not None:
        utilisateur.set_password(ANCIEN)
        utilisateur.save()
        client.force_login(utilisateur)
    avant = empreintes()
    reponse = client.post(page, donnees) if methode == "post" else client.get(page)
    attendu = anonyme if utilisateur is None else connecte
    if attendu == CONNEXION:
        assert reponse.status_code == 302 and reponse["Location"] == f"/comptes/connexion/?next={page}"
    elif isinstance(attendu, str):
        assert reponse.status_code == 302 and reponse["Location"] == attendu
    else:
        assert reponse.status_code == attendu
    assert empreintes() == avant
    assert mail.outbox == []
