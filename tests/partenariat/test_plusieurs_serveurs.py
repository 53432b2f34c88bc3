"""Several server processes sharing one Redis cache, as behind a load balancer: real gunicorn processes, a real
redis-server of the test's own, the demo in a database file of the test's own.

A write through one server is seen at once on the pages of the other; with Redis stopped the pages still answer,
uncached; the readiness check answers 503 when the database is down.
"""

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.partenariat.nginx import port_libre

RACINE = Path(__file__).resolve().parents[2]
MOT_DE_PASSE = "demo-partenariat"


def exiger(programme):
    chemin = shutil.which(programme)
    if chemin is None:
        if os.environ.get("CI"):
            pytest.fail(f"{programme} est requis (paquet Debian redis-server).")
        pytest.skip(f"{programme} absent : test des serveurs multiples ignoré hors CI.")
    return chemin


class Redis:
    def __init__(self, dossier):
        self.programme = exiger("redis-server")
        self.port = port_libre()
        self.dossier = dossier
        self.processus = None

    def demarrer(self):
        self.processus = subprocess.Popen(
            [self.programme, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dossier,
            stdout=subprocess.DEVNULL,
        )
        attendre(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close())

    def arreter(self):
        self.processus.terminate()
        self.processus.wait(timeout=10)

    def cles(self):
        import redis

        return [cle.decode() for cle in redis.Redis(port=self.port).keys("*")]


def attendre(sonde, delai=30):
    fin = time.monotonic() + delai
    while True:
        try:
            return sonde()
        except (OSError, requests.RequestException, AssertionError):
            if time.monotonic() > fin:
                raise
            time.sleep(0.2)


def lancer_serveur(env, journal):
    port = port_libre()
    processus = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "partenariat/gunicorn.conf.py", "partenariat.wsgi"],
        cwd=RACINE,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    attendre(lambda: requests.get(url + "/sante/", timeout=2).raise_for_status())
    return processus, url


def environnement(base, redis_port=None):
    env = {
        **os.environ,
        "DATABASE_URL": base,
        "SECRET_KEY": "serveurs-multiples-test",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_ENABLED": "0",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    if redis_port:
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    return env


@pytest.fixture(scope="module")
def deux_serveurs(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("serveurs")
    redis_ = Redis(dossier)
    redis_.demarrer()
    fichier = dossier / "base.sqlite3"
    env = environnement(f"sqlite:///{fichier}", redis_.port)
    env["PIECES_JOINTES_DIR"] = str(dossier / "pieces_jointes")
    for commande in (["migrate", "-v", "0"], ["charger_demo", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *commande], cwd=RACINE, env=env, check=True, capture_output=True)
    journal = open(dossier / "serveurs.log", "w")  # noqa: SIM115 (kept open for the servers' lifetime)
    serveurs = [lancer_serveur(env, journal) for _ in range(2)]
    try:
        yield redis_, [url for _, url in serveurs], fichier
    finally:
        for processus, _ in serveurs:
            processus.terminate()
            processus.wait(timeout=30)
        journal.close()
        if redis_.processus.poll() is None:
            redis_.arreter()


def session(url, username):
    client = requests.Session()
    client.get(url + "/comptes/connexion/", timeout=10)
    reponse = client.post(
        url + "/comptes/connexion/",
        data={"username": username, "password": MOT_DE_PASSE, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": url + "/comptes/connexion/"},
        allow_redirects=False,
        timeout=10,
    )
    assert reponse.status_code == 302, reponse.text[:500]
    return client


def realisations_du_tableau_de_bord(client, url):
    page = client.get(url + "/?en_attente=1", timeout=30)
    assert page.status_code == 200
    valeur = re.search(
        r'<span class="carte-valeur">([^<]+)</span> <span class="carte-libelle">réalisations validées ou en attente',
        page.text,
    )
    return int(re.sub(r"\D", "", valeur.group(1)))


def objectif_ouvert(fichier):
    """An objective of a year still open, from the demo's database file."""
    with sqlite3.connect(fichier) as base:
        return base.execute(
            "SELECT o.id, o.annee FROM engagements_objectif o WHERE o.annee NOT IN "
            "(SELECT annee FROM engagements_clotureannee) ORDER BY o.id LIMIT 1"
        ).fetchone()


def test_une_ecriture_sur_un_serveur_se_voit_aussitot_sur_l_autre(deux_serveurs):
    redis_, (url_a, url_b), fichier = deux_serveurs
    lecteur_b = session(url_b, "elu")
    avant = realisations_du_tableau_de_bord(lecteur_b, url_b)
    # The national figures are in the shared cache, where the other server reads them.
    assert any("avancement-national:provisoire" in cle for cle in redis_.cles())

    saisie_a = session(url_a, "uesl")
    objectif, annee = objectif_ouvert(fichier)
    formulaire = f"{url_a}/objectifs/{objectif}/realisations/ajouter/"
    saisie_a.get(formulaire, timeout=10)
    reponse = saisie_a.post(
        formulaire,
        data={
            "date": f"{annee}-03-01",
            "quantite": "7",
            "commentaire": "saisie sur le serveur A",
            "csrfmiddlewaretoken": saisie_a.cookies["csrftoken"],
        },
        headers={"Referer": formulaire},
        allow_redirects=False,
        timeout=30,
    )
    assert reponse.status_code == 302, reponse.text[:2000]

    assert realisations_du_tableau_de_bord(lecteur_b, url_b) == avant + 1
    assert realisations_du_tableau_de_bord(session(url_a, "elu"), url_a) == avant + 1


def test_redis_arrete_les_pages_repondent_encore(deux_serveurs):
    redis_, urls, _fichier = deux_serveurs
    lecteurs = [session(url, "elu") for url in urls]
    attendus = [realisations_du_tableau_de_bord(lecteur, url) for lecteur, url in zip(lecteurs, urls, strict=True)]
    redis_.arreter()
    try:
        for lecteur, url, attendu in zip(lecteurs, urls, attendus, strict=True):
            for page in ("/", "/aires/", "/objectifs/", "/conferences/"):
                assert lecteur.get(url + page, timeout=10).status_code == 200, page
            assert realisations_du_tableau_de_bord(lecteur, url) == attendu
            pret = requests.get(url + "/sante/pret/", timeout=10)
            # Still ready: a server without its cache is slower, not broken.
            assert pret.status_code == 200
            assert pret.json()["cache"]["etat"] == "indisponible"
    finally:
        redis_.demarrer()
    assert all(requests.get(url + "/sante/pret/", timeout=10).json()["cache"]["etat"] == "ok" for url in urls)


def test_sante_pret_503_quand_la_base_est_injoignable(tmp_path):
    # A PostgreSQL address where nothing listens: the process starts and answers, but cannot serve.
    env = environnement(f"postgres://postgres@127.0.0.1:{port_libre()}/absente")
    with open(tmp_path / "serveur.log", "w") as journal:
        processus, url = lancer_serveur(env, journal)
        try:
            assert requests.get(url + "/sante/", timeout=10).json() == {"etat": "ok"}
            debut = time.monotonic()
            reponse = requests.get(url + "/sante/pret/", timeout=10)
            assert time.monotonic() - debut < 5  # within a balancer's timeout, not the pool's 10 s
            assert reponse.status_code == 503
            corps = reponse.json()
            assert corps["etat"] == "indisponible"
            assert corps["base"]["etat"] == "erreur"
            assert corps["file_de_taches"]["etat"] == "non vérifiée"
        finally:
            processus.terminate()
            processus.wait(timeout=30)


def test_journal_json_avec_l_identifiant_de_la_requete(tmp_path):
    import json

    env = environnement(f"sqlite:///{tmp_path / 'vide.sqlite3'}")
    env.update(JOURNAL_JSON="1", LOG_LEVEL="WARNING", GUNICORN_ACCESSLOG="-", BEHIND_PROXY="1")
    chemin = tmp_path / "serveur.log"
    with open(chemin, "w") as journal:
        processus, url = lancer_serveur(env, journal)
        try:
            donne = requests.get(url + "/page-absente/", headers={"X-Request-ID": "a1b2c3d4e5f6"}, timeout=10)
            # A value that would break a hand-built JSON line: a quote, a backslash.
            genere = requests.get(url + "/autre-page-absente/", headers={"X-Forwarded-For": 'x"\\y'}, timeout=10)
        finally:
            processus.terminate()
            processus.wait(timeout=30)
    assert donne.status_code == 404 and donne.headers["X-Request-ID"] == "a1b2c3d4e5f6"
    identifiant = genere.headers["X-Request-ID"]
    assert re.fullmatch("[0-9a-f]{32}", identifiant)
    lignes = [json.loads(ligne) for ligne in chemin.read_text().splitlines() if ligne.startswith("{")]
    application = [ligne for ligne in lignes if ligne.get("journal") == "django.request"]
    assert {(ligne["niveau"], ligne["request_id"]) for ligne in application} == {
        ("WARNING", "a1b2c3d4e5f6"),
        ("WARNING", identifiant),
    }
    assert "Not Found: /page-absente/" in {ligne["message"] for ligne in application}
    # gunicorn's access log: one JSON object per request, with the same id, whatever the client sent.
    acces = {ligne["requete"].split()[1]: ligne for ligne in lignes if "requete" in ligne}
    assert acces["/page-absente/"]["request_id"] == "a1b2c3d4e5f6"
    assert acces["/autre-page-absente/"]["request_id"] == identifiant
    assert acces["/autre-page-absente/"]["client"] == 'x"\\y'
    assert acces["/page-absente/"]["statut"] == 404


def test_sans_proxy_l_identifiant_du_client_n_est_pas_repris(tmp_path):
    env = environnement(f"sqlite:///{tmp_path / 'vide.sqlite3'}")
    with open(tmp_path / "serveur.log", "w") as journal:
        processus, url = lancer_serveur(env, journal)
        try:
            reponse = requests.get(
                url + "/sante/", headers={"X-Request-ID": "identifiant-forge-par-le-client"}, timeout=10
            )
        finally:
            processus.terminate()
            processus.wait(timeout=30)
    assert re.fullmatch("[0-9a-f]{32}", reponse.headers["X-Request-ID"])
