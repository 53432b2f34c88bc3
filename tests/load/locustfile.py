"""Journeys of the capacity test (locust): officials browse, staff record achievements, a few download reports.

Normally driven by `tests/load/capacite.py` (which starts the servers, steps the load and checks the writes in the
database). It also runs on its own against a server that is already up:

    .venv/bin/locust -f tests/load/locustfile.py --headless -H http://127.0.0.1:8000 -u 50 -r 5 -t 60s

Users think 2–8 s between actions (reading a page), like people. Sign-in happens once, in `on_start`, under its own
name ("connexion (hors palier)"): the runner only measures once every user of a step is signed in.

- Officials (`Elu`, account "elu") open the dashboard, lists, filters, area pages and the rollout page.
- Staff (`Personnel`, account "uesl", 1 user in 5) open an objective's "ajouter une réalisation" form and post an
  achievement whose comment is unique (`<marker>-<user>-<n>`). A write is acknowledged when the server answers the
  POST with the redirect that follows a successful save (not back to the form); acknowledged comments are kept in
  `ECRITURES_ACQUITTEES` (and appended to the file named by CAPACITE_ECRITURES, if set) so that the runner can look
  them up in the database afterwards.
- Report readers (`EluRapports`, 1 user in 20) browse like officials and now and then download the national report
  of one year or a conference's report (1 action in 10; about 3 of each per minute per 100 users). The task
  worker prepares reports: the URL answers 202 with an "en préparation" page, and the client asks again every 2 s,
  for up to 60 s, until it gets the PDF, at the address the page gives (the report it follows, so that writes made
  meanwhile do not start a newer version), or the same URL if it gives none. Each poll is an ordinary request; the
  whole wait is recorded as one more entry named "rapport prêt" (method "national" or "conférence"), a failure if
  the PDF is not ready after 60 s. A report answered at once (200 PDF) counts the same way, with one poll; a poll
  that fails (neither 202 nor the PDF) is the only error recorded for its report.
"""

import html as htmlmod
import os
import random
import re
import subprocess
import time
import uuid

from locust import FastHttpUser, between, events, task

MOT_DE_PASSE = os.environ.get("CAPACITE_MOT_DE_PASSE", "demo-partenariat")
BASE_CHARGE = os.environ.get("BASE_CHARGE", "partenariat_charge")
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
ANNEES_RAPPORT = [2013, 2014, 2015]  # the years of the 2012 protocol's period
NOM_CONNEXION = "connexion (hors palier)"
NOM_STATIQUE = "statique (hors palier)"
NOM_RAPPORT_PRET = "rapport prêt"
# Names of the report entries: the runner keeps them out of the page percentiles (a report is a download that
# takes seconds, not a page) and shows them apart.
NOMS_RAPPORTS = ("/rapports/national.pdf?annee=[année]", "/rapports/conferences/[id].pdf", NOM_RAPPORT_PRET)
ATTENTE_RAPPORT_MAX = 60.0
INTERVALLE_RAPPORT = 2.0

# Filled by the runner (`configurer`), or read from the load database on first use when locust runs on its own.
CONFIGURATION = {"marque": None, "objectifs": [], "conferences": []}
ECRITURES_ACQUITTEES = []
CONNECTES = [0]  # users signed in: the runner waits for all of them before it measures


def configurer(marque, objectifs, conferences):
    CONFIGURATION.update(marque=marque, objectifs=list(objectifs), conferences=list(conferences))
    ECRITURES_ACQUITTEES.clear()
    CONNECTES[0] = 0


def requete_sql(sql):
    """Rows of one column from the load database (psql on loopback, trust authentication)."""
    sortie = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", BASE_CHARGE, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ligne for ligne in sortie.splitlines() if ligne]


def objectifs_de_charge():
    """Objectives of five areas that the "uesl" account may add achievements to, in years that are not closed."""
    return requete_sql(
        "SELECT o.id FROM engagements_objectif o JOIN aires_urbaines_aireurbaine a ON a.id = o.aire_id "
        "WHERE a.code IN ('001','002','003','004','005') "
        "AND o.annee NOT IN (SELECT annee FROM engagements_clotureannee WHERE close) ORDER BY o.id LIMIT 200"
    )


def conferences_de_charge():
    return requete_sql("SELECT id FROM conferences_conferenceterritoriale ORDER BY id LIMIT 50")


def motif_refus(html):
    """The form's error messages (Django's errorlist), tags removed: why nothing was saved."""
    listes = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return " / ".join(re.sub(r"<[^>]+>|\s+", " ", liste).strip() for liste in listes)[:150]


def adresse_a_suivre(html, url):
    """Where the waiting page says to ask next: the report it follows (`data-url`, the address that answers the PDF
    once ready), else its refresh address, else the same URL."""
    trouve = re.search(r'id="preparation-rapport"[^>]*\bdata-url="([^"]+)"', html) or re.search(
        r'<meta http-equiv="refresh" content="[^";]*;\s*url=([^"]+)"', html
    )
    return htmlmod.unescape(trouve.group(1)) if trouve else url


@events.test_start.add_listener
def _completer_configuration(environment, **_kwargs):
    if CONFIGURATION["marque"] is None:
        configurer(f"capacite-{uuid.uuid4().hex[:8]}", objectifs_de_charge(), conferences_de_charge())


@events.quitting.add_listener
def _resumer_ecritures(environment, **_kwargs):
    if not os.environ.get("CAPACITE_PILOTE"):
        print(f"écritures acquittées : {len(ECRITURES_ACQUITTEES)} (marque {CONFIGURATION['marque']})")


class Connecte(FastHttpUser):
    """A signed-in person; subclasses say what they do."""

    abstract = True
    identifiant = "elu"
    wait_time = between(2, 8)
    network_timeout = 90.0  # a synchronous national report takes 5–10 s, more under load
    connection_timeout = 10.0

    def on_start(self):
        self.numero = uuid.uuid4().hex[:6]
        self.compteur = 0
        self.hasard = random.Random()
        for _ in range(20):
            if self.connecter():
                self.connecte = True
                CONNECTES[0] += 1
                return
            time.sleep(1)
        raise RuntimeError(f"connexion impossible pour {self.identifiant}")

    def on_stop(self):
        if getattr(self, "connecte", False):
            CONNECTES[0] -= 1

    def jeton_csrf(self):
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def connecter(self):
        with self.client.get("/comptes/connexion/", name=NOM_CONNEXION, catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")
                return False
            # A browser fetches the stylesheets and scripts once, then keeps them: served by nginx.
            statiques = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', reponse.text or ""))
        for url in sorted(statiques):
            self.client.get(url, name=NOM_STATIQUE)
        with self.client.post(
            "/comptes/connexion/",
            data={"username": self.identifiant, "password": MOT_DE_PASSE, "csrfmiddlewaretoken": self.jeton_csrf()},
            headers={"Referer": self.host + "/comptes/connexion/"},
            name=NOM_CONNEXION,
            allow_redirects=False,
            catch_response=True,
        ) as reponse:
            if reponse.status_code != 302:
                reponse.failure(f"statut {reponse.status_code}")
                return False
        return True

    def page(self, url, name=None):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code}")


class Elu(Connecte):
    weight = 15

    @task
    def parcourir(self):
        self.page(self.hasard.choice(PAGES_ELUS))


class EluRapports(Connecte):
    """An official who, besides browsing, downloads reports (about 1 action in 10)."""

    weight = 1

    @task(18)
    def parcourir(self):
        self.page(self.hasard.choice(PAGES_ELUS))

    @task(1)
    def rapport_national(self):
        annee = self.hasard.choice(ANNEES_RAPPORT)
        self.telecharger(f"/rapports/national.pdf?annee={annee}", NOMS_RAPPORTS[0], "national")

    @task(1)
    def rapport_conference(self):
        conferences = CONFIGURATION["conferences"]
        if conferences:
            pk = self.hasard.choice(conferences)
            self.telecharger(f"/rapports/conferences/{pk}.pdf", NOMS_RAPPORTS[1], "conférence")

    def telecharger(self, url, nom, genre):
        """Ask for the PDF until it is ready: 202 means "en préparation", ask again in 2 s (60 s at most)."""
        debut = time.perf_counter()
        limite = debut + ATTENTE_RAPPORT_MAX
        erreur = None
        while True:
            with self.client.get(url, name=nom, allow_redirects=False, catch_response=True) as reponse:
                type_contenu = (reponse.headers or {}).get("Content-Type", "")
                if reponse.status_code == 200 and type_contenu.startswith("application/pdf"):
                    break
                if reponse.status_code != 202:
                    # Counted once, on the poll: no "rapport prêt" entry for a report that failed.
                    reponse.failure(f"statut {reponse.status_code} ({type_contenu or 'sans type'})")
                    return
                reponse.success()  # 202: not ready yet, not an error
                url = adresse_a_suivre(reponse.text or "", url)
            if time.perf_counter() + INTERVALLE_RAPPORT > limite:
                erreur = f"rapport toujours en préparation après {ATTENTE_RAPPORT_MAX:.0f} s"
                break
            time.sleep(INTERVALLE_RAPPORT)
        self.environment.events.request.fire(
            request_type=genre,
            name=NOM_RAPPORT_PRET,
            response_time=(time.perf_counter() - debut) * 1000,
            response_length=0,
            exception=RuntimeError(erreur) if erreur else None,
            context={},
        )


class Personnel(Connecte):
    """Staff of the partner body: open an objective's form, record an achievement with a unique comment."""

    weight = 4
    identifiant = "uesl"

    @task
    def saisir_realisation(self):
        objectif = self.hasard.choice(CONFIGURATION["objectifs"])
        url = f"/objectifs/{objectif}/realisations/ajouter/"
        nom = "/objectifs/[id]/realisations/ajouter/"
        self.page(url, name=nom)
        self.compteur += 1
        commentaire = f"{CONFIGURATION['marque']}-{self.numero}-{self.compteur}"
        donnees = {
            "date": "2014-05-15",
            "quantite": str(self.hasard.randrange(1, 20)),
            "commentaire": commentaire,
            "csrfmiddlewaretoken": self.jeton_csrf(),
        }
        with self.client.post(
            url,
            data=donnees,
            headers={"Referer": self.host + url},
            name=nom,
            allow_redirects=False,
            catch_response=True,
        ) as reponse:
            destination = (reponse.headers or {}).get("Location") or ""
            if reponse.status_code == 302 and "/realisations/" not in destination:
                ECRITURES_ACQUITTEES.append(commentaire)
                if os.environ.get("CAPACITE_ECRITURES"):
                    with open(os.environ["CAPACITE_ECRITURES"], "a", encoding="utf-8") as fichier:
                        fichier.write(commentaire + "\n")
            else:
                motif = destination or motif_refus(reponse.text or "")
                reponse.failure(f"écriture non acquittée : statut {reponse.status_code} {motif}")
