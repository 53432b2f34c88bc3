"""Backup and restore for real: `deploiement/sauvegarder` on the test database holding the demo, then
`deploiement/restaurer` into a new database and files folder, compared figure by figure, row count by row count,
byte by byte. A corrupted backup, or a target database that already has tables, is refused and leaves nothing.
`--remplacer` swaps the restored database in and keeps the replaced one renamed, or leaves it untouched when the
restore fails, and empties the Redis cache. The password of DATABASE_URL (and REDIS_URL) never reaches a command
line: shims first in PATH record every client tool's arguments.

PostgreSQL only (pg_dump reads the test database, whose rows must be committed: transactional tests). Each run
restores into a database of its own, named with a uuid (workers of pytest-xdist run side by side) and dropped after,
with those named after it (`<name>_avant_…`, `<name>_restauration_…`).
"""

import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from engagements.avancement import EtatRealisation
from engagements.models import Realisation
from engagements.services import valider_realisation
from partenariat.models import NaturePiece
from partenariat.pieces_jointes import joindre_piece
from tests.partenariat import fichiers_types as types

RACINE = Path(__file__).resolve().parents[2]
SAUVEGARDER = RACINE / "deploiement" / "sauvegarder"
RESTAURER = RACINE / "deploiement" / "restaurer"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="sauvegarde et restauration : PostgreSQL seulement"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="outils clients de PostgreSQL absents (pg_dump)"),
    pytest.mark.django_db(transaction=True),
]

# What a fresh process reads from a database (no cache carried over): national figures on past dates and today,
# validated and provisional, the rows of every model, and each evidence file's fingerprint read from storage.
LECTURE = """
import datetime, hashlib, json
from django.apps import apps
from django.utils import timezone
from engagements.avancement import avancement_national
from partenariat.models import PieceJointe

dates = [datetime.date(2013, 12, 31), datetime.date(2014, 9, 30), timezone.localdate()]
chiffres = {f"{au}:{provisoire}": avancement_national(au, provisoire) for au in dates for provisoire in (False, True)}
comptes = {modele._meta.label: modele._base_manager.count() for modele in apps.get_models(include_auto_created=True)}
fichiers = {}
for piece in PieceJointe.objects.order_by("pk"):
    with piece.fichier.open("rb") as contenu:
        fichiers[piece.fichier.name] = hashlib.sha256(contenu.read()).hexdigest()
print(json.dumps({"chiffres": chiffres, "comptes": comptes, "fichiers": fichiers}, default=str, sort_keys=True))
"""


# A password for servers that accept any (trust authentication, as in development): percent-encoded characters,
# a backslash and "secret-de-test", looked for in every command line. The test database's own, if it has one.
MOT_DE_PASSE = connection.settings_dict["PASSWORD"] or "secret-de-test:é@/%\\n"


def url_de(nom, mot_de_passe=None):
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "postgres", safe="")
    mot_de_passe = mot_de_passe or reglages["PASSWORD"]
    if mot_de_passe:
        identifiants += ":" + quote(mot_de_passe, safe="")
    return f"postgres://{identifiants}@{reglages['HOST'] or 'localhost'}:{reglages['PORT'] or 5432}/{nom}"


def environnement(database_url, pieces_jointes_dir):
    env = {
        cle: valeur
        for cle, valeur in os.environ.items()
        if cle not in {"REDIS_URL", "PIECES_JOINTES_S3_BUCKET", "DJANGO_ENV"}
    }
    env.update(
        DATABASE_URL=database_url,
        PIECES_JOINTES_DIR=str(pieces_jointes_dir),
        SECRET_KEY="x",
        DEBUG="0",
        DB_POOL="0",
        PYTHON=sys.executable,
    )
    return env


def executer(commande, env):
    return subprocess.run(
        [str(partie) for partie in commande], cwd=RACINE, env=env, capture_output=True, text=True, timeout=600
    )


def lire(database_url, pieces_jointes_dir):
    resultat = executer(
        [sys.executable, "manage.py", "shell", "-c", LECTURE], environnement(database_url, pieces_jointes_dir)
    )
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def base_existe(nom):
    with connection.cursor() as curseur:
        curseur.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [nom])
        return curseur.fetchone()[0] == 1


def psql(nom, sql):
    resultat = subprocess.run(
        ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url_de(nom), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip()


def bases_de(nom):
    """The database and those named after it (`<nom>_avant_…`, `<nom>_restauration_…`)."""
    noms = psql("postgres", f"SELECT datname FROM pg_database WHERE datname LIKE '{nom}%' ORDER BY datname")
    return noms.split() if noms else []


def sauvegarder(pieces_jointes_dir, destination):
    resultat = executer(
        [SAUVEGARDER, destination], environnement(url_de(connection.settings_dict["NAME"]), pieces_jointes_dir)
    )
    assert resultat.returncode == 0, resultat.stderr
    (dossier,) = [chemin for chemin in destination.iterdir() if not chemin.name.startswith(".")]
    return dossier, resultat.stdout


@pytest.fixture
def base_neuve():
    """The name of a database that does not exist yet, dropped after the test whatever happened, with those named
    after it by `restaurer --remplacer`."""
    nom = f"test_restauration_{uuid.uuid4().hex[:12]}"
    yield nom
    for base in bases_de(nom):
        subprocess.run(
            ["dropdb", "--if-exists", "--force", f"--maintenance-db={url_de('postgres')}", base],
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def base_restauree(pieces_jointes_temporaires, base_neuve, tmp_path):
    """A backup of the test database, restored into a new database which then gets a table of its own (a witness
    of the replaced database): the backup's folder, the new database's name and its files folder."""
    dossier, _ = sauvegarder(pieces_jointes_temporaires, tmp_path / "sauvegardes")
    restaurees = tmp_path / "pieces_jointes_restaurees"
    resultat = executer([RESTAURER, dossier], environnement(url_de(base_neuve), restaurees))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    psql(base_neuve, "CREATE TABLE temoin (valeur text); INSERT INTO temoin VALUES ('avant le remplacement')")
    return dossier, base_neuve, restaurees


def outils_espionnes(dossier, outils):
    """A folder to put first in PATH, with one shim per tool: it appends its command line to `arguments.log`,
    the passwords it is given through the environment to `mots_de_passe.log`, then runs the real tool."""
    dossier.mkdir()
    arguments, mots_de_passe = (shlex.quote(str(dossier / nom)) for nom in ("arguments.log", "mots_de_passe.log"))
    for outil in outils:
        reel = shutil.which(outil)
        assert reel, outil
        chemin = dossier / outil
        chemin.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\n" "{outil} $*" >>{arguments}\n'
            f'printf "%s\\n" "${{PGPASSWORD-}}${{REDISCLI_AUTH-}}" >>{mots_de_passe}\n'
            f'exec {shlex.quote(reel)} "$@"\n'
        )
        chemin.chmod(0o755)
    return dossier


@pytest.fixture
def source(demo, pieces_jointes_temporaires):
    """The demo with one more achievement validated through the service, and its evidence file deposited."""
    User = get_user_model()
    realisation = Realisation.objects.filter(etat=EtatRealisation.SOUMISE, objectif__aire__code="002").first()
    valider_realisation(realisation, User.objects.get(username="uesl"), realisation.version, "Vu en conférence")
    contenu = types.pdf() + b"%% justificatif de la sauvegarde\n"
    piece = joindre_piece(
        realisation,
        NaturePiece.JUSTIFICATIF,
        SimpleUploadedFile("Justificatif été.pdf", contenu),
        User.objects.get(username="admin"),
    )
    return pieces_jointes_temporaires, piece.fichier.name, contenu


def test_une_sauvegarde_restauree_donne_les_memes_chiffres_lignes_et_fichiers(source, base_neuve, tmp_path):
    pieces_jointes, nom, contenu = source
    url_source = url_de(connection.settings_dict["NAME"])
    avant = lire(url_source, pieces_jointes)
    assert avant["chiffres"][f"{datetime.date(2013, 12, 31)}:False"]["nb_realisations"] > 0
    assert avant["comptes"]["engagements.Realisation"] > 0
    assert avant["fichiers"][nom] == hashlib.sha256(contenu).hexdigest()

    dossier, sortie = sauvegarder(pieces_jointes, tmp_path / "sauvegardes")
    assert sorted(chemin.name for chemin in dossier.iterdir()) == [
        "SHA256SUMS",
        "base.dump",
        "manifeste.txt",
        "pieces_jointes.tar.gz",
    ]
    manifeste = dict(
        ligne.split("=", 1) for ligne in (dossier / "manifeste.txt").read_text().splitlines() if "=" in ligne
    )
    assert manifeste["base"] == connection.settings_dict["NAME"]
    assert int(manifeste["objectifs"]) == avant["comptes"]["engagements.Objectif"]
    assert int(manifeste["realisations"]) == avant["comptes"]["engagements.Realisation"]
    assert int(manifeste["conferences"]) == avant["comptes"]["conferences.ConferenceTerritoriale"]
    assert int(manifeste["pieces_jointes"]) == int(manifeste["fichiers"]) == len(avant["fichiers"])
    assert "Sauvegarde écrite dans" in sortie

    restaurees = tmp_path / "pieces_jointes_restaurees"
    resultat = executer([RESTAURER, dossier], environnement(url_de(base_neuve), restaurees))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "Schéma au niveau du code" in resultat.stdout
    assert "DIFFÉRENT" not in resultat.stdout
    assert "Sauvegarde restaurée et conforme" in resultat.stdout

    apres = lire(url_de(base_neuve), restaurees)
    assert apres["chiffres"] == avant["chiffres"]
    assert apres["comptes"] == avant["comptes"]
    assert apres["fichiers"] == avant["fichiers"]
    assert (restaurees / nom).read_bytes() == contenu


def test_une_sauvegarde_corrompue_est_refusee_sans_rien_creer(pieces_jointes_temporaires, base_neuve, tmp_path):
    dossier, _ = sauvegarder(pieces_jointes_temporaires, tmp_path / "sauvegardes")
    dump = dossier / "base.dump"
    octets = bytearray(dump.read_bytes())
    octets[len(octets) // 2] ^= 0xFF
    dump.write_bytes(bytes(octets))

    restaurees = tmp_path / "pieces_jointes_restaurees"
    resultat = executer([RESTAURER, dossier], environnement(url_de(base_neuve), restaurees))
    assert resultat.returncode == 1
    assert "sauvegarde corrompue" in resultat.stderr
    assert "Rien n'a été restauré" in resultat.stderr
    assert not base_existe(base_neuve)
    assert not restaurees.exists()


def test_une_base_qui_a_deja_des_tables_n_est_pas_ecrasee(pieces_jointes_temporaires, tmp_path):
    dossier, _ = sauvegarder(pieces_jointes_temporaires, tmp_path / "sauvegardes")
    nom = connection.settings_dict["NAME"]
    restaurees = tmp_path / "pieces_jointes_restaurees"
    resultat = executer([RESTAURER, dossier], environnement(url_de(nom), restaurees))
    assert resultat.returncode == 1
    assert f"la base « {nom} » existe déjà" in resultat.stderr
    assert "--remplacer" in resultat.stderr
    assert not restaurees.exists()


def test_le_mot_de_passe_de_database_url_ne_passe_pas_sur_la_ligne_de_commande(
    pieces_jointes_temporaires, base_neuve, tmp_path
):
    outils = outils_espionnes(tmp_path / "outils", ["pg_dump", "pg_restore", "psql", "createdb", "dropdb"])
    source = url_de(connection.settings_dict["NAME"], MOT_DE_PASSE) + "?sslmode=disable&application_name=sauvegarde"
    env = environnement(source, pieces_jointes_temporaires)
    env["PATH"] = f"{outils}{os.pathsep}{env['PATH']}"
    destination = tmp_path / "sauvegardes"
    resultat = executer([SAUVEGARDER, destination], env)
    assert resultat.returncode == 0, resultat.stderr
    (dossier,) = destination.iterdir()

    env.update(DATABASE_URL=url_de(base_neuve, MOT_DE_PASSE), PIECES_JOINTES_DIR=str(tmp_path / "restaurees"))
    resultat = executer([RESTAURER, dossier], env)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "Sauvegarde restaurée et conforme" in resultat.stdout

    arguments = (outils / "arguments.log").read_text()
    assert {ligne.split()[0] for ligne in arguments.splitlines()} == {"pg_dump", "pg_restore", "psql", "createdb"}
    assert "secret-de-test" not in arguments
    assert MOT_DE_PASSE not in arguments
    assert quote(MOT_DE_PASSE, safe="") not in arguments
    assert "sslmode=disable" in arguments
    # Each tool had the password, decoded, from the environment instead.
    assert set((outils / "mots_de_passe.log").read_text().split("\n")[:-1]) == {MOT_DE_PASSE}


def test_remplacer_une_base_la_garde_sous_un_autre_nom(base_restauree):
    dossier, nom, restaurees = base_restauree
    resultat = executer([RESTAURER, "--remplacer", dossier], environnement(url_de(nom), restaurees))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "DIFFÉRENT" not in resultat.stdout
    assert "Sauvegarde restaurée et conforme à la place de l'ancienne base" in resultat.stdout

    (ancienne,) = re.findall(rf"« ({nom}_avant_\d{{8}}_\d{{6}}) »", resultat.stdout.split("Restauration terminée")[1])
    assert f"dropdb --maintenance-db='{url_de('postgres')}' '{ancienne}'" in resultat.stdout
    assert bases_de(nom) == [nom, ancienne]
    # The replaced database, connections allowed again, still has its table; the restored one never had it.
    assert psql(ancienne, "SELECT valeur FROM temoin") == "avant le remplacement"
    assert psql(nom, "SELECT to_regclass('temoin') IS NULL") == "t"
    assert int(psql(nom, "SELECT count(*) FROM django_migrations")) > 0


def test_un_remplacement_qui_echoue_laisse_la_base_en_place(base_restauree):
    dossier, nom, restaurees = base_restauree
    # A dump cut in half, whose fingerprint is computed again: the checks pass, pg_restore fails part-way.
    dump = dossier / "base.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    empreintes = (dossier / "SHA256SUMS").read_text().splitlines()
    (dossier / "SHA256SUMS").write_text(
        "".join(
            f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  base.dump\n"
            if ligne.endswith("  base.dump")
            else ligne + "\n"
            for ligne in empreintes
        )
    )

    resultat = executer([RESTAURER, "--remplacer", dossier], environnement(url_de(nom), restaurees))
    assert resultat.returncode == 1, resultat.stdout + resultat.stderr
    assert "pg_restore a échoué" in resultat.stderr
    assert f"La base « {nom} » est restée telle qu'elle était." in resultat.stderr
    assert bases_de(nom) == [nom]
    assert psql(nom, "SELECT valeur FROM temoin") == "avant le remplacement"


@pytest.fixture
def redis_temporaire(tmp_path):
    """A Redis server of the test's own, with a password, on a free port: its URL."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        pytest.skip("redis-server ou redis-cli absent")
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    serveur = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--requirepass", "secret-redis"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if redis_cli(port, "PING") == "PONG":
                break
            time.sleep(0.05)
        else:
            pytest.fail("le serveur Redis du test ne répond pas")
        yield f"redis://:secret-redis@127.0.0.1:{port}/3", port
    finally:
        serveur.terminate()
        serveur.wait(timeout=10)


def redis_cli(port, *commande):
    resultat = subprocess.run(
        ["redis-cli", "-p", str(port), "-n", "3", *commande],
        env={**os.environ, "REDISCLI_AUTH": "secret-redis"},
        capture_output=True,
        text=True,
        timeout=10,
    )
    return resultat.stdout.strip()


def test_remplacer_vide_le_cache_redis(base_restauree, redis_temporaire, tmp_path):
    dossier, nom, restaurees = base_restauree
    redis_url, port = redis_temporaire
    assert redis_cli(port, "SET", "partenariat:1:chiffres", "perimes") == "OK"
    outils = outils_espionnes(tmp_path / "outils", ["redis-cli"])
    env = environnement(url_de(nom), restaurees)
    env.update(REDIS_URL=redis_url, PATH=f"{outils}{os.pathsep}{os.environ['PATH']}")

    resultat = executer([RESTAURER, "--remplacer", dossier], env)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "Cache vidé." in resultat.stdout
    assert redis_cli(port, "EXISTS", "partenariat:1:chiffres") == "0"
    arguments = (outils / "arguments.log").read_text()
    assert "FLUSHDB" in arguments
    assert "secret-redis" not in arguments


def test_remplacer_est_refuse_si_redis_ne_repond_pas(pieces_jointes_temporaires, base_neuve, tmp_path):
    dossier, _ = sauvegarder(pieces_jointes_temporaires, tmp_path / "sauvegardes")
    nom, restaurees = base_neuve, tmp_path / "pieces_jointes_restaurees"
    psql("postgres", f"CREATE DATABASE {nom}")
    psql(nom, "CREATE TABLE temoin (valeur text); INSERT INTO temoin VALUES ('avant le remplacement')")
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    env = environnement(url_de(nom), restaurees)
    env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"

    resultat = executer([RESTAURER, "--remplacer", dossier], env)
    assert resultat.returncode == 1, resultat.stdout + resultat.stderr
    assert "Redis (REDIS_URL) ne répond pas" in resultat.stderr
    assert "Rien n'a été restauré" in resultat.stderr
    assert bases_de(nom) == [nom]
    assert psql(nom, "SELECT valeur FROM temoin") == "avant le remplacement"
