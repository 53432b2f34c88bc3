"""The area and conference pages and their PDFs show the same records, in the same order, with the same totals.

Both are built from one function (`partenariat.pilotage.contextes`); these tests read what each template received.
"""

import datetime

import pytest
from django.test.signals import template_rendered

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.pilotage.reports import html_aire, html_conference
from tests.acteurs import connecte_compte

pytestmark = pytest.mark.django_db
AU = datetime.date(2014, 6, 30)


def contexte_du_gabarit(nom, rendre):
    """The context the template `nom` was rendered with while `rendre()` ran."""
    recus = []

    def noter(sender, template, context, **kwargs):
        if template.name == nom:
            recus.append(context.flatten())

    template_rendered.connect(noter)
    try:
        rendre()
    finally:
        template_rendered.disconnect(noter)
    assert len(recus) == 1, nom
    return recus[0]


def cles(objets):
    return [objet.pk for objet in objets]


def test_la_fiche_conference_et_son_pdf_montrent_les_memes_reunions_dans_le_meme_ordre(client, demo):
    lyon = ConferenceTerritoriale.objects.get(nom__startswith="Conférence territoriale Rhône-Alpes – Lyon")
    connecte_compte(client, "elu")
    page = client.get(f"/conferences/{lyon.pk}/").context
    pdf = contexte_du_gabarit("conferences/pdf/conference.html", lambda: html_conference(lyon))

    assert cles(page["reunions"]) == cles(pdf["reunions"]) and len(page["reunions"]) > 1
    assert [r.date for r in page["reunions"]] == sorted(r.date for r in page["reunions"])
    for cle in ("associations", "observations", "aires", "objectifs"):
        assert cles(page[cle]) == cles(pdf[cle]), cle
    for cle in ("cible", "realise", "taux"):
        assert page["synthese"][cle] == pdf["synthese"][cle], cle


def test_la_fiche_aire_et_son_pdf_montrent_les_memes_conferences_et_les_memes_totaux(client, demo):
    aire = AireUrbaine.objects.get(code="002")
    connecte_compte(client, "elu")
    page = client.get(f"/aires/002/?date={AU.isoformat()}").context
    pdf = contexte_du_gabarit("aires_urbaines/pdf/aire.html", lambda: html_aire(aire, AU))

    assert cles(page["conferences"]) == cles(pdf["conferences"]) and page["conferences"]
    assert [c.etat_installation for c in page["conferences"]] == [c.etat_installation for c in pdf["conferences"]]
    for cle in ("associations", "observations", "objectifs"):
        assert cles(page[cle]) == cles(pdf[cle]), cle
    for cle in ("cible", "realise", "taux"):
        assert page["synthese"][cle] == pdf["synthese"][cle], cle
    assert (page["aire"].taux, page["aire"].realise_total) == (pdf["aire"].taux, pdf["aire"].realise_total)
