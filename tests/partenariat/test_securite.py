"""Hardening: headers, production settings, brute-force throttling, admin access, error pages that leak nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from partenariat.roles import ELUS
from tests import acteurs

pytestmark = pytest.mark.django_db
RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def elu():
    return acteurs.utilisateur("elu-test", ELUS, password="mot-de-passe-solide-2012")


def test_en_tetes_de_securite(client, elu):
    client.force_login(elu)
    reponse = client.get("/")
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["Cross-Origin-Opener-Policy"] == "same-origin"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["X-Frame-Options"] == "DENY"
    csp = reponse["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_reglages_de_production_sans_avertissement():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-" + "x" * 30,
        "ALLOWED_HOSTS": "partenariat.example.org",
        "DEBUG": "0",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


def test_secret_key_obligatoire_sans_debug():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=RACINE, env=env, capture_output=True, text=True, check=False
    )
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire" in resultat.stderr


def test_verification_du_schema_sans_cle():
    """Comparing models and migrations signs nothing: it runs without SECRET_KEY nor DEBUG."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    resultat = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "No changes detected" in resultat.stdout


def connexion(client, identifiant, mot_de_passe, ip):
    return client.post("/comptes/connexion/", {"username": identifiant, "password": mot_de_passe}, REMOTE_ADDR=ip)


def test_connexion_bloquee_par_identifiant_et_adresse(client, elu, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        connexion(client, "elu-test", "mauvais", "10.0.0.1")
    bloquee = connexion(client, "elu-test", "mot-de-passe-solide-2012", "10.0.0.1")
    assert bloquee.status_code == 429
    assert "Connexion temporairement bloquée" in bloquee.content.decode()
    assert "_auth_user_id" not in client.session
    # A colleague behind the same office address is not locked out.
    User.objects.create_user("collegue", password="autre-mot-de-passe-2012")
    assert connexion(client, "collegue", "autre-mot-de-passe-2012", "10.0.0.1").status_code == 302


def test_administration_reservee_au_personnel(client, elu):
    client.force_login(elu)
    reponse = client.get("/admin/")
    assert reponse.status_code == 302 and "/admin/login/" in reponse["Location"]


def test_page_introuvable_en_francais_sans_fuite(client, elu):
    client.force_login(elu)
    reponse = client.get("/aires/ZZZ/")
    contenu = reponse.content.decode()
    assert reponse.status_code == 404
    assert "Page introuvable" in contenu
    assert "Traceback" not in contenu and "urlpatterns" not in contenu


def test_erreur_serveur_en_francais(client, elu, monkeypatch):
    from partenariat.pilotage import views

    def panne(*args, **kwargs):
        raise RuntimeError("détail interne à ne pas montrer")

    monkeypatch.setattr(views, "etat_du_protocole", panne)
    client.raise_request_exception = False
    client.force_login(elu)
    reponse = client.get("/")
    contenu = reponse.content.decode()
    assert reponse.status_code == 500
    assert "Le service rencontre un problème" in contenu
    assert "détail interne" not in contenu
