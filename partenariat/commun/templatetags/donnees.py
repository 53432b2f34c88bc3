"""Texts as their authors wrote them: `{% donnee %}{{ reunion.compte_rendu|linebreaksbr }}{% enddonnee %}`.

What people record (comments, minutes, observations) and the protocol's own text are French. On a page in another
language they are marked `lang="fr"` (WCAG 3.1.2, language of parts), so that a speech synthesiser reads them with
French pronunciation; on French pages nothing is added.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

LANGUE_DES_DONNEES = settings.LANGUAGE_CODE


@register.tag
def donnee(parser, token):
    contenu = parser.parse(("enddonnee",))
    parser.delete_first_token()
    return DonneeNode(contenu)


class DonneeNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        contenu = self.nodelist.render(context)
        langue = (get_language() or LANGUE_DES_DONNEES).split("-")[0]
        if langue == LANGUE_DES_DONNEES or not contenu.strip():
            return contenu
        return format_html('<span lang="{}">{}</span>', LANGUE_DES_DONNEES, mark_safe(contenu))
