"""French typography for the PDF reports: numbers, rates, long dates, and spacing inside users' text.

Numbers group thousands with a narrow no-break space (12 345), as the charts do, so a figure reads the same in
a table and in the chart beside it; « : » takes a no-break space, « ; ? ! % » a narrow one, so that none of
them is ever left alone at the start of a line.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from partenariat.commun import dates
from partenariat.commun.templatetags import chiffres

register = template.Library()

ESPACE_INSECABLE = "\u00a0"
ESPACE_FINE = "\u202f"
TIRET = "—"

_AVANT_DEUX_POINTS = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_AVANT_PONCTUATION = re.compile(r"[ \u00a0\u202f]+([;?!%])")
_APRES_GUILLEMET = re.compile(r"«[ \u00a0\u202f]+")
_AVANT_GUILLEMET = re.compile(r"[ \u00a0\u202f]+»")


def espacer(texte):
    """Turn the ordinary spaces before French double punctuation into no-break ones; adds no space of its own."""
    texte = _AVANT_DEUX_POINTS.sub(ESPACE_INSECABLE + ":", texte)
    texte = _AVANT_PONCTUATION.sub(ESPACE_FINE + r"\1", texte)
    texte = _APRES_GUILLEMET.sub("«" + ESPACE_INSECABLE, texte)
    return _AVANT_GUILLEMET.sub(ESPACE_INSECABLE + "»", texte)


@register.filter
def typo(valeur):
    """A user's or the code's text, escaped, then with French no-break spacing."""
    if valeur is None:
        return ""
    return mark_safe(espacer(str(escape(valeur))))


# The one way the product writes numbers and rates, also offered here so report templates load one library.
register.filter("nombre", chiffres.nombre)
register.filter("taux", chiffres.taux)


def date_longue_fr(jour):
    if jour is None or jour == "":
        return TIRET
    return dates.date_longue(jour)


@register.filter
def date_longue(jour):
    """27 juin 2012, 1er janvier 2013."""
    return date_longue_fr(jour)
