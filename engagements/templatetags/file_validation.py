"""The header's link to the validation queue carries the number of achievements waiting (one indexed count)."""

from django import template

from engagements.avancement import EtatRealisation
from engagements.models import Realisation

register = template.Library()


@register.simple_tag
def nb_a_valider():
    return Realisation.objects.filter(etat=EtatRealisation.SOUMISE).count()
