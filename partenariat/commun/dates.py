"""The date a page shows the partnership at (`?date=AAAA-MM-JJ`, today by default), and how a date is written."""

import datetime

from django.contrib import messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def date_de_reference(au=None):
    return au or timezone.localdate()


class DateInvalide(ValueError):
    """A `?date=` that is no AAAA-MM-JJ date; its text says so in the reader's language."""


def date_du_parametre(brute):
    """The date of a `?date=` value, None when empty; raises DateInvalide (pages show it, the API answers 400)."""
    brute = (brute or "").strip()
    if not brute:
        return None
    try:
        return datetime.date.fromisoformat(brute)
    except ValueError:
        raise DateInvalide(
            _("La date « %(date)s » n'est pas valide : utilisez le format AAAA-MM-JJ.") % {"date": brute}
        ) from None


def lire_date(request, parametre="date"):
    """The `?date=AAAA-MM-JJ` of a request, or None; a bad date is reported in the reader's language, never a 500."""
    try:
        return date_du_parametre(request.GET.get(parametre))
    except DateInvalide as erreur:
        messages.error(request, str(erreur))
        return None


def date_longue(jour):
    """27 juin 2012, 1er janvier 2013 (French writes the first of the month as an ordinal); 27 June 2012 in English."""
    if isinstance(jour, datetime.datetime):
        jour = timezone.localtime(jour).date() if timezone.is_aware(jour) else jour.date()
    if jour.day == 1:
        return date_format(jour, pgettext("date du premier du mois", r"j\e\r F Y"))
    return date_format(jour, "DATE_FORMAT")


def date_courte(jour):
    """27/06/2012."""
    return date_format(jour, "SHORT_DATE_FORMAT")
