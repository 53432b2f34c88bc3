""".venv/bin/python tests/load/capacite.py --instances 1 --paliers 50,100,150,200,250,300 --duree-palier 60

Capacity test (locust) behind nginx, and fault runs: how many users before the pages' p95 exceeds 300 ms?

Other runs: `--instances 2` (two gunicorn instances behind nginx); `--panne gunicorn|redis|postgresql` (one run at a
fixed load, 100 users for 90 s, the fault at 30 s). Once before: `tests/load/preparer_base.sh` builds the load
database `partenariat_charge` (full France, 50,000 objectives, 500,000 achievements); each run applies the code's
migrations to it and empties the task queue left by an earlier run.

Topology, on loopback only, started here and stopped at the end (also on Ctrl-C, SIGTERM or error): nginx (Debian's,
run unprivileged with `tests/load/nginx-capacite.conf`; static files from STATIC_ROOT), 1 or 2 gunicorn instances
(3 sync workers each by default, `--workers`: on these 2 cores 3 kept up with 150 users where 2 queued to seconds;
at most 2 pooled PostgreSQL connections per worker, `--pool`), a private redis-server on its own port (never the
machine's 6379), the task worker (`manage.py db_worker`), all on the machine's PostgreSQL. The users are locust users
(`tests/load/locustfile.py`) run in this process: they share the machine's 2 cores with the servers, and their CPU
is shown with the rest.

Each step ramps up to its number of users (15 s, and until every user is signed in), then measures only the steady
part (`--duree-palier` seconds): requests/s, p50 and p95 of the pages (reports apart: a PDF is a wait of seconds,
shown in its own columns), errors of any kind, and CPU by process group in percent of one core ("reste de la
machine": other people's work on the same machine, to tell a clean measurement from a noisy one). The run stops
after two steps in a row above 300 ms or with errors, and gives the capacity: the largest step at p95 <= 300 ms with
no error; the pages of the last step are then detailed. Every acknowledged write (an achievement whose save was
confirmed by the redirect) is then looked up in the database.

Fault runs: `gunicorn` kills one instance (master and workers, SIGKILL, as in a crash; needs 2 instances): only the
requests in flight may fail, then nginx sends everything to the other one. `redis` stops the private Redis, waits
3 s and starts it again. `postgresql` restarts the machine's PostgreSQL (`pg_ctlcluster ... restart -m fast`); it
serves other tests too, so run it sparingly. Each prints the errors and when they happened, the pages' p95 before,
during and after, and the writes acknowledged against the rows found.
"""

# ruff: noqa: E402
# locust runs on gevent: patch the standard library before anything else imports it.
from gevent import monkey

monkey.patch_all()

import argparse
import contextlib
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import gevent
from locust import events
from locust.env import Environment
from locust.log import setup_logging
from locust.stats import StatsEntry

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locustfile

RACINE = Path(__file__).resolve().parents[2]
VENV = RACINE / ".venv" / "bin"
CONF_NGINX = Path(__file__).resolve().parent / "nginx-capacite.conf"
BASE = os.environ.get("BASE_CHARGE", "partenariat_charge")
SEUIL_P95_MS = 300
TICK = os.sysconf("SC_CLK_TCK")
COEURS = os.cpu_count() or 1


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql):
    return locustfile.requete_sql(sql)


def psql_admin(sql):
    """The same on the maintenance database (the load database may not exist yet)."""
    sortie = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql], capture_output=True, text=True
    ).stdout
    return [ligne for ligne in sortie.splitlines() if ligne]


def get(port, chemin, entetes=None, delai=3.0):
    """(status, headers, body) of one GET on loopback, or (0, {}, b"") if the server does not answer."""
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=delai)
    try:
        connexion.request("GET", chemin, headers=entetes or {})
        reponse = connexion.getresponse()
        return reponse.status, dict(reponse.getheaders()), reponse.read()
    except OSError:
        return 0, {}, b""
    finally:
        connexion.close()


# --- CPU by process group, from /proc ---------------------------------------------------------------------------


def temps_cpu(pid, enfants=True):
    """utime + stime of one process in ticks, plus cutime + cstime (its children that ended) unless `enfants` is
    false."""
    try:
        with open(f"/proc/{pid}/stat") as fichier:
            champs = fichier.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in champs[11 : 15 if enfants else 13])
    except (OSError, IndexError, ValueError):
        return 0


def descendants(pid):
    resultat = []
    try:
        taches = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return resultat
    for tache in taches:
        try:
            with open(f"/proc/{pid}/task/{tache}/children") as fichier:
                enfants = [int(e) for e in fichier.read().split()]
        except OSError:
            continue
        for enfant in enfants:
            resultat += [enfant, *descendants(enfant)]
    return resultat


def temps_arbre(pid):
    """CPU of a process and all its live descendants, ended ones included: a recycled gunicorn worker still counts."""
    if pid is None:
        return 0
    return sum(temps_cpu(p) for p in [pid, *descendants(pid)])


def processus_postgres():
    """{pid: cmdline} of the machine's PostgreSQL server processes, read from /proc (psql clients are left out)."""
    resultat = {}
    for nom in os.listdir("/proc"):
        if not nom.isdigit():
            continue
        try:
            with open(f"/proc/{nom}/cmdline", "rb") as fichier:
                ligne = fichier.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ligne.startswith(("postgres", "/usr/lib/postgresql")):
            resultat[int(nom)] = ligne
    return resultat


class SuiviPostgres:
    """CPU of PostgreSQL's processes, followed pid by pid every second: backends come and go (a recycled gunicorn
    worker closes its pool, a restart replaces them all), and the time of one that ended would otherwise be lost or
    land in the postmaster's children time. Split into the load database's backends and the rest of the server
    (other databases: other people's tests, autovacuum, checkpointer...)."""

    def __init__(self):
        self.vus = {}  # pid -> ticks at the last reading
        self.cumul = {"charge": 0, "autres": 0}
        self.relever(compter=False)
        self.greenlet = gevent.spawn(self.boucle)

    def relever(self, compter=True):
        for pid, ligne in processus_postgres().items():
            ticks = temps_cpu(pid, enfants=False)
            if compter:
                self.cumul["charge" if f" {BASE} " in ligne else "autres"] += max(0, ticks - self.vus.get(pid, 0))
            self.vus[pid] = ticks

    def boucle(self):
        while True:
            gevent.sleep(1)
            self.relever()

    def arreter(self):
        self.greenlet.kill()


def cpu_machine():
    with open("/proc/stat") as fichier:
        valeurs = [int(v) for v in fichier.readline().split()[1:]]
    return sum(valeurs[:3]) + sum(valeurs[5:8])  # user nice system, irq softirq steal


class Banc:
    """The servers of the test: started by `demarrer`, all stopped (and the temporary folder removed) by `arreter`."""

    def __init__(self, instances, workers, pool):
        self.instances, self.workers, self.pool = instances, workers, pool
        self.dossier = Path(tempfile.mkdtemp(prefix="capacite-"))
        # nginx started as root serves with "nobody" workers: they must reach their temp and static folders.
        self.dossier.chmod(0o755)
        self.port_nginx = port_libre()
        self.port_redis = port_libre()
        self.ports_gunicorn = [port_libre() for _ in range(instances)]
        self.gunicorn = []  # Popen, one per instance (None once killed)
        self.redis = self.nginx = self.travailleur = None
        self.cpu_gunicorn_tue = 0
        self.postgres = None  # SuiviPostgres, from the first CPU sample on
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BASE}",
            "SECRET_KEY": "capacite-locale-" + uuid.uuid4().hex,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "AXES_ENABLED": "0",
            "BEHIND_PROXY": "1",
            "SECURE_HTTPS": "0",
            "REDIS_URL": f"redis://127.0.0.1:{self.port_redis}/0",
            "DB_POOL_MAX": str(pool),
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESSLOG": "/dev/null",
        }

    def lancer(self, nom, commande, env=None):
        # Its own process group: a fault or the clean-up reaches the master and its workers at once.
        with open(self.dossier / f"{nom}.log", "ab") as journal:
            return subprocess.Popen(
                commande,
                cwd=RACINE,
                env=env or self.env,
                stdout=journal,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def demarrer_redis(self):
        self.redis = self.lancer(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port_redis),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.dossier),
            ],
        )
        self.attendre(lambda: self.redis_repond(), 10, "redis")

    def redis_repond(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port_redis), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def demarrer(self):
        sortie = subprocess.run(
            [
                str(VENV / "python"),
                "-c",
                "import django; django.setup(); from django.conf import settings; "
                "print(settings.STATIC_ROOT); print(settings.STATIC_URL)",
            ],
            cwd=RACINE,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "partenariat.settings"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        static_root, static_url = sortie[-2], "/" + sortie[-1].strip("/") + "/"
        # The load database follows the code (it was built once by preparer_base.sh), then the static files.
        for commande in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [str(VENV / "python"), "manage.py", *commande, "-v", "0"], cwd=RACINE, env=self.env, check=True
            )
        # Tasks left queued by an earlier run (its worker stopped with it) would be rendered first, for minutes,
        # and weigh on this run: every run starts with an empty queue.
        restes = psql(
            "WITH supprimees AS (DELETE FROM django_tasks_database_dbtaskresult WHERE status = 'READY' RETURNING 1) "
            "SELECT count(*) FROM supprimees"
        )
        if restes and restes[0] != "0":
            print(f"file de tâches : {restes[0]} tâches d'une passe précédente retirées")
        self.demarrer_redis()
        for i, port in enumerate(self.ports_gunicorn, start=1):
            self.gunicorn.append(
                self.lancer(
                    f"gunicorn-{i}",
                    [str(VENV / "gunicorn"), "-c", "partenariat/gunicorn.conf.py", "partenariat.wsgi"],
                    env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                )
            )
        self.travailleur = self.lancer("travailleur", [str(VENV / "python"), "manage.py", "db_worker"])
        prefixe = self.dossier / "nginx"
        (prefixe / "temp").mkdir(parents=True)
        serveurs = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.ports_gunicorn
        )
        conf = (
            CONF_NGINX.read_text()
            .replace("{{SERVEURS}}", serveurs)
            .replace("{{PORT}}", str(self.port_nginx))
            .replace("{{TEMP}}", str(prefixe / "temp"))
            .replace("{{STATIC_URL}}", static_url)
            .replace("{{STATIC_ROOT}}", static_root.rstrip("/"))
        )
        (prefixe / "nginx.conf").write_text(conf)
        self.journal_nginx = self.dossier / "nginx-erreurs.log"
        self.nginx = self.lancer(
            "nginx",
            [
                "/usr/sbin/nginx",
                "-p",
                str(prefixe),
                "-c",
                str(prefixe / "nginx.conf"),
                "-e",
                str(self.journal_nginx),
                "-g",
                f"daemon off; pid {prefixe / 'nginx.pid'}; error_log {self.journal_nginx} warn;",
            ],
        )
        for i, port in enumerate(self.ports_gunicorn):
            self.attendre(lambda port=port: self.pret(port), 120, f"gunicorn {i + 1}", self.gunicorn[i])
        self.attendre(lambda: get(self.port_nginx, "/comptes/connexion/")[0] == 200, 30, "nginx", self.nginx)
        self.verifier_nginx(static_url)

    def pret(self, port):
        """The readiness endpoint if the app has it, the sign-in page otherwise."""
        statut = get(port, "/sante/pret/")[0]
        if statut == 404:
            statut = get(port, "/comptes/connexion/")[0]
        return statut == 200

    def attendre(self, condition, delai, nom, processus=None):
        fin = time.monotonic() + delai
        while time.monotonic() < fin:
            if processus is not None and processus.poll() is not None:
                raise RuntimeError(f"{nom} s'est arrêté au démarrage (code {processus.returncode}) : {self.dossier}")
            if condition():
                return
            time.sleep(0.5)
        raise RuntimeError(f"{nom} ne répond pas après {delai} s")

    def verifier_nginx(self, static_url):
        statut, entetes, corps = get(self.port_nginx, "/comptes/connexion/", {"Accept-Encoding": "gzip"})
        identifiant = entetes.get("X-Request-ID", "absent")
        compression = entetes.get("Content-Encoding", "non compressée")
        if compression == "gzip":
            corps = gzip.decompress(corps)
        liens = re.findall(rf'(?:href|src)="({re.escape(static_url)}[^"]+\.css)"', corps.decode(errors="replace"))
        ligne = f"nginx : page {statut} ({compression}, X-Request-ID {identifiant})"
        if liens:
            s, e, _ = get(self.port_nginx, liens[0], {"Accept-Encoding": "gzip"})
            ligne += f", statique {liens[0]} {s} ({e.get('Content-Encoding', 'non compressé')})"
        print(ligne)

    def etat_final(self):
        """What /sante/pret/ says at the end (database, task queue, cache), and whether the task worker still runs."""
        statut, _, corps = get(self.port_nginx, "/sante/pret/", delai=10)
        travailleur = "en marche" if self.travailleur.poll() is None else f"arrêté (code {self.travailleur.returncode})"
        try:
            etat = json.loads(corps)
            taches = etat.get("file_de_taches", {})
            base, cache = etat.get("base", {}).get("etat"), etat.get("cache", {}).get("etat")
            resume = (
                f"base {base}, tâches en attente {taches.get('en_attente', '?')} "
                f"(la plus ancienne depuis {taches.get('attente_max_s', '?')} s), cache {cache}"
            )
        except (ValueError, AttributeError):
            resume = "pas de réponse JSON"
        print(f"état final : /sante/pret/ {statut} ({resume}) ; travailleur de tâches {travailleur}")

    def tuer_gunicorn(self, i):
        """Crash of one instance: SIGKILL to its master and workers at once (its process group)."""
        processus = self.gunicorn[i]
        self.cpu_gunicorn_tue += temps_arbre(processus.pid)  # its CPU up to now still counts in the group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(processus.pid, signal.SIGKILL)
        processus.wait()
        self.gunicorn[i] = None

    def arreter_redis(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.redis.pid, signal.SIGTERM)
        try:
            self.redis.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.redis.pid, signal.SIGKILL)
            self.redis.wait()

    def arreter(self):
        if self.postgres is not None:
            self.postgres.arreter()
        for processus in [self.nginx, *self.gunicorn, self.travailleur, self.redis]:
            if processus is None or processus.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(processus.pid, signal.SIGTERM)
        for processus in [self.nginx, *self.gunicorn, self.travailleur, self.redis]:
            if processus is None:
                continue
            try:
                processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(processus.pid, signal.SIGKILL)
                processus.wait()
        shutil.rmtree(self.dossier, ignore_errors=True)

    def extraits_journaux(self, n=6):
        """The last error lines of the servers' logs (printed when requests failed)."""
        for journal in sorted(self.dossier.glob("*.log")):
            lignes = [
                ligne
                for ligne in journal.read_text(errors="replace").splitlines()
                if re.search(r"error|exception|critical|timeout|refused|upstream", ligne, re.I)
            ]
            if lignes:
                print(f"  {journal.name} ({len(lignes)} lignes d'erreur), dernières :")
                for ligne in lignes[-n:]:
                    print(f"    {ligne[:200]}")

    # CPU of each group, in ticks, at one instant.
    def echantillon_cpu(self):
        if self.postgres is None:
            self.postgres = SuiviPostgres()
        self.postgres.relever()
        return {
            "gunicorn": self.cpu_gunicorn_tue + sum(temps_arbre(p.pid) for p in self.gunicorn if p is not None),
            "postgres (base de charge)": self.postgres.cumul["charge"],
            "postgres (autres)": self.postgres.cumul["autres"],
            "redis": temps_arbre(self.redis.pid if self.redis else None),
            "nginx": temps_arbre(self.nginx.pid),
            "travailleur": temps_arbre(self.travailleur.pid),
            # Its own threads only: the psql and pg_ctlcluster it runs are not locust's work.
            "locust (ce processus)": temps_cpu(os.getpid(), enfants=False),
            "machine": cpu_machine(),
        }


def ecart_cpu(avant, apres, duree):
    """Percent of one core used by each group between two samples; "reste" is everything else on the machine."""
    resultat = {}
    for nom in avant:
        delta = apres[nom] - avant[nom]
        resultat[nom] = delta / TICK / duree * 100 if delta >= 0 else None
    connus = sum(v for n, v in resultat.items() if n != "machine" and v is not None)
    resultat["reste de la machine"] = max(0.0, (resultat["machine"] or 0) - connus)
    return resultat


def ligne_cpu(cpu):
    morceaux = [f"{nom} {'n/d' if v is None else f'{v:.0f}'}" for nom, v in cpu.items() if nom != "machine"]
    machine = cpu["machine"]
    return f"CPU (% d'un cœur) : {', '.join(morceaux)} ; machine {machine:.0f} sur {COEURS * 100}"


class Mesure:
    """locust in this process, and the failures with the instant they happened."""

    def __init__(self, port, sans_rapports):
        classes = [locustfile.Elu, locustfile.Personnel]
        if not sans_rapports:
            classes.insert(1, locustfile.EluRapports)
        self.env = Environment(user_classes=classes, host=f"http://127.0.0.1:{port}", events=events)
        self.runner = self.env.create_local_runner()
        self.debut = time.monotonic()
        self.echecs = []  # (seconds since `debut`, method, name, message)
        self.durees = []  # (seconds since `debut`, ms) of the pages, to compare before, during and after a fault
        self.env.events.request.add_listener(self.noter)
        self.env.events.test_start.fire(environment=self.env)

    def noter(self, request_type, name, response_time, exception=None, **_kwargs):
        if name not in locustfile.NOMS_RAPPORTS and not name.endswith("(hors palier)"):
            self.durees.append((time.monotonic() - self.debut, response_time))
        if exception is not None:
            self.echecs.append((time.monotonic() - self.debut, request_type, name, str(exception)[:120]))

    def monter(self, utilisateurs, montee):
        """Ramp up to `utilisateurs` in `montee` seconds, then wait until all of them are signed in."""
        actuels = self.runner.user_count
        self.runner.start(utilisateurs, spawn_rate=max(1.0, (utilisateurs - actuels) / montee))
        time.sleep(montee)
        fin = time.monotonic() + 60
        while time.monotonic() < fin and (
            self.runner.user_count < utilisateurs or locustfile.CONNECTES[0] < utilisateurs
        ):
            time.sleep(0.5)
        time.sleep(3)  # let the burst of sign-ins (slow password hashing) settle

    def remettre_a_zero(self):
        self.env.stats.reset_all()
        self.debut = time.monotonic()
        self.echecs = []
        self.durees = []

    def resultats(self, duree):
        pages, rapports = StatsEntry(self.env.stats, "pages", ""), {}
        for (nom, methode), entree in self.env.stats.entries.items():
            if nom in locustfile.NOMS_RAPPORTS:
                rapports[(nom, methode)] = entree
            elif not nom.endswith("(hors palier)"):
                pages.extend(entree)
        prets = [e for (nom, _), e in rapports.items() if nom == locustfile.NOM_RAPPORT_PRET]
        pret = StatsEntry(self.env.stats, "prêt", "")
        for entree in prets:
            pret.extend(entree)
        # Real requests only: "rapport prêt" is a wait made of polls already counted.
        total = self.env.stats.total
        requetes = total.num_requests - pret.num_requests
        return {
            "requetes": requetes,
            "debit": requetes / duree,
            "p50": pages.get_response_time_percentile(0.5) if pages.num_requests else float("nan"),
            "p95": pages.get_response_time_percentile(0.95) if pages.num_requests else float("nan"),
            "erreurs": total.num_failures,
            "rapports": pret.num_requests,
            "rapport_p50": pret.get_response_time_percentile(0.5) if pret.num_requests else None,
            "rapport_p95": pret.get_response_time_percentile(0.95) if pret.num_requests else None,
            "par_page": sorted(
                (
                    nom,
                    methode,
                    e.num_requests,
                    e.get_response_time_percentile(0.5),
                    e.get_response_time_percentile(0.95),
                )
                for (nom, methode), e in self.env.stats.entries.items()
                if e.num_requests and not nom.endswith("(hors palier)")
            ),
            "exemples": [
                f"{e.occurrences} × {e.method} {e.name} : {str(e.error)[:100]}"
                for e in sorted(self.env.stats.errors.values(), key=lambda e: -e.occurrences)[:5]
            ],
        }

    def arreter(self):
        self.runner.quit()


def format_ms(valeur):
    return "—" if valeur is None else f"{valeur / 1000:.1f} s" if valeur >= 10000 else f"{valeur:.0f} ms"


ENTETE = f"{'utilisateurs':>12} {'req/s':>7} {'p50':>7} {'p95':>7} {'erreurs':>8}   rapports (n, p50, p95 prêt)"


def ligne_palier(utilisateurs, r):
    rapport = f"{r['rapports']}, {format_ms(r['rapport_p50'])}, {format_ms(r['rapport_p95'])}" if r["rapports"] else "0"
    return (
        f"{utilisateurs:>12} {r['debit']:>7.1f} {r['p50']:>4.0f} ms {r['p95']:>4.0f} ms {r['erreurs']:>8}   {rapport}"
    )


def imprimer_par_page(r):
    for nom, methode, n, p50, p95 in r["par_page"]:
        print(f"  {methode:>10} {nom:55s} {n:5d} {format_ms(p50):>8} {format_ms(p95):>8}")


def verifier_ecritures(marque):
    acquittees = set(locustfile.ECRITURES_ACQUITTEES)
    trouvees = set(psql(f"SELECT commentaire FROM engagements_realisation WHERE commentaire LIKE '{marque}-%'"))
    perdues = acquittees - trouvees
    # Saved although the user saw an error (the answer was lost after the commit): not lost, but worth knowing.
    sans_acquittement = trouvees - acquittees
    print(
        f"écritures acquittées {len(acquittees)}, trouvées en base {len(trouvees & acquittees)}, "
        f"perdues {len(perdues)}"
        + (f" (ex. {sorted(perdues)[:3]})" if perdues else "")
        + f" ; enregistrées sans acquittement {len(sans_acquittement)}"
    )
    return len(perdues)


def capacite(banc, mesure, options):
    paliers = [int(p) for p in options.paliers.split(",")]
    print(
        f"\n== Capacité : {options.instances} instance(s) gunicorn × {options.workers} workers, paliers {paliers}, "
        f"{options.montee:.0f} s de montée puis {options.duree_palier:.0f} s mesurées"
    )
    lignes, echecs_de_suite, capacite_atteinte = [], 0, None
    for utilisateurs in paliers:
        mesure.monter(utilisateurs, options.montee)
        mesure.remettre_a_zero()
        avant = banc.echantillon_cpu()
        time.sleep(options.duree_palier)
        apres = banc.echantillon_cpu()
        r = mesure.resultats(options.duree_palier)
        cpu = ecart_cpu(avant, apres, options.duree_palier)
        lignes.append((utilisateurs, r, cpu))
        print(ENTETE if len(lignes) == 1 else "", end="\n" if len(lignes) == 1 else "")
        print(ligne_palier(utilisateurs, r))
        print(f"{'':>12} {ligne_cpu(cpu)}")
        for exemple in r["exemples"]:
            print(f"{'':>12} erreur : {exemple}")
        reussi = r["p95"] <= options.seuil and r["erreurs"] == 0
        if reussi:
            echecs_de_suite = 0
            if capacite_atteinte is None or utilisateurs > capacite_atteinte:
                capacite_atteinte = utilisateurs
        else:
            echecs_de_suite += 1
            if echecs_de_suite >= 2:
                print(f"{'':>12} deux paliers de suite au-delà de {options.seuil} ms ou avec erreurs : arrêt")
                break
    print("\nRécapitulatif")
    print(ENTETE)
    for utilisateurs, r, _cpu in lignes:
        print(ligne_palier(utilisateurs, r))
    for utilisateurs, _r, cpu in lignes:
        print(f"{utilisateurs:>12} {ligne_cpu(cpu)}")
    utilisateurs, r, _cpu = lignes[-1]
    print(f"par page au palier de {utilisateurs} utilisateurs (n, p50, p95) :")
    imprimer_par_page(r)
    if capacite_atteinte is None:
        print(f"capacité : moins de {paliers[0]} utilisateurs à p95 ≤ {options.seuil} ms sans erreur")
    else:
        print(f"capacité : {capacite_atteinte} utilisateurs à p95 ≤ {options.seuil} ms sans erreur")
    if any(r["erreurs"] for _, r, _ in lignes):
        banc.extraits_journaux()
    return capacite_atteinte


def pg_ctlcluster_restart():
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(x) for x in re.findall(r"\d+", v)])[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
    )
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return True
        time.sleep(0.5)
    return False


def panne(banc, mesure, options):
    print(
        f"\n== Panne « {options.panne} » : {options.utilisateurs} utilisateurs, {options.duree:.0f} s, "
        f"panne à t={options.instant_panne:.0f} s ({options.instances} instance(s) × {options.workers} workers)"
    )
    mesure.monter(options.utilisateurs, options.montee)
    mesure.remettre_a_zero()
    avant = banc.echantillon_cpu()
    time.sleep(options.instant_panne)
    t0 = time.monotonic() - mesure.debut
    if options.panne == "gunicorn":
        banc.tuer_gunicorn(0)
        detail = "instance 1 tuée (SIGKILL du maître et de ses workers)"
    elif options.panne == "redis":
        banc.arreter_redis()
        time.sleep(3)
        banc.demarrer_redis()
        detail = "redis arrêté, 3 s d'attente, redémarré"
    else:
        pret = pg_ctlcluster_restart()
        detail = "PostgreSQL redémarré (-m fast), " + ("pg_isready : prêt" if pret else "pg_isready : PAS prêt")
    t1 = time.monotonic() - mesure.debut
    print(f"t={t0:.1f} s → t={t1:.1f} s : {detail}")
    time.sleep(max(0.0, options.duree - (time.monotonic() - mesure.debut)))
    apres = banc.echantillon_cpu()
    r = mesure.resultats(options.duree)
    print(ENTETE)
    print(ligne_palier(options.utilisateurs, r))
    print(f"{'':>12} {ligne_cpu(ecart_cpu(avant, apres, options.duree))}")
    print("par page (n, p50, p95) :")
    imprimer_par_page(r)
    periodes = [
        ("avant la panne", lambda t: t < t0),
        ("de la panne à +15 s", lambda t: t0 <= t < t1 + 15),
        ("ensuite", lambda t: t >= t1 + 15),
    ]
    morceaux = []
    for nom, dedans in periodes:
        durees = sorted(ms for t, ms in mesure.durees if dedans(t))
        if durees:
            morceaux.append(f"{nom} {format_ms(durees[int(0.95 * (len(durees) - 1))])} ({len(durees)} requêtes)")
    print("p95 des pages : " + ", ".join(morceaux))
    echecs = sorted(mesure.echecs)
    if echecs:
        premier, dernier = echecs[0][0], echecs[-1][0]
        print(
            f"erreurs : {len(echecs)}, de t={premier:.1f} s à t={dernier:.1f} s "
            f"(indisponibilité vue par les utilisateurs {dernier - premier:.1f} s), "
            f"dont hors de [panne − 1 s, fin de la panne + 15 s] : "
            f"{sum(1 for e in echecs if not t0 - 1 <= e[0] <= t1 + 15)}"
        )
        par_seconde = Counter(int(e[0]) for e in echecs)
        print("  par seconde : " + ", ".join(f"t={s} s : {n}" for s, n in sorted(par_seconde.items())))
        for (methode, nom, message), n in Counter((e[1], e[2], e[3]) for e in echecs).most_common(6):
            print(f"  {n} × {methode} {nom} : {message}")
    else:
        print("erreurs : 0")
    if options.panne == "gunicorn":
        refus = [
            ligne
            for ligne in banc.journal_nginx.read_text(errors="replace").splitlines()
            if "upstream" in ligne or "no live upstreams" in ligne
        ]
        print(f"journal de nginx : {len(refus)} lignes sur l'amont" + (f", ex. : {refus[0][:160]}" if refus else ""))
    if echecs:
        banc.extraits_journaux()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--instances", type=int, choices=[1, 2], help="instances gunicorn (1 ; 2 pour --panne gunicorn)"
    )
    parser.add_argument("--workers", type=int, default=3, help="workers par instance gunicorn (défaut 3)")
    parser.add_argument("--pool", type=int, default=2, help="connexions PostgreSQL au plus par worker (DB_POOL_MAX)")
    parser.add_argument("--paliers", default="50,100,150,200,250,300", help="utilisateurs de chaque palier")
    parser.add_argument("--duree-palier", type=float, default=60.0, help="secondes mesurées par palier")
    parser.add_argument("--montee", type=float, default=15.0, help="secondes de montée avant chaque palier")
    parser.add_argument("--seuil", type=float, default=SEUIL_P95_MS, help="p95 visé des pages, en ms")
    parser.add_argument("--panne", choices=["none", "gunicorn", "redis", "postgresql"], default="none")
    parser.add_argument("--utilisateurs", type=int, default=100, help="charge fixe d'une passe avec panne")
    parser.add_argument("--duree", type=float, default=90.0, help="durée mesurée d'une passe avec panne (s)")
    parser.add_argument("--instant-panne", type=float, default=30.0, help="secondes avant la panne")
    parser.add_argument("--sans-rapports", action="store_true", help="sans les lecteurs de rapports PDF")
    options = parser.parse_args()
    if options.instances is None:
        options.instances = 2 if options.panne == "gunicorn" else 1
    if options.panne == "gunicorn" and options.instances < 2:
        parser.error("la panne gunicorn demande --instances 2 (l'autre instance prend le relais)")

    setup_logging("WARNING")
    os.environ["CAPACITE_PILOTE"] = "1"
    if not psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{BASE}'") or _objectifs() < 50000:
        print(f"base {BASE} absente ou incomplète : lancez d'abord tests/load/preparer_base.sh")
        return 2
    marque = f"capacite-{uuid.uuid4().hex[:8]}"
    locustfile.configurer(marque, locustfile.objectifs_de_charge(), locustfile.conferences_de_charge())

    # Ctrl-C and SIGTERM end the run through the `finally` below (also when started in the background, where
    # SIGINT is ignored by default).
    principal = gevent.getcurrent()
    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, lambda: principal.throw(KeyboardInterrupt()))
    banc = Banc(options.instances, options.workers, options.pool)
    mesure = None
    try:
        banc.demarrer()
        print(
            f"banc : nginx 127.0.0.1:{banc.port_nginx} → gunicorn {banc.ports_gunicorn} "
            f"({options.workers} workers, pool {options.pool}), redis {banc.port_redis}, travailleur de tâches"
        )
        mesure = Mesure(banc.port_nginx, options.sans_rapports)
        if options.panne == "none":
            capacite(banc, mesure, options)
        else:
            panne(banc, mesure, options)
        mesure.arreter()
        mesure = None
        time.sleep(1)  # writes in flight when the users stopped
        verifier_ecritures(marque)
        banc.etat_final()
    except KeyboardInterrupt:
        print("\ninterrompu : arrêt des serveurs")
        return 130
    finally:
        if mesure is not None:
            with contextlib.suppress(Exception):
                mesure.arreter()
        banc.arreter()
    return 0


def _objectifs():
    lignes = psql("SELECT count(*) FROM engagements_objectif")
    return int(lignes[0]) if lignes else 0


if __name__ == "__main__":
    sys.exit(main())
