"""Typography for the PDF reports: numbers, rates, long dates, and spacing inside users' text.

Numbers are written by partenariat.commun.nombres, the one formatter of tables, charts and users' key figures
(12 345 in French, with a narrow no-break space; 12,345 in English); dates in the active language; in French,
« : » takes a no-break space, « ; ? ! % » a narrow one, so that none of them is ever left alone at the start
of a line.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from partenariat.commun import dates, nombres
from partenariat.commun.templatetags import chiffres
from partenariat.commun.templatetags.chiffres import TIRET

register = template.Library()

ESPACE_INSECABLE = "\u00a0"
ESPACE_FINE = "\u202f"

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


@register.filter
def typo_chiffres(valeur):
    """`typo` for a user's key figures: their quantities grouped as the tables group theirs (« 2 392 jeunes »)."""
    if valeur is None:
        return ""
    return mark_safe(espacer(str(escape(nombres.grouper_nombres(str(valeur))))))


@register.filter
def part(valeur):
    """A share between 0 and 1 as a whole percentage (0,62 → 62 %), written as `taux` writes rates."""
    if valeur is None or valeur == "":
        return TIRET
    return nombres.pourcentage(valeur * 100)


# The one way the product writes numbers and rates, also offered here so report templates load one library.
register.filter("nombre", chiffres.nombre)
register.filter("taux", chiffres.taux)


def date_longue_fr(jour):
    if jour is None or jour == "":
        return TIRET
    return dates.date_longue(jour)


@register.filter
def date_longue(jour):
    """27 juin 2012, 1er janvier 2013; 27 June 2012 in English (partenariat.commun.dates, the one rule)."""
    return date_longue_fr(jour)
