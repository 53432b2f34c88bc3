"""Fixtures shared by every app's tests: the protocol's real facts, built by the same code as the demo, and one
small world of conferences, records and users of every role (tests/acteurs.py) that the modules build on."""

import pytest

from aires_urbaines.imports import REFERENTIELS as DONNEES
from tests import acteurs


@pytest.fixture
def donnees_reference():
    """The real INSEE/housing-ministry files, shipped inside the project (aires_urbaines/referentiels)."""
    return DONNEES


@pytest.fixture(autouse=True)
def cache_vide():
    """Each test starts without cached figures: its database is rolled back, not the process's cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def langue_par_defaut():
    """Each test starts in French, the default: a request in English leaves its language active in the thread
    (LocaleMiddleware activates a language per request and a server resets it with the next one; a test does not)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def pieces_jointes_temporaires(settings, tmp_path):
    """Evidence files of every test (the demo's included) go to the test's own folder, never the project's var/."""
    dossier = tmp_path / "pieces_jointes"
    settings.STORAGES = {
        **settings.STORAGES,
        "pieces_jointes": {
            "BACKEND": "partenariat.commun.fichiers.StockagePrive",
            "OPTIONS": {"location": str(dossier)},
        },
    }
    return dossier


@pytest.fixture
def monde(db):
    """Lyon's and Marseille's conferences with one record of every kind, and one user per role (acteurs.ROLES)."""
    return acteurs.construire_monde()


@pytest.fixture
def communes(monde):
    """Adds to the world a commune in each intercommunality and Paris, covered by no conference (use with `monde`)."""
    return acteurs.rattacher_communes(monde)


@pytest.fixture
def demo(db):
    """The demo's data set and accounts (elu, uesl, secretariat-lyon…), as `charger_demo` loads them."""
    from django.core.management import call_command

    call_command("charger_demo", verbosity=0)
