"""Fixtures shared by every app's tests: the protocol's real facts, built by the same code as the demo."""

import pytest

from aires_urbaines.imports import REFERENTIELS as DONNEES


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
