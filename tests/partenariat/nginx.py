"""A real nginx started from the reference configuration (deploiement/nginx/partenariat.conf), for the tests.

The committed file is rendered by a few exact substitutions (upstream servers, ports, certificate, static folder,
log folder) and never copied: each substitution must match the reference, so a change there that the tests no
longer cover fails loudly instead of being silently left out.
"""

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
REFERENCE = RACINE / "deploiement" / "nginx" / "partenariat.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
TYPES_MIME = Path("/etc/nginx/mime.types")
# The placeholders of the reference file that the tests replace.
STATIC_REFERENCE = "/srv/partenariat/staticfiles/"
JOURNAUX_REFERENCE = "/var/log/nginx/"


def exiger_outils():
    """nginx and openssl, or a skip outside CI; under CI a missing tool is a failure, never a silent skip."""
    for chemin, paquet in ((NGINX, "nginx"), (OPENSSL, "openssl")):
        if not os.access(chemin, os.X_OK):
            if os.environ.get("CI"):
                pytest.fail(f"{paquet} est introuvable alors que CI=true : installez le paquet Debian « {paquet} ».")
            pytest.skip(f"{paquet} n'est pas installé (apt-get install {paquet}).")


def port_libre(hote="127.0.0.1"):
    with socket.socket() as sonde:
        sonde.bind((hote, 0))
        return sonde.getsockname()[1]


def certificat_autosigne(dossier):
    """A throw-away certificate for localhost and 127.0.0.1 (clients check the name against subjectAltName)."""
    dossier = Path(dossier)
    certificat, cle = dossier / "certificat.pem", dossier / "cle.pem"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        + ["-keyout", str(cle), "-out", str(certificat)],
        check=True,
        capture_output=True,
    )
    return certificat, cle


def _remplacer(texte, motif, remplacement, nombre):
    resultat, trouves = re.subn(motif, remplacement, texte, flags=re.MULTILINE)
    if trouves != nombre:
        raise AssertionError(f"{REFERENCE.name} : {trouves} occurrence(s) de {motif!r} au lieu de {nombre}")
    return resultat


def rendre_configuration(upstreams, port, static_root, certificat, cle, journaux, port_http=None, hote="127.0.0.1"):
    """The reference file (http context) with the test's addresses and paths in place of the production ones.

    `upstreams`: "host:port" of the application instances; `port`: the TLS port on `hote`; `port_http`: the port of
    the redirect server (dropped when None); `journaux`: the folder of the log files.
    """
    texte = REFERENCE.read_text()
    texte = _remplacer(texte, r"ssl_certificate /\S+;", f"ssl_certificate {certificat};", 1)
    texte = _remplacer(texte, r"ssl_certificate_key /\S+;", f"ssl_certificate_key {cle};", 1)
    texte = _remplacer(texte, re.escape(JOURNAUX_REFERENCE), f"{Path(journaux)}/", 3)
    parametres = re.search(r"^\s*server 127\.0\.0\.1:\d+( [^;]*);", texte, flags=re.MULTILINE).group(1)
    serveurs = "".join(f"    server {adresse}{parametres};\n" for adresse in upstreams)
    texte = _remplacer(texte, r"(?:^\s*server 127\.0\.0\.1:\d+ [^;]*;\n)+", serveurs, 1)
    # IPv6 may be missing on a test machine; the IPv4 lines carry the same settings.
    texte = _remplacer(texte, r"^\s*listen \[::\]:\d+.*;\n", "", 2)
    texte = _remplacer(texte, r"listen 443 ssl", f"listen {hote}:{port} ssl", 1)
    if port_http is None:
        texte = _remplacer(texte, r"^server \{\n\s*listen 80;\n(?:.*\n)*?\}\n", "", 1)
    else:
        texte = _remplacer(texte, r"listen 80;", f"listen {hote}:{port_http};", 1)
    return _remplacer(texte, re.escape(STATIC_REFERENCE), f"{Path(static_root)}/", 1)


def configuration_principale(http, dossier):
    """A main configuration around `http` (an http-context text) that a non-root nginx can run from `dossier`."""
    dossier = Path(dossier)
    temporaires = "\n".join(
        f"    {directive}_temp_path {dossier / 'tmp' / directive};"
        for directive in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would otherwise switch to an unprivileged user that cannot read pytest's private folders.
    utilisateur = ""
    if os.geteuid() == 0:
        utilisateur = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};\n"
    types = f"include {TYPES_MIME};" if TYPES_MIME.exists() else "types { text/css css; application/javascript js; }"
    return (
        f"{utilisateur}worker_processes 1;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    {types}\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {dossier / 'access.log'};\n"
        f"{temporaires}\n"
        f"{http}\n"
        "}\n"
    )


def _commande(configuration, dossier, *directives):
    """nginx run from `dossier`, its pid and error log there; `directives` are added to -g."""
    globales = " ".join((f"pid {dossier / 'nginx.pid'};", f"error_log {dossier / 'error.log'};", *directives))
    return [NGINX, "-p", f"{dossier}/", "-c", str(configuration), "-e", str(dossier / "error.log"), "-g", globales]


def ecrire_configuration(http, dossier):
    dossier = Path(dossier)
    for directive in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (dossier / "tmp" / directive).mkdir(parents=True, exist_ok=True)
    configuration = dossier / "nginx.conf"
    configuration.write_text(configuration_principale(http, dossier))
    return configuration


def verifier_configuration(http, dossier):
    """`nginx -t` on `http` wrapped in a main configuration: the completed process (output in stderr)."""
    dossier = Path(dossier)
    configuration = ecrire_configuration(http, dossier)
    return subprocess.run(
        [*_commande(configuration, dossier), "-t"],
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass
class Nginx:
    hote: str
    port: int
    port_http: int | None
    certificat: Path
    dossier: Path

    @property
    def url(self):
        return f"https://{self.hote}:{self.port}"

    @property
    def journal_acces(self):
        return self.dossier / "journaux" / "partenariat.access.log"

    @property
    def journal_erreurs(self):
        return self.dossier / "journaux" / "partenariat.error.log"


@contextmanager
def nginx_en_marche(upstreams, static_root, dossier, hote="127.0.0.1", redirection=True):
    """nginx in front of `upstreams` ("host:port"), answering on a free port of `hote`, until the block ends.

    TLS with a throw-away certificate (`Nginx.certificat` for the clients' verification, valid for localhost and
    127.0.0.1); `redirection` also starts the plain-HTTP server that redirects to HTTPS, on `Nginx.port_http`.
    """
    exiger_outils()
    dossier = Path(dossier)
    journaux = dossier / "journaux"
    journaux.mkdir(parents=True, exist_ok=True)
    certificat, cle = certificat_autosigne(dossier)
    port = port_libre(hote)
    port_http = port_libre(hote) if redirection else None
    http = rendre_configuration(upstreams, port, static_root, certificat, cle, journaux, port_http, hote)
    configuration = ecrire_configuration(http, dossier)
    sortie = (dossier / "nginx.stderr").open("w")
    processus = subprocess.Popen(
        _commande(configuration, dossier, "daemon off;"), stdout=subprocess.DEVNULL, stderr=sortie
    )
    try:
        _attendre(processus, hote, port, dossier)
        yield Nginx(hote, port, port_http, certificat, dossier)
    finally:
        processus.terminate()
        try:
            processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()
        sortie.close()


def _attendre(processus, hote, port, dossier, delai=10):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if processus.poll() is not None:
            erreurs = "".join(
                journal.read_text() for journal in (dossier / "nginx.stderr", dossier / "error.log") if journal.exists()
            )
            raise RuntimeError(f"nginx s'est arrêté au démarrage (code {processus.returncode}) :\n{erreurs}")
        try:
            with socket.create_connection((hote, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx ne répond pas sur {hote}:{port} après {delai} s")
