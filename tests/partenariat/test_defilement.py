"""Tables in a scroll region named after their caption (partenariat/commun/templatetags/tableaux.py)."""

import re

import pytest
from django.template import engines

from tests import fabriques


def rendre(source, **contexte):
    return engines["django"].from_string("{% load tableaux %}" + source).render(contexte)


def test_la_region_porte_le_nom_de_la_legende_echappe_une_seule_fois():
    html = rendre(
        "{% defilement %}<table><caption>{{ nom }} <small>(démo)</small></caption></table>{% enddefilement %}",
        nom="Lyon & <b>Villeurbanne</b>",
    )
    assert html.startswith(
        '<div class="defilement" role="region" aria-label="Lyon &amp; &lt;b&gt;Villeurbanne&lt;/b&gt; (démo)"'
        ' tabindex="0"><table>'
    )
    assert html.endswith("</table></div>")


def test_nom_donne_ou_nom_par_defaut_sans_legende():
    assert 'aria-label="Membres"' in rendre('{% defilement "Membres" %}<table></table>{% enddefilement %}')
    assert 'aria-label="Tableau"' in rendre("{% defilement %}<table></table>{% enddefilement %}")


@pytest.mark.django_db
def test_les_listes_gardent_leurs_en_tetes_accessibles_dans_la_region(admin_client):
    fabriques.aire()
    page = admin_client.get("/aires/?sort=-population").content.decode()
    region = re.search(
        r'<div class="defilement" role="region" aria-label="Aires urbaines" tabindex="0">(.*?)</div>', page, re.S
    )
    assert region and 'aria-sort="descending"' in region.group(1) and 'scope="col"' in region.group(1)
