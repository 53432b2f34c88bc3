"""Exports stay inert and never fail, whatever the database holds; only spreadsheet formats; pages stay bounded."""

import csv
import io
import unicodedata
import zipfile

import openpyxl
import pytest
import tablib
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale, Reunion
from tests import fabriques
from tests.acteurs import construire_monde

pytestmark = pytest.mark.django_db

LISTES = ("/aires/", "/conferences/", "/objectifs/")
FORMATS = ("csv", "xlsx", "ods")

# Names a spreadsheet would run as formulas (OWASP "CSV injection"), one conference and area each.
FORMULES = (
    '=HYPERLINK("http://x.example","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
)
DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")

# Characters pasted from other tools that XLSX/XML or RFC 5545 cannot hold as they are. PostgreSQL refuses NUL.
HOSTILES = ("\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x01", "\x1b", "\x1f", "\x7f", "\x9f", "\x00")
NOM_HOSTILE = "Lyon\x0bligne\x85\u2028x\x01"


@pytest.fixture
def formules():
    """Conferences and areas named by formulas, written in the database directly as old rows may be."""
    for index, formule in enumerate(FORMULES):
        aire = fabriques.aire(population=10_000 + index)
        conference = fabriques.conference(installation=None, aires=[aire])
        ConferenceTerritoriale.objects.filter(pk=conference.pk).update(nom=formule)
        AireUrbaine.objects.filter(pk=aire.pk).update(nom=formule)
        fabriques.objectif(aire, cible=100 + index, conference=conference)


def exporter(client, url, format_):
    reponse = client.get(f"{url}?_export={format_}")
    assert reponse.status_code == 200, (url, format_)
    assert reponse["Content-Disposition"].endswith(f'.{format_}"')
    return reponse.content


def lignes_csv(contenu):
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig"), newline="")))


def classeur(contenu):
    return openpyxl.load_workbook(io.BytesIO(contenu)).active


def colonne(feuille, entete):
    entetes = [cellule.value for cellule in feuille[1]]
    return [ligne[entetes.index(entete)] for ligne in feuille.iter_rows(min_row=2)]


def assert_inertes(valeurs, xml=False):
    textes = [valeur for valeur in valeurs if isinstance(valeur, str)]
    for formule in FORMULES:
        # An XML parser may read a raw CR as LF (XML 1.0, 2.11), or keep it when written as a character
        # reference, depending on the library's version: either way the cell must still be inert text.
        lectures = {formule, formule.replace("\r", "\n")} if xml else {formule}
        assert any("'" + lecture in textes for lecture in lectures), repr(formule)
    assert not [texte for texte in textes if texte.startswith(DEBUTS_DANGEREUX)]


@pytest.mark.parametrize("url", ["/conferences/", "/aires/", "/objectifs/"])
def test_csv_sans_formule(url, admin_client, formules):
    assert_inertes([cellule for ligne in lignes_csv(exporter(admin_client, url, "csv")) for cellule in ligne])


@pytest.mark.parametrize(
    ("url", "nombres"), [("/conferences/", ("Membres", "Objectifs")), ("/aires/", ("Population", "Objectifs"))]
)
def test_xlsx_sans_formule_et_nombres_numeriques(url, nombres, admin_client, formules):
    feuille = classeur(exporter(admin_client, url, "xlsx"))
    cellules = [cellule for ligne in feuille.iter_rows() for cellule in ligne]
    assert not [cellule.coordinate for cellule in cellules if cellule.data_type == "f"]
    assert_inertes([cellule.value for cellule in cellules], xml=True)
    for entete in nombres:
        cellules_nombres = colonne(feuille, entete)
        assert cellules_nombres and all(c.data_type == "n" and isinstance(c.value, int) for c in cellules_nombres)


@pytest.mark.parametrize("url", ["/conferences/", "/aires/"])
def test_ods_sans_formule(url, admin_client, formules):
    contenu = exporter(admin_client, url, "ods")
    xml = zipfile.ZipFile(io.BytesIO(contenu)).read("content.xml").decode()
    assert "formula" not in xml
    donnees = tablib.Dataset().load(contenu, format="ods")
    assert_inertes([valeur for ligne in donnees for valeur in ligne], xml=True)
    assert 'office:value-type="float"' in xml  # counts and populations stay numbers


def ecrire_en_base(monde, texte):
    """The hostile text in every name the lists and the calendar show, bypassing forms as rows written earlier."""
    ConferenceTerritoriale.objects.filter(pk=monde.lyon.pk).update(nom=texte)
    AireUrbaine.objects.filter(pk=monde.aire_lyon.pk).update(nom=texte)
    Reunion.objects.filter(pk=monde.reunion_lyon.pk).update(lieu=texte, ordre_du_jour=texte, participants=texte)


def controles(texte, permis=""):
    return [c for c in texte if (unicodedata.category(c) == "Cc" or c in "\u2028\u2029") and c not in permis]


@pytest.mark.parametrize("hostile", [*HOSTILES, NOM_HOSTILE])
def test_caracteres_de_controle_en_base_exports_et_calendrier(hostile, admin_client):
    if hostile == "\x00" and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL ne stocke pas le caractère nul")
    monde = construire_monde()
    ecrire_en_base(monde, f"Lyon{hostile}ligne")
    for url in LISTES:
        for format_ in FORMATS:
            exporter(admin_client, url, format_)
    noms = [c.value for c in colonne(classeur(exporter(admin_client, "/conferences/", "xlsx")), "Conférence")]
    assert not controles("".join(noms), permis="\n")
    assert any(nom.startswith("Lyon") and nom.endswith("ligne") for nom in noms)

    reponse = admin_client.get(reverse("conferences:reunions_ics", args=[monde.lyon.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    lignes = contenu.replace("\r\n ", "").split("\r\n")
    assert lignes[-1] == ""
    for ligne in lignes:
        assert not controles(ligne), repr(ligne)
    assert "LOCATION:Lyon" in contenu


@pytest.mark.parametrize("format_", ["json", "tsv", "latex", "yaml", "xls", "html", "foo", "CSV"])
@pytest.mark.parametrize("url", LISTES)
def test_format_d_export_non_propose_400_en_francais(url, format_, admin_client):
    reponse = admin_client.get(f"{url}?_export={format_}")
    assert reponse.status_code == 400
    assert reponse["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in reponse
    assert escape("Ce format d'export n'est pas proposé : choisissez CSV, XLSX ou ODS.") in reponse.content.decode()


def test_taille_de_page_plafonnee(admin_client):
    fabriques.jeu_de_donnees(105, objectifs_par_aire=1, realisations_par_objectif=0)
    for url in LISTES:
        reponse = admin_client.get(f"{url}?per_page=100000")
        assert reponse.status_code == 200
        assert len(reponse.context["table"].page.object_list) == 100, url
    page = admin_client.get("/aires/?per_page=50&page=2").content.decode()
    assert "Lignes par page" in page
    assert '<a href="?per_page=50" aria-current="true">50</a>' in page  # back to page 1 with the new size
    assert '<a href="?per_page=100">100</a>' in page


@pytest.mark.parametrize("valeur", ["abc", "-1", "0", "99999999999999999999999", "", "1e3", "٣"])
@pytest.mark.parametrize("url", LISTES)
def test_taille_de_page_fantaisiste_sans_erreur(url, valeur, admin_client):
    fabriques.jeu_de_donnees(3, objectifs_par_aire=1, realisations_par_objectif=0)
    reponse = admin_client.get(url, {"per_page": valeur})
    assert reponse.status_code == 200
    assert 1 <= reponse.context["table"].paginator.per_page <= 100
