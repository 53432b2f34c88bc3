"""The area report: its figures are the database's and the CSV export's, hostile text stays text, 404s stay 404s."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aires_urbaines.models import AireUrbaine
from conferences.models import Observation
from engagements.models import Objectif
from engagements.services import objectifs_pour, synthese_objectifs
from partenariat.pilotage.reports import html_aire, render_aire_pdf
from tests import fabriques
from tests.acteurs import connecte_compte
from tests.lecture_pdf import lignes_csv, nombre, sommes_csv, taux, texte_pdf, une_ligne
from tests.rapports import telecharger_rapport

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Cie ; <b>gras</b>'


@pytest.fixture
def client_elu(client, demo):
    connecte_compte(client, "elu")
    return client


def test_rapport_de_lyon_telecharge_avec_les_totaux_de_la_base_et_de_l_export(client_elu):
    response = telecharger_rapport(client_elu, "/rapports/aires/002.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapport-aire-002-lyon.pdf"'
    texte = texte_pdf(response.content)
    assert "Rapport d'avancement — Lyon (aire urbaine 002)" in texte
    assert "Conférence territoriale Rhône-Alpes – Lyon (démo)" in texte

    base = Objectif.objects.filter(aire__code="002").avec_avancement().totaux()
    export = lignes_csv(client_elu.get("/objectifs/?aire=002&_export=csv"))
    assert {ligne["Code aire"] for ligne in export} == {"002"}
    assert sommes_csv(export, "Cible", "Réalisé") == (base["cible_totale"], base["realise_total"])
    assert base["cible_totale"] > 0 and base["realise_total"] > 0
    total = f"Total de l'aire {nombre(base['cible_totale'])} {nombre(base['realise_total'])} {taux(base['taux'])}"
    assert total in texte
    # Each exported objective is one row of the report, with the same target, achieved and rate.
    for ligne in export:
        attendu = f"{ligne['Année']} {ligne['Unité']} {nombre(int(ligne['Cible']))} {nombre(int(ligne['Réalisé']))}"
        assert attendu in texte, attendu


def test_le_rapport_reprend_le_calcul_de_la_page(demo):
    aire = AireUrbaine.objects.get(code="002")
    synthese = synthese_objectifs(list(objectifs_pour(aire=aire)), [2013, 2014, 2015])
    html = html_aire(aire)

    for ligne in synthese["lignes"]:
        assert f"Total {ligne.libelle.lower()}</th>" in html
        assert f'<td class="nombre">{nombre(ligne.cible)}</td><td class="nombre">{nombre(ligne.realise)}</td>' in html
    assert f'<td class="nombre total-cible">{nombre(synthese["cible"])}</td>' in html
    assert f'<td class="nombre total-realise">{nombre(synthese["realise"])}</td>' in html


def test_typographie_francaise_et_graphiques(demo):
    html = html_aire(AireUrbaine.objects.get(code="002"))

    assert "2\u202f165\u202f785 habitants" in html  # grouping with a narrow no-break space
    assert "entrée le 1er janvier 2013" in html
    assert "15 novembre 2012" in html and "27 décembre 2012" in html
    assert "Taux de réalisation global&nbsp;:" in html
    assert "\u202f%" in html and " %" not in html.split("<body>")[1].split("<svg")[0]
    assert '<html lang="fr">' in html
    # The web pages' server-drawn charts, inline: bars, progress over time, gauge.
    assert html.count('role="img"') == 3
    assert "graphique-barres" in html and "graphique-courbe" in html and "jauge-svg" in html
    assert "counter(pages)" not in html  # the page numbering lives in the stylesheet
    assert 'href="/static/css/pdf.css"' in html


def test_rapport_d_une_aire_sans_objectif_ni_conference(db):
    aire = fabriques.aire(code="900", nom="Aire sans rien")
    nom, contenu = render_aire_pdf(aire)

    assert nom == "rapport-aire-900-aire-sans-rien.pdf"
    texte = texte_pdf(contenu)
    assert "Aire sans rien" in texte
    assert "Aucun objectif n'a encore été convenu pour cette aire." in texte
    assert "Aucune conférence territoriale ne couvre cette aire." in texte


def test_texte_hostile_imprime_tel_quel(db):
    phase = fabriques.phase()
    aire = fabriques.aire(code="901", nom=HOSTILE)
    fabriques.entree(aire, phase, datetime.date(2013, 1, 1))
    conference = fabriques.conference(nom=f"Conférence {HOSTILE}", installation=datetime.date(2012, 9, 1), aires=[aire])
    objectif = fabriques.objectif(aire, cible=120, conference=conference)
    fabriques.realisation(objectif, 30, datetime.date(2013, 4, 2))
    observation = Observation.objects.create(
        conference=conference, titre=HOSTILE, date=datetime.date(2013, 5, 1), resume=f"Résumé {HOSTILE}"
    )
    observation.aires.add(aire)

    html = html_aire(aire)
    assert "<script>" not in html and "<b>gras</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html

    nom, contenu = render_aire_pdf(aire)
    assert nom == "rapport-aire-901-scriptalertxscript-cie-bgrasb.pdf"
    # French spacing turns « ; » into « ; » with a narrow no-break space: compare with plain spaces.
    texte = une_ligne(texte_pdf(contenu)).replace("\u202f", " ").replace("\xa0", " ")
    assert HOSTILE in texte
    assert f"Résumé {HOSTILE}" in texte


def test_aire_inconnue_404_et_connexion_obligatoire(client, demo):
    assert client.get("/rapports/aires/002.pdf")["Location"].startswith("/comptes/connexion/")
    connecte_compte(client, "elu")
    assert client.get("/rapports/aires/999.pdf").status_code == 404
    assert client.get("/rapports/aires/%3Cscript%3E.pdf").status_code == 404


def test_requetes_en_nombre_constant(db):
    """The HTML costs the same number of queries for one objective or sixty."""
    fabriques.jeu_de_donnees(1, objectifs_par_aire=1)
    aire = AireUrbaine.objects.get(code="001")
    comptes = []
    for ajout in (False, True):
        if ajout:
            for annee in (2013, 2014, 2015):
                for dispositif in ("prive_intermediaire", "accession_sociale", "location_accession"):
                    for unite in ("menages", "salaries"):
                        objectif = fabriques.objectif(aire, annee=annee, dispositif=dispositif, unite=unite)
                        fabriques.realisation(objectif, 5, datetime.date(annee, 6, 1))
        with CaptureQueriesContext(connection) as requetes:
            html_aire(aire)
        comptes.append(len(requetes.captured_queries))
    assert comptes[0] == comptes[1] <= 20
