"""Load and fault test: gunicorn + PostgreSQL on the load data, 50 simulated users, then a database restart.

    tests/load/preparer_base.sh                     # once: builds the load database (full France, 50,000 objectives)
    .venv/bin/python tests/load/charge.py           # two 60 s runs; the second restarts PostgreSQL after 20 s

Traffic goes to 127.0.0.1 only; every loop is bounded in time. Users think 2–8 s between actions (reading a
page), like people.
Officials browse (dashboard, lists, filters, area pages, rollout); staff open an objective and record an
achievement. A write counts as acknowledged when the server answers its POST with the redirect that follows a
successful save; afterwards every acknowledged write is looked up in the database.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
PORT = 8100
BASE_URL = f"http://127.0.0.1:{PORT}"
MOT_DE_PASSE = "demo-partenariat"
PAGES_ELUS = [
    "/",
    "/aires/",
    "/aires/?phase=prioritaire-2013",
    "/aires/?sort=-taux&categorie=grande",
    "/aires/002/",
    "/aires/001/",
    "/objectifs/",
    "/objectifs/?statut=en_retard",
    "/objectifs/?aire=002&annee=2014",
    "/deploiement/?date=2013-06-30",
    "/conferences/",
]


class SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Utilisateur:
    def __init__(self, identifiant):
        self.cookies = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), SansRedirection())
        self.identifiant = identifiant

    def requete(self, url, donnees=None):
        corps = urllib.parse.urlencode(donnees).encode() if donnees is not None else None
        entetes = {"Referer": BASE_URL + url}
        try:
            with self.ouvreur.open(
                urllib.request.Request(BASE_URL + url, data=corps, headers=entetes), timeout=30
            ) as r:
                return r.status, r.read().decode("utf-8", "replace"), r.headers
        except urllib.error.HTTPError as erreur:
            return erreur.code, erreur.read().decode("utf-8", "replace"), erreur.headers
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return 0, "", {}

    def jeton_csrf(self):
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def connecter(self):
        self.requete("/comptes/connexion/")
        statut, _, _ = self.requete(
            "/comptes/connexion/",
            {"username": self.identifiant, "password": MOT_DE_PASSE, "csrfmiddlewaretoken": self.jeton_csrf()},
        )
        return statut == 302


class Mesures:
    def __init__(self):
        self.verrou = threading.Lock()
        self.durees = []
        self.par_page = {}  # page (ids replaced by <id>) -> durations
        self.erreurs = []  # (instant, url, statut)
        self.ecritures_acquittees = []

    def noter(self, debut_run, url, statut, duree, ok):
        with self.verrou:
            self.durees.append(duree)
            self.par_page.setdefault(re.sub(r"/\d+/", "/<id>/", url), []).append(duree)
            if not ok:
                self.erreurs.append((time.monotonic() - debut_run, url, statut))


def parcours(numero, mesures, depart, objectifs, marque):
    hasard = random.Random(numero)
    personnel = numero % 5 == 0  # 1 user in 5 is staff who records achievements
    utilisateur = Utilisateur("uesl" if personnel else "elu")
    # Sign-in (a deliberately slow password hash) happens before the measured window, as people are
    # signed in once and then work for hours.
    for _ in range(30):
        if utilisateur.connecter():
            break
        time.sleep(1)
    depart["barriere"].wait()
    debut_run, fin = depart["debut"], depart["fin"]
    time.sleep(hasard.uniform(0, 5))  # users do not all click in the same second
    compteur = 0
    while time.monotonic() < fin:
        if personnel:
            objectif = hasard.choice(objectifs)
            url = f"/objectifs/{objectif}/realisations/ajouter/"
            debut = time.monotonic()
            statut, _, _ = utilisateur.requete(url)
            mesures.noter(debut_run, url, statut, time.monotonic() - debut, statut == 200)
            compteur += 1
            commentaire = f"{marque}-{numero}-{compteur}"
            donnees = {
                "date": "2014-05-15",
                "quantite": str(hasard.randrange(1, 20)),
                "commentaire": commentaire,
                "csrfmiddlewaretoken": utilisateur.jeton_csrf(),
            }
            debut = time.monotonic()
            statut, _, entetes = utilisateur.requete(url, donnees)
            acquittee = statut == 302 and "/realisations/" not in (entetes.get("Location") or "ajouter")
            mesures.noter(debut_run, url + " [POST]", statut, time.monotonic() - debut, statut == 302)
            if acquittee:
                with mesures.verrou:
                    mesures.ecritures_acquittees.append(commentaire)
        else:
            url = hasard.choice(PAGES_ELUS)
            debut = time.monotonic()
            statut, _, _ = utilisateur.requete(url)
            mesures.noter(debut_run, url, statut, time.monotonic() - debut, statut == 200)
        time.sleep(hasard.uniform(2.0, 8.0))


def centile(valeurs, p):
    valeurs = sorted(valeurs)
    return valeurs[min(len(valeurs) - 1, int(round(p / 100 * (len(valeurs) - 1))))] if valeurs else float("nan")


def executer(nom, utilisateurs, duree, objectifs, redemarrage=None):
    marque = f"charge-{uuid.uuid4().hex[:8]}"
    mesures = Mesures()
    depart = {}

    def ouvrir_la_fenetre():
        depart["debut"] = time.monotonic()
        depart["fin"] = depart["debut"] + duree

    depart["barriere"] = threading.Barrier(utilisateurs + 1, action=ouvrir_la_fenetre)
    fils = [
        threading.Thread(target=parcours, args=(i, mesures, depart, objectifs, marque), daemon=True)
        for i in range(utilisateurs)
    ]
    for f in fils:
        f.start()
    depart["barriere"].wait(timeout=120)
    debut_run = depart["debut"]
    fenetre = None
    if redemarrage is not None:
        time.sleep(redemarrage)
        cluster = sorted(os.listdir("/etc/postgresql"))[-1]
        t0 = time.monotonic() - debut_run
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart", "-m", "fast"], check=True
        )
        fenetre = (t0, time.monotonic() - debut_run)
    for f in fils:
        f.join(timeout=duree + 60)
    durees = [d * 1000 for d in mesures.durees]
    print(f"\n== {nom} : {utilisateurs} utilisateurs, {duree} s")
    print(f"requêtes {len(durees)}, débit {len(durees) / duree:.1f}/s")
    print(f"p50 {statistics.median(durees):.0f} ms, p95 {centile(durees, 95):.0f} ms, max {max(durees):.0f} ms")
    print(f"erreurs {len(mesures.erreurs)}")
    print("par page (n, p50, p95 en ms) :")
    for page, valeurs in sorted(mesures.par_page.items()):
        ms = [d * 1000 for d in valeurs]
        print(f"  {page:55s} {len(ms):4d} {statistics.median(ms):7.0f} {centile(ms, 95):7.0f}")
    if fenetre:
        print(f"redémarrage de PostgreSQL de t={fenetre[0]:.1f} s à t={fenetre[1]:.1f} s")
        hors = [e for e in mesures.erreurs if not (fenetre[0] - 0.5 <= e[0] <= fenetre[1] + 2.0)]
        if mesures.erreurs:
            instants = [e[0] for e in mesures.erreurs]
            debut, fin = min(instants), max(instants)
            print(f"erreurs entre t={debut:.1f} s et t={fin:.1f} s (durée {fin - debut:.1f} s)")
        print(f"erreurs hors de la fenêtre du redémarrage (+2 s) : {len(hors)} {hors[:5]}")
    elif mesures.erreurs:
        print("exemples :", mesures.erreurs[:5])
    trouvees = compter_ecritures(marque)
    print(
        f"écritures acquittées {len(mesures.ecritures_acquittees)}, trouvées en base {len(trouvees)}, "
        f"perdues {len(set(mesures.ecritures_acquittees) - trouvees)}"
    )
    return mesures


def compter_ecritures(marque):
    sortie = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            os.environ["BASE_CHARGE"],
            "-tAc",
            f"SELECT commentaire FROM engagements_realisation WHERE commentaire LIKE '{marque}-%'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {ligne for ligne in sortie.splitlines() if ligne}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--utilisateurs", type=int, default=50)
    parser.add_argument("--duree", type=int, default=60)
    parser.add_argument("--redemarrage-a", type=float, default=20.0, help="secondes avant le redémarrage (2e passe)")
    options = parser.parse_args()
    os.environ.setdefault("BASE_CHARGE", "partenariat_charge")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{os.environ['BASE_CHARGE']}",
        "SECRET_KEY": "charge-locale-" + uuid.uuid4().hex,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "AXES_ENABLED": "0",
    }
    objectifs = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            os.environ["BASE_CHARGE"],
            "-tAc",
            "SELECT o.id FROM engagements_objectif o JOIN aires_urbaines_aireurbaine a ON a.id = o.aire_id "
            "WHERE a.code IN ('001','002','003','004','005') ORDER BY o.id LIMIT 200",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    subprocess.run(
        [str(RACINE / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=RACINE,
        env=env,
        check=True,
    )
    # The server's own log (tracebacks of the requests refused during the restart) goes to a file.
    journal, chemin_journal = tempfile.mkstemp(prefix="charge-serveur-", suffix=".log")
    print(f"journal du serveur : {chemin_journal}")
    serveur = subprocess.Popen(
        [str(RACINE / ".venv/bin/gunicorn"), "-c", "partenariat/gunicorn.conf.py", "partenariat.wsgi"],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    os.close(journal)  # the server holds its own copy
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE_URL + "/comptes/connexion/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        executer("Passe 1 : charge nominale", options.utilisateurs, options.duree, objectifs)
        executer(
            "Passe 2 : redémarrage de PostgreSQL",
            options.utilisateurs,
            options.duree,
            objectifs,
            redemarrage=options.redemarrage_a,
        )
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
