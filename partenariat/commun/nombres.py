"""How the product writes a number and a rate: one place, through Django's localisation.

Grouping is asked for explicitly (`force_grouping`): USE_THOUSAND_SEPARATOR stays off so that years and ids never
read "2 013". The French format module (partenariat/formats/fr) groups with a narrow no-break space: 12 345,5.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def arrondir(valeur, decimales=0):
    """Round half up (87.5 → 88), as readers expect, unlike Python's banker's rounding."""
    quantum = Decimal(1).scaleb(-decimales)
    return Decimal(str(valeur)).quantize(quantum, rounding=ROUND_HALF_UP)


def nombre(valeur, decimales=0):
    """A number as the reader's language writes it, thousands grouped: 12 345 ; 1 234,3 with one decimal.

    `decimales=None` keeps the decimals the value has, no trailing zero (a size of 0,5 or 20 Mo).
    """
    if decimales is None:
        return number_format(Decimal(str(valeur)).normalize(), force_grouping=True)
    if decimales == 0 and type(valeur) is int:
        return number_format(valeur, force_grouping=True)  # nothing to round: the lists' counts, by the thousand
    arrondi = arrondir(valeur, decimales)
    if arrondi == 0:
        arrondi = abs(arrondi)  # never "-0"
    return number_format(arrondi, decimal_pos=decimales, force_grouping=True)


def pourcentage(valeur, decimales=0):
    """A rate already in percent, the unit of engagements.avancement: 87,4 → « 87 % » (« 87,4 % » with one decimal)."""
    # The narrow no-break space is written as itself: message extraction does not read "\u" escapes.
    # Translators: French puts a narrow no-break space before %; English writes 87.4%.
    return _("%(nombre)s %%") % {"nombre": nombre(valeur, decimales)}


# A whole number standing alone in a user's text: no digit, letter, decimal mark, code punctuation or opening
# parenthesis touching it (« (8214) » is a code).
_NOMBRE_DANS_LE_TEXTE = re.compile(r"(?<![\w.,/°#:(\-\u00a0\u202f])\d{4,}(?![\w.,/:\-\u00a0\u202f]?\d)(?![\w°])")


def _annee_possible(chiffres):
    return len(chiffres) == 4 and 1900 <= int(chiffres) <= 2100


def grouper_nombres(texte):
    """A user's text (key figures of an observation) with its quantities written as `nombre` writes them:
    « 2392 jeunes » → « 2 392 jeunes » beside a table's « 2 392 ». Years (1900–2100), codes and decimals stay."""
    return _NOMBRE_DANS_LE_TEXTE.sub(
        lambda m: m.group() if _annee_possible(m.group()) else nombre(int(m.group())), texte
    )
