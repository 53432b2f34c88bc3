"""The count of alerts in the navigation: the person's own count, kept a few minutes, at a constant cost."""

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partenariat.alertes.services import alertes_de, nb_alertes, suivre
from tests import fabriques
from tests.acteurs import connecte, utilisateur

PASTILLE = re.compile(r'class="pastille-nav">([^<]+)<')


def pastille(client):
    trouve = PASTILLE.search(client.get("/").content.decode())
    return trouve.group(1).replace("\u202f", "").replace("\xa0", "") if trouve else None


def donnees(nombre, debut=1):
    fabriques.protocole()
    phase = fabriques.phase()
    for i in range(debut, debut + nombre):
        aire = fabriques.aire(code=f"{i:03d}")
        fabriques.entree(aire, phase, datetime.date(2013, 1, 1))
        fabriques.objectif(aire, annee=2014)
    return phase


def test_la_navigation_compte_les_alertes_de_la_personne(db):
    donnees(3)
    uesl = utilisateur("uesl-nav", "Équipe UESL")
    elu = utilisateur("elu-nav", "Élus")
    assert pastille(connecte(Client(), uesl)) == str(len(alertes_de(uesl)))
    client_elu = connecte(Client(), elu)
    assert pastille(client_elu) is None  # nothing followed: no alert, no badge
    from aires_urbaines.models import AireUrbaine

    suivre(elu, aire=AireUrbaine.objects.get(code="001"))  # following refreshes the count at once
    assert pastille(client_elu) == str(len(alertes_de(elu))) != "0"


def test_le_decompte_est_garde_quelques_minutes(db):
    donnees(2)
    uesl = utilisateur("uesl-nav", "Équipe UESL")
    client = connecte(Client(), uesl)
    client.get("/")
    with CaptureQueriesContext(connection) as seconde:
        client.get("/")
    assert not any(
        "engagements_objectif" in q["sql"] and "aires_urbaines_entreephase" in q["sql"]
        for q in seconde.captured_queries
    )


def test_cout_constant_quand_les_donnees_croissent(db):
    donnees(3)
    uesl = utilisateur("uesl-nav", "Équipe UESL")
    comptes = []
    for ajout in (0, 60):
        if ajout:
            donnees(ajout, debut=100)
        from django.core.cache import cache

        cache.clear()
        personne = type(uesl).objects.get(pk=uesl.pk)  # its roles read again, as on a new request
        with CaptureQueriesContext(connection) as requetes:
            nb = nb_alertes(personne)
        comptes.append(len(requetes.captured_queries))
    assert nb >= 120
    assert comptes[0] == comptes[1] <= 16, comptes
