"""Server-drawn charts: French figures, escaped labels, accessible, no inline style, same bytes for same data."""

import datetime
import io
import pickle
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings as settings_django
from hypothesis import given, settings
from hypothesis import strategies as st

from partenariat.commun.frise import disposition_frise, frise_deploiement
from partenariat.commun.graphiques import (
    TAILLE_MINIMUM,
    Boite,
    Disposition,
    Etiquette,
    barres_par_dispositif,
    conflits,
    courbe_avancement,
    disposition_barres,
    disposition_courbe,
    format_nombre,
    format_pourcentage,
    jauge,
)

SVG = "{http://www.w3.org/2000/svg}"
NOM_HOSTILE = '<script>alert(1)</script> & "x"'
LIGNES = [
    ("Production de logements sociaux", 12345, 10020),
    ("Accueil spécifique (jeunes, alternants, mobilité)", 800, 950),
    ("Location-accession", 0, 12),
]
POINTS = [
    (datetime.date(2014, 5, 2), 2400),
    (datetime.date(2013, 3, 1), 120),
    (datetime.date(2015, 6, 30), 4100),
]


def accessible(svg):
    """Parse the chart (so it is well-formed XML) and check its accessible name and inline-style ban."""
    assert "style=" not in svg and "<style" not in svg
    racine = ET.fromstring(str(svg))
    assert racine.get("role") == "img"
    titre, desc = racine.find(f"{SVG}title"), racine.find(f"{SVG}desc")
    assert racine.get("aria-labelledby") == f"{titre.get('id')} {desc.get('id')}"
    return racine


def textes(racine):
    return ["".join(element.itertext()) for element in racine.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [(0, "0"), (999, "999"), (12345, "12\u202f345"), (1234567.5, "1\u202f234\u202f568"), (-4500, "-4\u202f500")],
)
def test_format_nombre(valeur, attendu):
    assert format_nombre(valeur) == attendu


def test_format_decimales_et_pourcentage():
    assert format_nombre(1234.25, 1) == "1\u202f234,3"
    assert format_pourcentage(87.5) == "88\u202f%"
    assert format_pourcentage(81.16) == "81\u202f%"


def test_barres_libelles_et_valeurs():
    svg = barres_par_dispositif(LIGNES, titre="Objectifs par dispositif")
    racine = accessible(svg)
    assert racine.find(f"{SVG}title").text == "Objectifs par dispositif"
    lus = textes(racine)
    assert "Production de logements sociaux" in lus
    assert "cible 12\u202f345" in lus
    assert "réalisé 10\u202f020 (81\u202f%)" in lus
    assert "réalisé 950 (119\u202f%)" in lus
    # No target, no rate: never a division by zero.
    assert "réalisé 12" in lus
    assert (
        "Production de logements sociaux : cible 12\u202f345, réalisé 10\u202f020 (81\u202f%)."
        in racine.find(f"{SVG}desc").text
    )
    # Two bars per scheme, their lengths proportional to the values.
    barres = [r for r in racine.iter(f"{SVG}rect") if r.get("height") == "20"]
    assert len(barres) == 2 * len(LIGNES)
    assert float(barres[0].get("width")) > float(barres[1].get("width")) > float(barres[3].get("width"))


def test_barres_echappees():
    svg = barres_par_dispositif([(NOM_HOSTILE, 10, 5)], titre=NOM_HOSTILE)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in svg
    racine = accessible(svg)
    assert racine.find(f"{SVG}title").text == NOM_HOSTILE
    assert any(NOM_HOSTILE[:20] in texte for texte in textes(racine))


def test_graphiques_deterministes():
    assert barres_par_dispositif(LIGNES, titre="T") == barres_par_dispositif(list(LIGNES), titre="T")
    assert courbe_avancement(POINTS, cible=5000, titre="C") == courbe_avancement(sorted(POINTS), cible=5000, titre="C")
    assert jauge(87.4, titre="J") == jauge(87.4, titre="J")
    # Different charts never share identifiers on a page.
    assert ET.fromstring(barres_par_dispositif(LIGNES, titre="A")).find(f"{SVG}title").get("id") != ET.fromstring(
        barres_par_dispositif(LIGNES, titre="B")
    ).find(f"{SVG}title").get("id")


@pytest.mark.parametrize(
    "graphique",
    [
        lambda: barres_par_dispositif([], titre="Objectifs"),
        lambda: courbe_avancement([], cible=100, titre="Objectifs"),
        lambda: jauge(None, titre="Objectifs"),
    ],
)
def test_donnees_vides_disent_aucune_donnee(graphique):
    svg = graphique()
    racine = accessible(svg)
    assert racine.find(f"{SVG}desc").text == "Aucune donnée"
    assert "Aucune donnée" in textes(racine)


def test_courbe_avec_ligne_de_cible_et_annees():
    svg = courbe_avancement(POINTS, cible=5000, titre="Cumul des réalisations")
    racine = accessible(svg)
    cibles = [ligne for ligne in racine.iter(f"{SVG}line") if ligne.get("class") == "ligne-cible"]
    assert len(cibles) == 1
    assert cibles[0].get("y1") == cibles[0].get("y2")
    lus = textes(racine)
    assert "Cible : 5\u202f000" in lus
    assert {"2013", "2014", "2015"} <= set(lus)
    assert "4\u202f100" in lus
    assert racine.find(f"{SVG}desc").text == (
        "Cumul des réalisations : 4\u202f100 au 30/06/2015. Cible : 5\u202f000 (82\u202f%)."
    )
    # A step line: horizontal then vertical moves only, ending at the last cumulative total.
    chemin = racine.find(f"{SVG}path").get("d")
    assert chemin.startswith("M") and set(chemin) <= set("MHV0123456789. ")


def test_courbe_sans_cible():
    racine = accessible(courbe_avancement([(datetime.date(2013, 3, 1), 120)], titre="Cumul"))
    assert not [ligne for ligne in racine.iter(f"{SVG}line") if ligne.get("class") == "ligne-cible"]
    assert racine.find(f"{SVG}desc").text == "Cumul des réalisations : 120 au 01/03/2013."


@pytest.mark.parametrize(
    ("taux", "texte", "rempli"), [(0, "0\u202f%", 0), (75, "75\u202f%", 95), (400, "400\u202f%", 190)]
)
def test_jauge_plafonnee_a_150(taux, texte, rempli):
    racine = accessible(jauge(taux, titre="Taux de réalisation"))
    assert texte in textes(racine)
    piste, barre = list(racine.iter(f"{SVG}rect"))
    assert float(barre.get("width")) == pytest.approx(rempli, abs=0.1)
    assert float(piste.get("width")) == 190


def test_graphiques_rendus_par_weasyprint():
    """The same markup goes into PDF reports: WeasyPrint draws it and its text can be read back."""
    pypdf = pytest.importorskip("pypdf")
    weasyprint = pytest.importorskip("weasyprint")
    corps = "".join(
        (
            barres_par_dispositif(LIGNES, titre="Objectifs par dispositif"),
            courbe_avancement(POINTS, cible=5000, titre="Cumul des réalisations"),
            jauge(87.4, titre="Taux"),
        )
    )
    page = f'<html lang="fr"><head><meta charset="utf-8"><title>Rapport</title></head><body>{corps}</body></html>'
    pdf = weasyprint.HTML(string=page).write_pdf()
    assert pdf.startswith(b"%PDF")
    texte = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Objectifs par dispositif" in texte
    assert "Cumul des réalisations" in texte
    assert "Production de logements sociaux" in texte


# --- Legibility: no label crossed by a line or a bar, whatever the series --------------------------------------
# Pages and PDFs draw the same viewBox (a page scales it, WeasyPrint fits it to the A4 column), so checking the
# geometry at each chart width covers both; 720 is the width every page and report uses.

LARGEURS = (480, 720, 960)
dates = st.dates(datetime.date(2012, 1, 1), datetime.date(2016, 12, 31))
montants = st.integers(0, 2_000_000)


@given(
    points=st.lists(st.tuples(dates, montants), min_size=1, max_size=40),
    cible=st.one_of(st.none(), montants),
    largeur=st.sampled_from(LARGEURS),
)
@settings(max_examples=300, deadline=None)
def test_courbe_aucune_etiquette_coupee(points, cible, largeur):
    disposition = disposition_courbe(sorted(points), cible=cible, titre="Réalisations cumulées — Lyon", largeur=largeur)
    assert conflits(disposition) == []
    textes_dessines = [etiquette.texte for etiquette in disposition.etiquettes]
    assert any(format_nombre(sorted(points)[-1][1]) in texte for texte in textes_dessines)
    if cible is not None:
        assert any(format_nombre(cible) in texte and "Cible" in texte for texte in textes_dessines)


@given(
    points=st.lists(st.tuples(dates, st.integers(0, 60_000)), min_size=1, max_size=40).map(sorted),
    ecart=st.integers(-300, 300),
)
@settings(max_examples=200, deadline=None)
def test_courbe_qui_frole_sa_cible(points, ecart):
    """The reported case: a cumulative line ending right at its target, labels on both."""
    cumul = [(jour, sum(v for _j, v in points[: i + 1])) for i, (jour, _v) in enumerate(points)]
    disposition = disposition_courbe(cumul, cible=max(0, cumul[-1][1] + ecart), titre="Cumul")
    assert conflits(disposition) == []


def test_cas_signale_cible_5305_et_cumul_47245():
    points = [(datetime.date(2012, 9, 1), 2000), (datetime.date(2013, 6, 1), 5300), (datetime.date(2015, 3, 1), 47245)]
    for cible in (5305, 47245, 47000):
        assert conflits(disposition_courbe(points, cible=cible, titre="Cumul")) == []


@given(
    lignes=st.lists(st.tuples(st.text(min_size=1, max_size=60), montants, montants), min_size=1, max_size=8),
    largeur=st.sampled_from(LARGEURS),
)
@settings(max_examples=200, deadline=None)
def test_barres_aucune_etiquette_coupee(lignes, largeur):
    assert conflits(disposition_barres(lignes, titre="Cible et réalisé par dispositif", largeur=largeur)) == []


def test_conflits_voit_une_etiquette_barree():
    """The check itself: a line through a label, a bar under it, two labels on top of each other."""
    disposition = Disposition(200, 100)
    disposition.etiquettes.append(Etiquette(10, 50, "Cible : 5 305", 14))
    assert conflits(disposition) == []
    disposition.ligne((0, 45), (200, 45))
    disposition.rect(Boite(20, 40, 5, 5))
    disposition.etiquettes.append(Etiquette(30, 52, "47 245", 14))
    assert len(conflits(disposition)) == 4


def test_taille_minimale_et_largeur_minimale_css():
    """Every chart text is at least TAILLE_MINIMUM units, and graphiques.css keeps charts wide enough for 12 px."""
    svg = barres_par_dispositif(LIGNES, titre="T") + courbe_avancement(POINTS, cible=5000, titre="C")
    tailles = {float(taille) for taille in re.findall(r'font-size="([\d.]+)"', svg)}
    assert min(tailles) >= TAILLE_MINIMUM
    css = (settings_django.BASE_DIR / "static/css/graphiques.css").read_text()
    largeur_min = int(re.search(r"--graphique-largeur-minimum:\s*(\d+)px", css).group(1))
    assert TAILLE_MINIMUM * largeur_min / 720 >= 12


@given(
    evenements=st.lists(st.tuples(dates, st.text(min_size=1, max_size=50)), min_size=0, max_size=10),
    au=dates,
)
@settings(max_examples=150, deadline=None)
def test_frise_aucune_etiquette_coupee(evenements, au):
    disposition = disposition_frise(evenements, au)
    assert conflits(disposition) == []
    dessines = [etiquette.texte for etiquette in disposition.etiquettes]
    assert all(any(libelle in texte for texte in dessines) for _date, libelle in evenements)


def test_frise_du_deploiement():
    evenements = [
        (datetime.date(2012, 6, 27), "Signature du protocole"),
        (datetime.date(2012, 12, 27), "Date limite des conférences"),
        (datetime.date(2013, 1, 1), "2013 – aires métropolitaines en tension"),
        (datetime.date(2014, 1, 1), "2014–2015 – extension aux grandes aires urbaines"),
        (datetime.date(2015, 12, 31), "Fin de la période"),
    ]
    svg = frise_deploiement(evenements, datetime.date(2013, 6, 30))
    racine = accessible(svg)
    assert svg.titre == "Frise du déploiement, 2012 à 2016"
    assert "Date affichée : 30/06/2013" in textes(racine)
    assert min(float(t.get("font-size")) for t in racine.iter(f"{SVG}text")) >= TAILLE_MINIMUM
    css = (settings_django.BASE_DIR / "static/css/graphiques.css").read_text()
    largeur_min = int(re.search(r"--frise-largeur-minimum:\s*(\d+)px", css).group(1))
    assert TAILLE_MINIMUM * largeur_min / float(racine.get("viewBox").split()[2]) >= 12
    disposition = disposition_frise(evenements, datetime.date(2013, 6, 30))
    assert conflits(disposition) == []
    # Each event's label is tied to its point by a leader line, none left to the list under the chart.
    fils = [forme for forme in disposition.formes if forme[0] == "ligne" and forme[2].get("stroke_width") == 1]
    assert len(fils) == len(evenements)


def test_graphique_garde_son_titre_apres_pickle():
    """Pages may be cached: the chart keeps the title that names its scroll region."""
    graphique = courbe_avancement(POINTS, cible=5000, titre="Cumul")
    copie = pickle.loads(pickle.dumps(graphique))
    assert copie == graphique and copie.titre == "Cumul"
