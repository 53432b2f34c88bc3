"""Fixtures shared by every app's tests: the protocol's real facts, built by the same code as the demo."""

import pytest

DONNEES = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def donnees_reference():
    """The real INSEE/housing-ministry files beside the project (../shared/data)."""
    if not DONNEES.exists():
        pytest.fail(f"Fichiers de référence introuvables : {DONNEES}")
    return DONNEES


@pytest.fixture(autouse=True)
def cache_vide():
    """Each test starts without cached figures: its database is rolled back, not the process's cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
