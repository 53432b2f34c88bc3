"""How the product writes a number and a rate: one place, through Django's localisation.

Grouping is asked for explicitly (`force_grouping`): USE_THOUSAND_SEPARATOR stays off so that years and ids never
read "2 013". The French format module (partenariat/formats/fr) groups with a narrow no-break space: 12 345,5.
"""

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
    arrondi = arrondir(valeur, decimales)
    if arrondi == 0:
        arrondi = abs(arrondi)  # never "-0"
    return number_format(arrondi, decimal_pos=decimales, force_grouping=True)


def pourcentage(valeur, decimales=0):
    """A rate already in percent, the unit of engagements.avancement: 87,4 → « 87 % » (« 87,4 % » with one decimal)."""
    # The narrow no-break space is written as itself: message extraction does not read "\u" escapes.
    # Translators: French puts a narrow no-break space before %; English writes 87.4%.
    return _("%(nombre)s %%") % {"nombre": nombre(valeur, decimales)}
