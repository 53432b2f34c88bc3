"""Tables and charts on narrow screens: `{% defilement %}<table>…</table>{% enddefilement %}`.

The table scrolls inside its own box, never the page (WCAG 1.4.10); the box is a region named after the table's
caption and reachable with the keyboard, so that it can be scrolled without a mouse.
"""

import html
import re

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

LEGENDE = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


@register.tag
def defilement(parser, token):
    """Optional arguments: the region's name when the content has no caption, then a class of its own (a chart's
    minimum width, static/css/graphiques.css)."""
    morceaux = token.split_contents()
    nom = parser.compile_filter(morceaux[1]) if len(morceaux) > 1 else None
    classe = parser.compile_filter(morceaux[2]) if len(morceaux) > 2 else None
    contenu = parser.parse(("enddefilement",))
    parser.delete_first_token()
    return DefilementNode(contenu, nom, classe)


class DefilementNode(template.Node):
    def __init__(self, nodelist, nom, classe=None):
        # Named `nodelist` so that `{% block %}`s inside are seen by `{% extends %}` and can be overridden.
        self.nodelist = nodelist
        self.nom = nom
        self.classe = classe

    def render(self, context):
        contenu = self.nodelist.render(context)
        nom = self.nom.resolve(context) if self.nom else None
        if not nom:
            legende = LEGENDE.search(contenu)
            nom = " ".join(html.unescape(strip_tags(legende.group(1))).split()) if legende else gettext("Tableau")
        classes = " ".join(filter(None, ["defilement", self.classe.resolve(context) if self.classe else ""]))
        return format_html(
            '<div class="{}" role="region" aria-label="{}" tabindex="0">{}</div>', classes, nom, mark_safe(contenu)
        )
