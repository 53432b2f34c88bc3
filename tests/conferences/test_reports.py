"""The conference report: territory, members by college, meetings, programming, and its areas' figures."""

import pytest
from django.core.management import call_command

from conferences.models import ConferenceTerritoriale
from engagements.models import Objectif
from partenariat.demo import NOM_CONFERENCE_LYON
from partenariat.pilotage.reports import html_conference, render_conference_pdf
from tests.acteurs import connecte_compte
from tests.lecture_pdf import lignes_csv, nombre, sommes_csv, taux, texte_pdf
from tests.rapports import telecharger_rapport

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon(demo):
    return ConferenceTerritoriale.objects.get(nom=NOM_CONFERENCE_LYON)


def test_rapport_de_la_conference_de_lyon(client, lyon):
    connecte_compte(client, "secretariat-lyon")
    response = telecharger_rapport(client, f"/rapports/conferences/{lyon.pk}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-conference-{lyon.pk}-conference-territoriale-rhone-alpes-lyon-demo.pdf"'
    )
    texte = texte_pdf(response.content)
    assert f"Rapport d'avancement — {NOM_CONFERENCE_LYON}" in texte
    assert "Lyon (8214)" in texte  # its employment basin
    assert "002 Lyon" in texte  # its area
    assert "Collège employeurs (3)" in texte and "Collège salariés (5)" in texte
    for membre in lyon.membres.all():
        assert membre.nom in texte
    assert f"Réunions de la conférence ({nombre(lyon.reunions.count())})" in texte
    for association in lyon.associations.select_related("intercommunalite"):
        assert association.intercommunalite.nom in texte
    assert "15 novembre 2012 — dans les délais" in texte

    # Its areas' objectives: the same totals in the database, in the CSV export of each area and in the PDF.
    base = Objectif.objects.filter(aire__in=lyon.aires.all()).avec_avancement().totaux()
    export = []
    for aire in lyon.aires.all():
        export += lignes_csv(client.get(f"/objectifs/?aire={aire.code}&_export=csv"))
    assert sommes_csv(export, "Cible", "Réalisé") == (base["cible_totale"], base["realise_total"])
    ligne_aire = f"002 Lyon 2013 – aires métropolitaines en tension 12 {nombre(base['cible_totale'])}"
    assert f"{ligne_aire} {nombre(base['realise_total'])} {taux(base['taux'])}" in texte
    assert f"{nombre(base['cible_totale'])} {nombre(base['realise_total'])} {taux(base['taux'])}" in texte


def test_conference_non_installee_sans_membre(demo):
    montpellier = ConferenceTerritoriale.objects.get(nom__contains="Montpellier")
    html = html_conference(montpellier)

    assert "pas encore installée" in html
    assert "Aucun membre." in html and "Aucune réunion enregistrée." in html
    nom, contenu = render_conference_pdf(montpellier)
    assert nom.startswith(f"rapport-conference-{montpellier.pk}-") and nom.endswith(".pdf")
    assert "Montpellier" in texte_pdf(contenu)


def test_conference_inconnue_404(client, demo):
    connecte_compte(client, "uesl")
    assert client.get("/rapports/conferences/999999.pdf").status_code == 404
    assert client.get("/rapports/conferences/abc.pdf").status_code == 404


def test_commande_rapport_conference(lyon, tmp_path):
    from io import StringIO

    sortie = StringIO()
    fichier = tmp_path / "lyon.pdf"
    call_command("rapport", "conference", str(lyon.pk), "-o", str(fichier), stdout=sortie)

    assert f"Rapport écrit dans {fichier}" in sortie.getvalue()
    assert NOM_CONFERENCE_LYON in texte_pdf(fichier.read_bytes())
