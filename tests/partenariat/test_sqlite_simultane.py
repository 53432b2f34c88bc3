"""The default database (SQLite, what `make run` serves) under simultaneous writes: writers wait their turn.

A real threaded server on its own SQLite file, ten people saving at the same instant: ten successes, ten rows
changed. Before `transaction_mode="IMMEDIATE"`, a deferred transaction that read before writing could not wait
for the lock and most of them answered 500 « database is locked ».
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
SIMULTANES = 10

PREPARATION = """
import json
from engagements.models import Realisation
# Achievements of one area: their objectives' totals are recomputed under the same locks.
realisations = Realisation.objects.filter(objectif__aire__code="002", objectif__annee=2014).order_by("pk")
print(json.dumps({"realisations": list(realisations.values_list("pk", flat=True)[:%d])}))
"""

VERIFICATION = """
import json, os
from engagements.models import Realisation
ids = json.loads(os.environ["REALISATIONS"])
print(json.dumps(sorted(Realisation.objects.filter(pk__in=ids).values_list("commentaire", flat=True))))
"""


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=RACINE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


class Navigateur:
    """One signed-in person: cookies and the CSRF token, as a browser holds them."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _SansRedirection())

    def jeton(self, chemin):
        page = self.ouvreur.open(self.base + chemin, timeout=30).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def poster(self, chemin, donnees):
        corps = urllib.parse.urlencode({**donnees, "csrfmiddlewaretoken": self.jeton(chemin)}).encode()
        requete = urllib.request.Request(self.base + chemin, data=corps, headers={"Referer": self.base + chemin})
        try:
            return self.ouvreur.open(requete, timeout=60).status
        except urllib.error.HTTPError as erreur:
            return erreur.code


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def serveur_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "1",
        "AXES_ENABLED": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "charger_demo")
    donnees = json.loads(manage(env, "shell", "-v", "0", "-c", PREPARATION % SIMULTANES).stdout)
    port = port_libre()
    serveur = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/comptes/connexion/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, env, donnees
    finally:
        serveur.terminate()
        _, erreurs = serveur.communicate(timeout=10)
        assert "database is locked" not in erreurs


def test_dix_modifications_simultanees_reussissent(serveur_sqlite):
    base, env, donnees = serveur_sqlite
    assert len(donnees["realisations"]) == SIMULTANES
    personnes = []
    for _ in range(SIMULTANES):
        personne = Navigateur(base)
        assert personne.poster("/comptes/connexion/", {"username": "uesl", "password": "demo-partenariat"}) == 302
        personnes.append(personne)
    jetons = [
        p.jeton(f"/objectifs/realisations/{pk}/modifier/")
        for p, pk in zip(personnes, donnees["realisations"], strict=True)
    ]
    depart = threading.Barrier(SIMULTANES)
    statuts = [None] * SIMULTANES

    def enregistrer(rang):
        pk = donnees["realisations"][rang]
        chemin = f"/objectifs/realisations/{pk}/modifier/"
        corps = urllib.parse.urlencode(
            {
                "date": "2014-06-15",
                "quantite": str(10 + rang),
                "commentaire": f"saisie simultanée {rang}",
                "csrfmiddlewaretoken": jetons[rang],
            }
        ).encode()
        requete = urllib.request.Request(base + chemin, data=corps, headers={"Referer": base + chemin})
        depart.wait(timeout=30)
        try:
            statuts[rang] = personnes[rang].ouvreur.open(requete, timeout=60).status
        except urllib.error.HTTPError as erreur:
            statuts[rang] = erreur.code

    fils = [threading.Thread(target=enregistrer, args=(rang,)) for rang in range(SIMULTANES)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=90)

    assert statuts == [302] * SIMULTANES
    enregistres = json.loads(
        manage(
            {**env, "REALISATIONS": json.dumps(donnees["realisations"])}, "shell", "-v", "0", "-c", VERIFICATION
        ).stdout
    )
    assert enregistres == sorted(f"saisie simultanée {rang}" for rang in range(SIMULTANES))
