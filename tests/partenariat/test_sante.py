"""Health endpoints for a load balancer, in process (the database-down case runs a real server:
tests/partenariat/test_plusieurs_serveurs.py)."""

import pytest

from partenariat.pilotage import preparation

pytestmark = pytest.mark.django_db(transaction=True)  # the readiness check reads on a connection of its own


def test_vivant_sans_base_ni_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = client.get("/sante/")
    assert reponse.status_code == 200 and reponse.json() == {"etat": "ok"}
    assert "no-cache" in reponse["Cache-Control"]


def test_pret_compte_les_taches_en_attente(client):
    avant = client.get("/sante/pret/").json()
    assert avant["etat"] == "ok" and avant["base"]["etat"] == "ok"
    assert avant["file_de_taches"] == {"etat": "ok", "en_attente": 0, "attente_max_s": 0}
    assert avant["cache"]["etat"] == "ok (mémoire du processus)"

    preparation.demander(preparation.Genre.NATIONAL, 2013)
    apres = client.get("/sante/pret/")
    assert apres.status_code == 200
    assert apres.json()["file_de_taches"]["en_attente"] == 1
    assert apres.json()["file_de_taches"]["attente_max_s"] >= 0


def test_seules_les_lectures(client):
    assert client.post("/sante/pret/").status_code == 405
    assert client.post("/sante/").status_code == 405
