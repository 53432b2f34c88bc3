"""Health endpoints for a load balancer: `/sante/` (the process answers) and `/sante/pret/` (it can serve).

Ready means the database answers and the task queue can be read: without them no page can be served, so the
server answers 503 and the balancer sends traffic elsewhere. The shared cache is reported but never makes a server
unready: with Redis down every server still answers, uncached (partenariat.commun.cache), and taking them all out
would turn a slower site into no site.
"""

import datetime
import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

journal = logging.getLogger(__name__)

# Every check runs on its own connection with these bounds: waiting for the pool (10 s) or a stuck statement would
# outlast the balancer's own timeout.
DELAI_CONNEXION_S = 2
DELAI_REQUETE_MS = 2000


def _file_de_taches_sql():
    from django_tasks_db.models import DBTaskResult

    return (
        f"SELECT COUNT(*), MIN(enqueued_at) FROM {connection.ops.quote_name(DBTaskResult._meta.db_table)} "
        "WHERE status = 'READY'"
    )


def verifier():
    """(tasks waiting, oldest enqueued) read on a connection of the check's own; raises if the database is down."""
    if connection.vendor == "postgresql":
        import psycopg

        parametres = {
            **connection.get_connection_params(),
            "connect_timeout": DELAI_CONNEXION_S,
            "options": f"-c statement_timeout={DELAI_REQUETE_MS}",
        }
        with psycopg.connect(**parametres) as connexion:
            return connexion.execute(_file_de_taches_sql()).fetchone()
    with connection.cursor() as curseur:
        curseur.execute(_file_de_taches_sql())
        return curseur.fetchone()


def verifier_cache():
    joignable = getattr(cache, "joignable", None)
    if joignable is None:
        return "ok (mémoire du processus)"
    return "ok" if joignable() else "indisponible"


def _duree(debut):
    return round((time.monotonic() - debut) * 1000, 1)


@never_cache
@require_safe
def vivant(request):
    return JsonResponse({"etat": "ok"})


@never_cache
@require_safe
def pret(request):
    """Ready or not, and why, without internals: the error's text (host, user…) goes to the log only."""
    debut = time.monotonic()
    try:
        en_attente, plus_ancienne = verifier()
    except Exception:  # any failure is the answer: logged, then reported as such
        journal.exception("Santé : base de données ou file des tâches injoignable")
        base = {"etat": "erreur", "ms": _duree(debut)}
        taches = {"etat": "non vérifiée"}
    else:
        base = {"etat": "ok", "ms": _duree(debut)}
        if isinstance(plus_ancienne, str):  # SQLite returns the UTC text Django wrote
            plus_ancienne = parse_datetime(plus_ancienne).replace(tzinfo=datetime.UTC)
        attente = round((timezone.now() - plus_ancienne).total_seconds()) if plus_ancienne else 0
        taches = {"etat": "ok", "en_attente": en_attente, "attente_max_s": attente}
    debut = time.monotonic()
    etat_cache = {"etat": verifier_cache(), "ms": _duree(debut)}
    pret_ = base["etat"] == "ok"
    return JsonResponse(
        {"etat": "ok" if pret_ else "indisponible", "base": base, "file_de_taches": taches, "cache": etat_cache},
        status=200 if pret_ else 503,
    )
