"""Django's Redis cache, made optional at run time: with Redis down, every call is a miss and the page is computed.

The cache only ever holds what can be recomputed (figures checked against the database's journal, counts with a
short lifetime), so losing it costs time, never correctness. After a failure Redis is left alone for a few seconds:
a server that stopped answering must not cost every request a connection timeout.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

journal = logging.getLogger(__name__)

PAUSE_APRES_ECHEC = 5.0  # seconds


def _tolerant(defaut):
    """`defaut`: the answer when Redis cannot give one (a function of the call's arguments, or a value)."""

    def decorer(methode):
        def appel(self, *args, **kwargs):
            repli = defaut(*args, **kwargs) if callable(defaut) else defaut
            if time.monotonic() < self.indisponible_jusqu_a:
                return repli
            try:
                return methode(self, *args, **kwargs)
            except self._lib.RedisError as erreur:
                self.indisponible_jusqu_a = time.monotonic() + PAUSE_APRES_ECHEC
                journal.warning("Cache Redis indisponible, pages calculées sans cache : %s", erreur)
                return repli

        appel.__name__ = methode.__name__
        return appel

    return decorer


class ClientTolerant(RedisCacheClient):
    indisponible_jusqu_a = 0.0

    add = _tolerant(False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(None)(RedisCacheClient.set)
    touch = _tolerant(False)(RedisCacheClient.touch)
    delete = _tolerant(False)(RedisCacheClient.delete)
    get_many = _tolerant({})(RedisCacheClient.get_many)
    has_key = _tolerant(False)(RedisCacheClient.has_key)
    set_many = _tolerant(None)(RedisCacheClient.set_many)
    delete_many = _tolerant(None)(RedisCacheClient.delete_many)
    clear = _tolerant(False)(RedisCacheClient.clear)

    def joignable(self):
        """Whether Redis answers now (the readiness check), whatever the pause after a failure."""
        try:
            return bool(self.get_client(write=True).ping())
        except self._lib.RedisError:
            return False


class CacheRedisTolerant(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientTolerant

    def joignable(self):
        return self._cache.joignable()
