"""Numbers and rates on pages and in reports, written one way everywhere, in the reader's language.

`{{ n|nombre }}` gives 12 345 in French (narrow no-break space), 12,345 in English; `{{ t|taux }}` a rate
already in percent with one decimal (87,4 % / 87.4%); both give an em dash when there is nothing to show.
"""

from django import template

from partenariat.commun import nombres

register = template.Library()

TIRET = "—"


@register.filter
def nombre(valeur):
    if valeur is None or valeur == "":
        return TIRET
    return nombres.nombre(valeur)


@register.filter
def taux(valeur):
    if valeur is None or valeur == "":
        return TIRET
    return nombres.pourcentage(valeur, 1)
