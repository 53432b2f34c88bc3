"""Backup and restore for real: `deploiement/sauvegarder` on the test database holding the demo, then
`deploiement/restaurer` into a new database and files folder, compared figure by figure, row count by row count,
byte by byte. A corrupted backup, or a target database that already has tables, is refused and leaves nothing.

PostgreSQL only (pg_dump reads the test database, whose rows must be committed: transactional tests). Each run
restores into a database of its own, named with a uuid (workers of pytest-xdist run side by side) and dropped after.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
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


def url_de(nom):
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "postgres", safe="")
    if reglages["PASSWORD"]:
        identifiants += ":" + quote(reglages["PASSWORD"], safe="")
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


def sauvegarder(pieces_jointes_dir, destination):
    resultat = executer(
        [SAUVEGARDER, destination], environnement(url_de(connection.settings_dict["NAME"]), pieces_jointes_dir)
    )
    assert resultat.returncode == 0, resultat.stderr
    (dossier,) = [chemin for chemin in destination.iterdir() if not chemin.name.startswith(".")]
    return dossier, resultat.stdout


@pytest.fixture
def base_neuve():
    """The name of a database that does not exist yet, dropped after the test whatever happened."""
    nom = f"test_restauration_{uuid.uuid4().hex[:12]}"
    yield nom
    subprocess.run(
        ["dropdb", "--if-exists", "--force", f"--maintenance-db={url_de('postgres')}", nom],
        check=True,
        capture_output=True,
        timeout=60,
    )


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
