"""The Redis cache tolerant of Redis being down (partenariat/commun/cache.py): a miss, never an error."""

import time

from partenariat.commun import cache as module_cache
from partenariat.commun.cache import CacheRedisTolerant
from tests.partenariat.test_plusieurs_serveurs import Redis, port_libre


def cache_vers(port):
    return CacheRedisTolerant(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}, "KEY_PREFIX": "essai"},
    )


def test_redis_injoignable_chaque_appel_est_un_defaut(caplog):
    cache = cache_vers(port_libre())
    debut = time.monotonic()
    assert cache.get("cle") is None
    assert cache.get("cle", "defaut") == "defaut"
    cache.set("cle", 1)
    assert cache.add("cle", 1) is False
    assert cache.get_or_set("calcul", lambda: 42) == 42
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("cle") is False
    assert cache.joignable() is False
    assert time.monotonic() - debut < 2  # one refused connection, then the pause: no timeout per call
    assert "Cache Redis indisponible" in caplog.text


def test_apres_la_pause_redis_revenu_sert_de_nouveau(tmp_path, monkeypatch):
    redis_ = Redis(tmp_path)
    cache = cache_vers(redis_.port)
    monkeypatch.setattr(module_cache, "PAUSE_APRES_ECHEC", 0.2)
    assert cache.get("cle", "absent") == "absent"  # not started yet
    redis_.demarrer()
    try:
        time.sleep(0.3)
        cache.set("cle", {"chiffres": [1, 2]})
        assert cache.get("cle") == {"chiffres": [1, 2]}
        assert cache.joignable() is True
    finally:
        redis_.arreter()
