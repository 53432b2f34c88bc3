"""The date a page shows the partnership at: chosen in the URL (`?date=AAAA-MM-JJ`), today by default."""

import datetime

from django.contrib import messages
from django.utils import timezone


def date_de_reference(au=None):
    return au or timezone.localdate()


def lire_date(request, parametre="date"):
    """The `?date=AAAA-MM-JJ` of a request, or None; a bad date is reported in French, never a 500."""
    brute = request.GET.get(parametre, "").strip()
    if not brute:
        return None
    try:
        return datetime.date.fromisoformat(brute)
    except ValueError:
        messages.error(request, f"La date « {brute} » n'est pas valide : utilisez le format AAAA-MM-JJ.")
        return None
