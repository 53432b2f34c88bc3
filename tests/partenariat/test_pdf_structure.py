"""What a screen reader and a reader of the three PDF reports rely on, read back from the PDFs themselves:
every header cell's scope in the structure tree, numbers written one way, a running header naming the section
on the page, and a report in English when English is the active language."""

import datetime
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from aires_urbaines.models import AireUrbaine, BassinEmploi, Intercommunalite
from conferences.models import ConferenceTerritoriale, Observation
from partenariat.commun import nombres
from partenariat.commun.colonnes import NombreColumn, TauxColumn
from partenariat.commun.templatetags.rapports_pdf import date_longue
from partenariat.pilotage import reports
from tests.lecture_pdf import lire_pdf

pytestmark = pytest.mark.django_db

NOM_CONFERENCE_LYON = "Conférence territoriale Rhône-Alpes – Lyon (démo)"
# The top margin of the pages (static/css/pdf.css: 22 mm), where the running header is drawn.
MARGE_HAUTE = 22 / 25.4 * 72


def rendre(rapport):
    """(HTML, PDF bytes) of one of the three reports on the demo data."""
    if rapport == "aire":
        aire = AireUrbaine.objects.get(code="002")
        return reports.html_aire(aire), reports.render_aire_pdf(aire)[1]
    if rapport == "conference":
        conference = ConferenceTerritoriale.objects.get(nom=NOM_CONFERENCE_LYON)
        return reports.html_conference(conference), reports.render_conference_pdf(conference)[1]
    return reports.html_national(), reports.render_national_pdf()[1]


@pytest.fixture(params=["aire", "conference", "national"])
def rapport(request, demo):
    html, contenu = rendre(request.param)
    return request.param, html, contenu


# --- Header cells: /Scope in the structure tree -----------------------------------------------------------------


def elements_de_structure(lecteur):
    """Every structure element of the tagged PDF with its parent's type, in reading order."""
    pile = [(lecteur.trailer["/Root"]["/StructTreeRoot"], None)]
    while pile:
        noeud, parent = pile.pop()
        enfants = noeud.get("/K")
        if enfants is None:
            continue
        enfants = enfants.get_object()
        enfants = enfants if isinstance(enfants, list) else [enfants]
        suivants = []
        for enfant in enfants:
            enfant = enfant.get_object() if hasattr(enfant, "get_object") else enfant
            if isinstance(enfant, dict) and enfant.get("/Type") == "/StructElem":
                suivants.append((enfant, noeud.get("/S")))
        for enfant, type_parent in suivants:
            yield enfant, type_parent
        pile.extend(reversed(suivants))


class CellulesEntete(HTMLParser):
    """The <th> of an HTML document: (row group, scope attribute)."""

    def __init__(self):
        super().__init__()
        self.groupe, self.cellules = None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody", "tfoot"):
            self.groupe = tag
        elif tag == "th":
            self.cellules.append((self.groupe, dict(attrs).get("scope")))


def entetes_html(html):
    lecteur = CellulesEntete()
    lecteur.feed(html)
    return lecteur.cellules


def test_chaque_cellule_d_entete_porte_sa_portee(rapport):
    nom, html, contenu = rapport
    lecteur = lire_pdf(contenu)
    elements = list(elements_de_structure(lecteur))
    rangees = {id(e): parent for e, parent in elements}  # TR → its row group
    entetes = []
    for element, parent in elements:
        if element["/S"] == "/TH":
            assert parent == "/TR"
            groupe = rangees[id(element["/P"].get_object())]
            entetes.append((groupe, element["/A"].get("/Scope"), element["/A"]["/O"]))
    assert entetes, nom
    assert all(scope is not None for _groupe, scope, _o in entetes), nom
    assert {o for _g, _s, o in entetes} == {"/Table"}
    # Column headers head the columns (repeated on each page a table runs onto), row headers head their rows.
    assert {(groupe, scope) for groupe, scope, _o in entetes} <= {
        ("/THead", "/Column"),
        ("/TBody", "/Row"),
        ("/TFoot", "/Row"),
    }, nom

    # The templates' scopes are the ones carried: every <th> says its scope, and each row header (never
    # repeated) is one /Row header cell of the PDF; column headers appear once per page of their table.
    cellules = entetes_html(html)
    assert all(scope == ("col" if groupe == "thead" else "row") for groupe, scope in cellules), nom
    assert sum(scope == "/Row" for _g, scope, _o in entetes) == sum(scope == "row" for _g, scope in cellules)
    assert sum(scope == "/Column" for _g, scope, _o in entetes) >= sum(scope == "col" for _g, scope in cellules)
    # Data cells still point at their headers.
    ids = {element["/ID"] for element, _p in elements if element["/S"] == "/TH"}
    cellules_td = [element for element, _p in elements if element["/S"] == "/TD"]
    assert cellules_td and all(set(td["/A"]["/Headers"]) <= ids for td in cellules_td)


def test_portees_sans_rien_perdre_de_l_accessibilite(demo):
    """The scopes are added after tagging: PDF/UA identification, language, fonts and alternative texts stay."""
    _html, contenu = rendre("national")
    lecteur = lire_pdf(contenu)
    catalogue = lecteur.trailer["/Root"]
    assert catalogue["/Lang"] == "fr"
    assert catalogue["/MarkInfo"] == {"/Marked": True}
    assert catalogue["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert b"pdfuaid:part" in catalogue["/Metadata"].get_object().get_data()
    figures = [element for element, _p in elements_de_structure(lecteur) if element["/S"] == "/Figure"]
    assert figures and all(element.get("/Alt") for element in figures)
    polices = [
        police.get_object()
        for page in lecteur.pages
        for police in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in police.get_object()["/DescendantFonts"][0].get_object()
    ]
    assert polices
    for police in polices:
        descripteur = police["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(cle in descripteur for cle in ("/FontFile", "/FontFile2", "/FontFile3"))


# --- Numbers written one way --------------------------------------------------------------------------------------

# A run of digits standing alone: not part of a grouped number, a decimal or a date written with slashes.
NOMBRE_NU = re.compile(r"(?<![\d\u202f\u00a0,./])\d{4,}(?![\d,./]|\u202f\d)")


def identifiants():
    """Codes the reports print as they are written, never as quantities: SIREN, employment basin codes."""
    return {
        *Intercommunalite.objects.values_list("siren", flat=True),
        *BassinEmploi.objects.values_list("code", flat=True),
    }


def test_nombres_d_une_seule_facon(rapport):
    nom, _html, contenu = rapport
    texte = "\n".join(page.extract_text() for page in lire_pdf(contenu).pages)
    codes = identifiants()
    nus = [n for n in NOMBRE_NU.findall(texte) if n not in codes]
    assert [n for n in nus if len(n) >= 5] == [], nom
    assert [n for n in nus if not 1900 <= int(n) <= 2100] == [], nom  # four-digit figures: only years stay ungrouped
    # Grouped numbers take the narrow no-break space only (never a no-break or an ordinary one).
    assert not re.search(r"(?<![\d\u202f])\d{1,3}\u00a0\d{3}(?!\d)", texte), nom
    assert re.search(r"\d\u202f\d{3}", texte), nom


def test_chiffres_cles_des_observations_groupes_comme_les_tableaux(demo):
    observation = Observation.objects.filter(aires__code="002", chiffres_cles__contains="jeunes en alternance").first()
    quantite = int(re.match(r"\d+", observation.chiffres_cles).group())
    _html, contenu = rendre("aire")
    texte = "\n".join(page.extract_text() for page in lire_pdf(contenu).pages)
    assert f"{nombres.nombre(quantite)} jeunes en alternance" in texte


def test_grouper_nombres_du_texte():
    assert (
        nombres.grouper_nombres("2392 jeunes ; 12345 logements en 2014")
        == "2\u202f392 jeunes ; 12\u202f345 logements en 2014"
    )
    assert nombres.grouper_nombres("Lyon (8214), 12,5 %, 27/06/2012, AU2010, n°12345") == (
        "Lyon (8214), 12,5 %, 27/06/2012, AU2010, n°12345"
    )
    assert nombres.grouper_nombres("2 392 déjà groupé") == "2 392 déjà groupé"


def test_colonnes_des_listes_ecrites_comme_les_rapports():
    assert NombreColumn().render(12223100) == nombres.nombre(12223100) == "12\u202f223\u202f100"
    assert TauxColumn().render(50) == nombres.pourcentage(50, 1) == "50,0\u202f%"


# --- Running headers --------------------------------------------------------------------------------------------


def entete_courant(page):
    """The text drawn in the page's top margin (running title, then the section), on one line."""
    hauteur = float(page.mediabox.top)
    morceaux = []

    def visiteur(texte, cm, tm, _police, _taille):
        hauteur_du_texte = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text's baseline in page coordinates
        if texte.strip() and hauteur_du_texte > hauteur - MARGE_HAUTE:
            morceaux.append(texte)

    page.extract_text(visitor_text=visiteur)
    return " ".join(" ".join(morceaux).split())


def sections(lecteur):
    """(title, page number) of each report section, from the bookmarks of the <h2> headings."""
    resultat = []

    def parcourir(entrees, niveau):
        for entree in entrees:
            if isinstance(entree, list):
                parcourir(entree, niveau + 1)
            elif niveau == 1:
                resultat.append((entree.title, lecteur.get_destination_page_number(entree) + 1))

    parcourir(lecteur.outline, 0)
    return resultat


def test_l_en_tete_courant_nomme_la_section_de_la_page(rapport):
    nom, _html, contenu = rapport
    lecteur = lire_pdf(contenu)
    titres = sections(lecteur)
    assert len(titres) >= 5, titres
    assert entete_courant(lecteur.pages[0]) == ""  # the cover has none
    erreurs = []
    for numero, page in enumerate(lecteur.pages[1:], start=2):
        premiere_ligne = page.extract_text().split("\n", 1)[0].strip()
        commencees = [titre for titre, page_titre in titres if page_titre < numero]
        en_tete_de_page = [titre for titre, page_titre in titres if page_titre == numero and titre == premiere_ligne]
        # The section at the top of the page: the one whose heading opens it, else the last one begun before.
        attendu = (en_tete_de_page or commencees)[-1 if not en_tete_de_page else 0]
        entete = entete_courant(page)
        if not entete.endswith(" " + attendu):
            erreurs.append((numero, attendu, entete))
    assert erreurs == [], nom


# --- English ------------------------------------------------------------------------------------------------------


def test_rapport_en_anglais_langue_nombres_et_dates(demo):
    aire = AireUrbaine.objects.get(code="002")
    with translation.override("en"):
        html = reports.html_aire(aire)
        contenu = reports.render_aire_pdf(aire)[1]
        titres_attendus = [
            translation.gettext("Identité et déploiement"),
            translation.gettext("Travaux de programmation"),
        ]
    lecteur = lire_pdf(contenu)
    assert lecteur.trailer["/Root"]["/Lang"] == "en"
    assert '<html lang="en">' in html
    texte = "\n".join(page.extract_text() for page in lecteur.pages)
    assert f"{aire.population:,}" in texte  # 2,165,785
    assert not re.search(r"\d\u202f\d{3}", texte)
    assert "27 June 2012" in texte and "27 juin 2012" not in texte
    # Headings come from the catalogue: English once the English catalogue holds them.
    assert all(titre in texte for titre in titres_attendus)
    # Its header cells carry their scope as in French.
    entetes = [element for element, _p in elements_de_structure(lecteur) if element["/S"] == "/TH"]
    assert entetes and all("/Scope" in element["/A"] for element in entetes)


def test_date_longue_dans_la_langue_active():
    jour = datetime.date(2013, 1, 1)
    assert date_longue(jour) == "1er janvier 2013"
    with translation.override("en"):
        assert date_longue(jour) == "1 January 2013"
        assert date_longue(None) == "—"


def test_commande_rapport_en_anglais(demo, tmp_path):
    chemin = tmp_path / "lyon.pdf"
    call_command("rapport", "aire", "002", "--langue", "en", "-o", str(chemin), stdout=StringIO())
    assert lire_pdf(chemin.read_bytes()).trailer["/Root"]["/Lang"] == "en"
    call_command("rapport", "aire", "002", "-o", str(chemin), stdout=StringIO())
    assert lire_pdf(chemin.read_bytes()).trailer["/Root"]["/Lang"] == "fr"


def test_aide_de_la_commande_rapport():
    from partenariat.management.commands.rapport import Command

    aide = Command().create_parser("manage.py", "rapport").format_help()
    assert "--langue {fr,en}" in aide and "en anglais" in " ".join(aide.split())
