"""Health endpoints for a load balancer: `/sante/` (the process answers) and `/sante/pret/` (it can serve).

Ready means the database answers and the task queue can be read: without them no page can be served, so the
server answers 503 and the balancer sends traffic elsewhere. The shared cache is reported but never makes a server
unready: with Redis down every server still answers, uncached (partenariat.commun.cache), and taking them all out
would turn a slower site into no site.
"""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# The database check opens its own connection with this timeout: waiting for the pool (10 s) would outlast the
# balancer's own timeout.
DELAI_BASE = 2


def verifier_base():
    if connection.vendor == "postgresql":
        import psycopg

        parametres = {**connection.get_connection_params(), "connect_timeout": DELAI_BASE}
        with psycopg.connect(**parametres) as connexion:
            connexion.execute("SELECT 1")
    else:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")


def verifier_cache():
    joignable = getattr(cache, "joignable", None)
    if joignable is not None:
        return "ok" if joignable() else "indisponible"
    return "ok (mémoire du processus)"


def verifier_file_de_taches():
    from django_tasks_db.models import DBTaskResult

    en_attente = DBTaskResult.objects.ready()
    plus_ancienne = en_attente.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "en_attente": en_attente.count(),
        "attente_max_s": round((timezone.now() - plus_ancienne).total_seconds()) if plus_ancienne else 0,
    }


def _mesurer(verification):
    debut = time.monotonic()
    try:
        resultat = verification()
    except Exception as erreur:  # any failure is the answer: the check reports it instead of raising
        return False, {"etat": "erreur", "detail": f"{type(erreur).__name__}: {erreur}"[:300]}
    duree = round((time.monotonic() - debut) * 1000, 1)
    if isinstance(resultat, dict):
        return True, {"etat": "ok", **resultat, "ms": duree}
    return resultat != "indisponible", {"etat": resultat or "ok", "ms": duree}


@never_cache
@require_safe
def vivant(request):
    return JsonResponse({"etat": "ok"})


@never_cache
@require_safe
def pret(request):
    base_ok, base = _mesurer(verifier_base)
    if base_ok:
        taches_ok, taches = _mesurer(verifier_file_de_taches)
    else:
        taches_ok, taches = False, {"etat": "non vérifiée", "detail": "base de données injoignable"}
    _cache_ok, etat_cache = _mesurer(verifier_cache)
    pret_ = base_ok and taches_ok
    return JsonResponse(
        {"etat": "ok" if pret_ else "indisponible", "base": base, "file_de_taches": taches, "cache": etat_cache},
        status=200 if pret_ else 503,
    )
