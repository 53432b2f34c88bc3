"""The client's address behind reverse proxies: the one login throttling counts (partenariat/commun/reseau.py)."""

import pytest
from django.test import RequestFactory

from partenariat.commun.reseau import adresse_client

NGINX = "127.0.0.1"


def requete(transmise=None, adresse_socket=NGINX):
    en_tetes = {} if transmise is None else {"HTTP_X_FORWARDED_FOR": transmise}
    return RequestFactory().get("/", REMOTE_ADDR=adresse_socket, **en_tetes)


@pytest.fixture
def derriere_nginx(settings):
    settings.BEHIND_PROXY = True
    settings.NOMBRE_PROXYS = 1
    return settings


@pytest.mark.parametrize(
    ("transmise", "attendue"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client's own claims stand left of what nginx appended.
        ("127.0.0.9, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.1,192.0.2.44,203.0.113.7", "203.0.113.7"),
        ("  203.0.113.7  ", "203.0.113.7"),
        ("2001:DB8::1", "2001:db8::1"),
        ("192.0.2.1, ::ffff:203.0.113.7", "203.0.113.7"),
        # Not an address: the socket's peer, never a string the client chose.
        ("nimporte-quoi", NGINX),
        ("203.0.113.7, ", NGINX),
        ("192.0.2.1, 203.0.113.7:4431", NGINX),
        ("192.0.2.1, 203.0.113.300", NGINX),
        ("' OR 1=1 --", NGINX),
        ("", NGINX),
    ],
)
def test_un_proxy(derriere_nginx, transmise, attendue):
    assert adresse_client(requete(transmise)) == attendue


def test_sans_en_tete_l_adresse_de_la_connexion(derriere_nginx):
    assert adresse_client(requete(adresse_socket="198.51.100.5")) == "198.51.100.5"


@pytest.mark.parametrize(
    ("transmise", "attendue"),
    [
        # Load balancer, then nginx: nginx appended the balancer's address after the client's.
        ("127.0.0.9, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        ("203.0.113.7, 10.0.0.2", "203.0.113.7"),
        # Shorter than the proxies counted: the left-most entry, as DRF's NUM_PROXIES counts it.
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8::7, 2001:db8::2", "2001:db8::7"),
    ],
)
def test_plusieurs_proxys(derriere_nginx, transmise, attendue):
    derriere_nginx.NOMBRE_PROXYS = 2
    assert adresse_client(requete(transmise)) == attendue


def test_sans_proxy_l_en_tete_est_ignore(settings):
    """Without a proxy that writes it, X-Forwarded-For is whatever the client sent."""
    settings.BEHIND_PROXY = False
    assert adresse_client(requete("203.0.113.7", adresse_socket="198.51.100.5")) == "198.51.100.5"


def test_zero_proxy_l_en_tete_est_ignore(derriere_nginx):
    derriere_nginx.NOMBRE_PROXYS = 0
    assert adresse_client(requete("203.0.113.7", adresse_socket="198.51.100.5")) == "198.51.100.5"


def test_reglages_absents_sans_proxy(settings):
    """Until the settings name it, the function behaves as without a proxy."""
    del settings.BEHIND_PROXY
    del settings.NOMBRE_PROXYS
    assert adresse_client(requete("203.0.113.7", adresse_socket="198.51.100.5")) == "198.51.100.5"


def test_adresse_ipv6_de_la_connexion(derriere_nginx):
    assert adresse_client(requete("pas une adresse", adresse_socket="::1")) == "::1"


def test_l_en_tete_d_un_pair_qui_n_est_pas_le_proxy_est_ignore(derriere_nginx):
    """A client reaching the server directly cannot choose its address by sending the header itself."""
    assert adresse_client(requete("203.0.113.7", adresse_socket="198.51.100.20")) == "198.51.100.20"
    derriere_nginx.PROXYS_DE_CONFIANCE = ["10.0.0.5"]
    assert adresse_client(requete("203.0.113.7", adresse_socket="10.0.0.5")) == "203.0.113.7"
    assert adresse_client(requete("203.0.113.7", adresse_socket=NGINX)) == NGINX


def test_le_debit_anonyme_de_l_api_compte_la_meme_adresse(derriere_nginx):
    from partenariat.api.authentification import DebitAnonyme

    assert DebitAnonyme().get_ident(requete("127.0.0.9, 203.0.113.7")) == "203.0.113.7"
    assert DebitAnonyme().get_ident(requete("203.0.113.7", adresse_socket="198.51.100.20")) == "198.51.100.20"
