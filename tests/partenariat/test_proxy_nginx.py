"""The application behind a real nginx started from deploiement/nginx/partenariat.conf, TLS included.

The test server is the upstream; clients connect from different loopback addresses (127.0.0.2, 127.0.0.3…), so
that login throttling is checked on the address nginx saw, as in production, and never on nginx's own.
"""

import gzip
import http.client
import re
import ssl
import threading
import time
from contextlib import closing

import pytest
import requests
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.signals import request_started
from requests.adapters import HTTPAdapter

from tests import acteurs
from tests.partenariat import nginx as proxy

pytestmark = pytest.mark.django_db(transaction=True)

MOT_DE_PASSE = "demo-partenariat"
CONNEXION = "/comptes/connexion/"
# What a hashed name looks like after collectstatic (ManifestStaticFilesStorage: 12 hexadecimal digits).
CSS_HACHE = "css/essai-nginx.0123456789ab.css"
CSS_SIMPLE = "css/essai-nginx.css"
REGLE_CSS = "body { color: #1e1e1e; }\n" * 40
REGLE_PRECOMPRESSEE = "/* écrit par collectstatic */\n"


class AdresseSource(HTTPAdapter):
    """Connections opened from a chosen local address: one loopback address per simulated person."""

    def __init__(self, adresse, **kwargs):
        self.adresse = adresse
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.adresse, 0)
        super().init_poolmanager(*args, **kwargs)


class Poste:
    """A browser at one address, reaching nginx as a browser reaches it on port 443.

    Host, Origin and Referer carry no port, as on the standard port: Django compares the origin with the Host
    header, and its CSRF middleware reads CSRF_TRUSTED_ORIGINS once per server process, so the test's random port
    could not be added there.
    """

    def __init__(self, serveur, adresse):
        self.base = serveur.url
        self.origine = f"https://{serveur.hote}"
        self.session = requests.Session()
        # Nothing from the environment: REQUESTS_CA_BUNDLE would replace the test's certificate, a proxy would
        # stand between the client and nginx.
        self.session.trust_env = False
        self.session.mount("https://", AdresseSource(adresse))
        self.session.verify = str(serveur.certificat)
        self.session.headers["Host"] = serveur.hote

    def get(self, chemin, **kwargs):
        return self.session.get(self.base + chemin, allow_redirects=False, timeout=30, **kwargs)

    def post(self, chemin, donnees, **en_tetes):
        en_tetes = {"Origin": self.origine, "Referer": self.origine + chemin, **en_tetes}
        return self.session.post(self.base + chemin, data=donnees, headers=en_tetes, allow_redirects=False, timeout=30)

    def connexion(self, identifiant, mot_de_passe, **en_tetes):
        page = self.get(CONNEXION)
        assert page.status_code == 200, page.status_code
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        donnees = {"username": identifiant, "password": mot_de_passe, "csrfmiddlewaretoken": jeton}
        return self.post(CONNEXION, donnees, **en_tetes)


@pytest.fixture
def arrivees():
    """The WSGI environ of each request that reached the application."""
    vues, verrou = [], threading.Lock()

    def noter(sender, environ, **kwargs):
        with verrou:
            vues.append(dict(environ))

    request_started.connect(noter, weak=False, dispatch_uid="test_proxy_nginx")
    yield vues
    request_started.disconnect(dispatch_uid="test_proxy_nginx")


@pytest.fixture
def statiques(tmp_path):
    """STATIC_ROOT after collectstatic: a hashed file with the .gz WhiteNoise writes, and an unhashed one."""
    racine = tmp_path / "staticfiles"
    (racine / "css").mkdir(parents=True)
    (racine / CSS_HACHE).write_text(REGLE_CSS)
    # Not the gzip of the file above: only gzip_static can send this content.
    (racine / f"{CSS_HACHE}.gz").write_bytes(gzip.compress(REGLE_PRECOMPRESSEE.encode()))
    (racine / CSS_SIMPLE).write_text(REGLE_CSS)
    return racine


@pytest.fixture
def derriere_nginx(settings):
    """The application as production runs it behind one proxy (BEHIND_PROXY, NOMBRE_PROXYS=1)."""
    settings.BEHIND_PROXY = True
    settings.NOMBRE_PROXYS = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_CLIENT_IP_CALLABLE = "partenariat.commun.reseau.adresse_client"
    settings.AXES_ENABLED = True
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    return settings


@pytest.fixture
def serveur(derriere_nginx, live_server, statiques, tmp_path):
    with proxy.nginx_en_marche([f"127.0.0.1:{live_server.thread.port}"], statiques, tmp_path / "nginx") as nginx:
        yield nginx


def http_direct(base, chemin):
    """The status of a GET straight to the application, nginx left out."""
    with requests.Session() as session:
        session.trust_env = False
        return session.get(base + chemin, timeout=10).status_code


def lignes_du_journal(serveur, attendue):
    """The access log once a line holds `attendue`: nginx writes it just after the response leaves."""
    limite = time.monotonic() + 5
    while True:
        lignes = serveur.journal_acces.read_text().splitlines()
        if any(attendue in ligne for ligne in lignes) or time.monotonic() > limite:
            return lignes
        time.sleep(0.02)


def test_reference_acceptee_par_nginx_sans_avertissement(tmp_path):
    """`nginx -t` on the committed file with its own upstreams and the redirect server; only ports and paths moved."""
    proxy.exiger_outils()
    certificat, cle = proxy.certificat_autosigne(tmp_path)
    (tmp_path / "journaux").mkdir()
    http = proxy.rendre_configuration(
        ["127.0.0.1:8001", "127.0.0.1:8002"],
        proxy.port_libre(),
        tmp_path / "staticfiles",
        certificat,
        cle,
        tmp_path / "journaux",
        port_http=proxy.port_libre(),
    )
    assert "server 127.0.0.1:8002 max_fails=3 fail_timeout=10s;" in http
    verification = proxy.verifier_configuration(http, tmp_path)
    assert verification.returncode == 0, verification.stderr
    assert "test is successful" in verification.stderr
    assert "[warn]" not in verification.stderr, verification.stderr


def test_page_servie_par_l_application_compressee(serveur):
    poste = Poste(serveur, "127.0.0.2")
    page = poste.get(CONNEXION, headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert page.headers["Server"] == "nginx"
    # The application's own headers went through.
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert "Content-Encoding" not in poste.get(CONNEXION, headers={"Accept-Encoding": "identity"}).headers


def test_en_tetes_transmis_a_l_application(serveur, arrivees):
    Poste(serveur, "127.0.0.2").get(CONNEXION, headers={"X-Forwarded-For": "127.0.0.9", "X-Request-ID": "forge"})
    (environ,) = arrivees
    # nginx appends the address it saw; what the client wrote stays on the left.
    assert environ["HTTP_X_FORWARDED_FOR"] == "127.0.0.9, 127.0.0.2"
    assert environ["REMOTE_ADDR"] == "127.0.0.1"
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"
    assert environ["HTTP_HOST"] == environ["HTTP_X_FORWARDED_HOST"] == "127.0.0.1"
    # The id is nginx's, never the client's.
    assert re.fullmatch(r"[0-9a-f]{32}", environ["HTTP_X_REQUEST_ID"])
    (ligne,) = [ligne for ligne in lignes_du_journal(serveur, CONNEXION) if CONNEXION in ligne]
    assert ligne.startswith("127.0.0.2 ")
    assert f"id={environ['HTTP_X_REQUEST_ID']}" in ligne


def test_identifiant_de_requete_renvoye_par_l_application(serveur, arrivees):
    """The user's report of a problem gives the id that nginx's log and the application's JSON logs share."""
    reponse = Poste(serveur, "127.0.0.2").get(CONNEXION)
    (environ,) = arrivees
    assert reponse.headers.get("X-Request-ID") == environ["HTTP_X_REQUEST_ID"]
    identifiant = f"id={reponse.headers['X-Request-ID']}"
    assert any(identifiant in ligne for ligne in lignes_du_journal(serveur, identifiant))


def test_fichier_statique_servi_par_nginx(serveur, arrivees, live_server):
    poste = Poste(serveur, "127.0.0.2")
    hache = poste.get(f"/static/{CSS_HACHE}", headers={"Accept-Encoding": "identity"})
    assert hache.status_code == 200 and hache.text == REGLE_CSS
    assert hache.headers["Content-Type"] == "text/css"
    assert hache.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hache.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in hache.headers
    # The .gz written by collectstatic, sent as it is.
    compresse = poste.get(f"/static/{CSS_HACHE}", headers={"Accept-Encoding": "gzip"})
    assert compresse.headers["Content-Encoding"] == "gzip"
    assert compresse.content.decode() == REGLE_PRECOMPRESSEE
    # A name without a hash: a short cache, compressed on the fly.
    simple = poste.get(f"/static/{CSS_SIMPLE}", headers={"Accept-Encoding": "gzip"})
    assert simple.status_code == 200 and simple.text == REGLE_CSS
    assert simple.headers["Content-Encoding"] == "gzip"
    assert simple.headers["Cache-Control"] == "max-age=3600"
    assert poste.get("/static/css/absent.0123456789ab.css").status_code == 404
    # None of it reached the application, which does not even know these files.
    assert arrivees == []
    assert http_direct(live_server.url, f"/static/{CSS_HACHE}") == 404
    lignes = [ligne for ligne in lignes_du_journal(serveur, "absent.0123456789ab.css") if "/static/" in ligne]
    assert len(lignes) == 4 and all("upstream=- " in ligne for ligne in lignes)


def test_blocage_par_identifiant_et_adresse_du_client(serveur):
    """Five wrong passwords from one address lock that address out for that user, not nginx, not a colleague."""
    acteurs.utilisateur("elu", password=MOT_DE_PASSE)
    poste = Poste(serveur, "127.0.0.2")
    # The form again after each failure; the fifth (AXES_FAILURE_LIMIT) locks.
    assert [poste.connexion("elu", "mauvais-mot-de-passe").status_code for _ in range(5)] == [200] * 4 + [429]
    bloquee = poste.connexion("elu", MOT_DE_PASSE)
    assert bloquee.status_code == 429
    assert "Connexion temporairement bloquée" in bloquee.text
    assert "sessionid" not in poste.session.cookies

    # The same user from another address signs in.
    ailleurs = Poste(serveur, "127.0.0.3")
    connectee = ailleurs.connexion("elu", MOT_DE_PASSE)
    assert connectee.status_code == 302 and connectee.headers["Location"] == "/"
    assert "sessionid" in ailleurs.session.cookies

    # A forged header does not unlock: nginx appends the real address and the application reads that one.
    forge = Poste(serveur, "127.0.0.2").connexion("elu", MOT_DE_PASSE, **{"X-Forwarded-For": "127.0.0.9"})
    assert forge.status_code == 429
    # Nor does claiming the locked address lock anyone else out.
    usurpe = Poste(serveur, "127.0.0.3").connexion("elu", MOT_DE_PASSE, **{"X-Forwarded-For": "127.0.0.2"})
    assert usurpe.status_code == 302

    tentative = AccessAttempt.objects.get(username="elu")
    assert tentative.ip_address == "127.0.0.2" and tentative.failures_since_start >= 5
    echecs = AccessFailureLog.objects.filter(username="elu")
    assert echecs.count() >= 5
    assert set(echecs.values_list("ip_address", flat=True)) == {"127.0.0.2"}
    assert set(AccessLog.objects.filter(username="elu").values_list("ip_address", flat=True)) == {"127.0.0.3"}
    for modele in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not modele.objects.filter(ip_address__in=["127.0.0.1", "127.0.0.9"]).exists()


def test_http_redirige_vers_https(serveur, arrivees):
    connexion = http.client.HTTPConnection(serveur.hote, serveur.port_http, timeout=10)
    with closing(connexion):
        connexion.request("GET", f"{CONNEXION}?suivant=1", headers={"Host": serveur.hote})
        reponse = connexion.getresponse()
    assert reponse.status == 301
    assert reponse.getheader("Location") == f"https://{serveur.hote}{CONNEXION}?suivant=1"
    assert arrivees == []


def test_sondes_de_sante_sans_ligne_de_journal(serveur, arrivees):
    poste = Poste(serveur, "127.0.0.2")
    for chemin in ("/sante/", "/sante/pret/"):
        assert poste.get(chemin).status_code == 200
    assert poste.get(CONNEXION).status_code == 200
    # Both probes reached the application, and only the page was logged.
    assert [environ["PATH_INFO"] for environ in arrivees] == ["/sante/", "/sante/pret/", CONNEXION]
    lignes = lignes_du_journal(serveur, CONNEXION)
    assert any(CONNEXION in ligne for ligne in lignes)
    assert not any("/sante/" in ligne for ligne in lignes)


def test_taille_des_envois_limitee_par_nginx(serveur, arrivees):
    """Up to 12 MB reaches the application (an evidence file of 10 MB and its form); beyond, nginx refuses alone."""
    contexte = ssl.create_default_context(cafile=str(serveur.certificat))
    connexion = http.client.HTTPSConnection(serveur.hote, serveur.port, context=contexte, timeout=30)
    with closing(connexion):
        # The declared length is enough: nginx answers before the body is sent.
        connexion.putrequest("POST", CONNEXION)
        connexion.putheader("Content-Type", "application/octet-stream")
        connexion.putheader("Content-Length", str(13 * 1024 * 1024))
        connexion.endheaders()
        assert connexion.getresponse().status == 413
    assert arrivees == []
    envoi = Poste(serveur, "127.0.0.2").post(CONNEXION, b"x" * (11 * 1024 * 1024))
    assert envoi.status_code not in {413, 502, 504}
    assert [environ["PATH_INFO"] for environ in arrivees] == [CONNEXION]


def test_instance_arretee_contournee(derriere_nginx, live_server, statiques, tmp_path):
    """One instance down (restarting): its share of requests goes to the other, and users see no error."""
    arretee = f"127.0.0.1:{proxy.port_libre()}"
    instances = [arretee, f"127.0.0.1:{live_server.thread.port}"]
    with proxy.nginx_en_marche(instances, statiques, tmp_path / "nginx", redirection=False) as nginx:
        poste = Poste(nginx, "127.0.0.2")
        assert [poste.get(CONNEXION).status_code for _ in range(4)] == [200] * 4
        assert "connect() failed (111: Connection refused)" in nginx.journal_erreurs.read_text()
