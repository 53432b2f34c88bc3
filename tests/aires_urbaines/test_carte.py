"""The national map: outlines import, area placement in constant queries, safe and accessible SVG, PDF-ready."""

import io
import json
import math
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from aires_urbaines.carte import (
    MESSAGE_SANS_CONTOURS,
    contour_et_centre,
    positions_aires,
    projeter,
    render_carte_aires,
)
from aires_urbaines.models import AireUrbaine, Commune, Departement

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
NOM_HOSTILE = '<script>alert(1)</script> & "x"'


def carre(lon, lat, cote=0.5):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + cote, lat], [lon + cote, lat + cote], [lon, lat + cote], [lon, lat]]],
    }


def creer_departement(code, nom, lon, lat):
    contour, x, y = contour_et_centre(carre(lon, lat))
    return Departement.objects.create(code=code, nom=nom, contour=contour, centre_x=x, centre_y=y)


@pytest.fixture
def departements():
    return {
        "69": creer_departement("69", "Rhône", 4.5, 45.6),
        "01": creer_departement("01", "Ain", 5.2, 46.0),
        "75": creer_departement("75", "Paris", 2.2, 48.7),
    }


def aire(code, nom, population=100_000, **autres):
    return {"code": code, "nom": nom, "population": population, "phase": None, "taux": None, **autres}


def texte_visible(racine):
    """The drawn text, wrapped lines joined back with spaces."""
    return " ".join(element.text or "" for element in racine.iter(f"{SVG}text"))


def cercles_lies(svg):
    """(href, circle) of every linked circle, read from the parsed SVG: proves the markup is well-formed XML."""
    racine = ET.fromstring(str(svg))
    return [(lien.get("href"), lien.find(f"{SVG}circle")) for lien in racine.iter(f"{SVG}a")]


# --- Import ----------------------------------------------------------------------------------------------------


def test_importer_contours_charge_les_96_departements(donnees_reference):
    sortie = io.StringIO()
    call_command("importer_contours", str(donnees_reference / "geo"), stdout=sortie)
    assert Departement.objects.count() == 96
    assert "96 départements créés" in sortie.getvalue()
    corse = Departement.objects.get(code="2A")
    assert corse.nom == "Corse-du-Sud"
    assert corse.contour.startswith("M")
    assert 0 < corse.centre_x < 1000 and 0 < corse.centre_y < 1000
    # Paris lies north of Lyon and west of Strasbourg in the projected frame (y grows downwards).
    paris, rhone, bas_rhin = (Departement.objects.get(code=code) for code in ("75", "69", "67"))
    assert paris.centre_y < rhone.centre_y
    assert paris.centre_x < bas_rhin.centre_x
    # Coordinates are kept to one decimal, so the outlines stay small.
    assert sum(len(d.contour) for d in Departement.objects.all()) < 200_000


def test_importer_contours_est_idempotent(donnees_reference):
    call_command("importer_contours", str(donnees_reference / "geo"), stdout=io.StringIO())
    avant = dict(Departement.objects.values_list("code", "contour"))
    sortie = io.StringIO()
    call_command("importer_contours", str(donnees_reference / "geo"), stdout=sortie)
    assert Departement.objects.count() == 96
    assert dict(Departement.objects.values_list("code", "contour")) == avant
    assert "0 département créé, 96 mis à jour" in sortie.getvalue()


def test_importer_contours_dossier_absent(tmp_path):
    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("importer_contours", str(tmp_path / "absent"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("importer_contours", str(tmp_path), stdout=io.StringIO())
    assert not Departement.objects.exists()


def test_importer_contours_fichier_mal_forme_n_enregistre_rien(tmp_path):
    bonne = {"type": "Feature", "properties": {"code": "01", "nom": "Ain"}, "geometry": carre(5.2, 46.0)}
    mauvaise = {"type": "Feature", "properties": {"code": "02", "nom": "Aisne"}, "geometry": {"type": "Point"}}
    fichier = tmp_path / "departements-version-simplifiee.geojson"
    fichier.write_text(json.dumps({"type": "FeatureCollection", "features": [bonne, mauvaise]}), encoding="utf-8")
    with pytest.raises(CommandError, match="Entité n° 2 invalide"):
        call_command("importer_contours", str(tmp_path), stdout=io.StringIO())
    assert not Departement.objects.exists()

    fichier.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(CommandError, match="Fichier illisible"):
        call_command("importer_contours", str(tmp_path), stdout=io.StringIO())


def test_projection_dans_le_cadre():
    for lon, lat in ((-5.1, 48.4), (9.56, 41.37), (2.35, 51.09), (7.8, 48.6)):
        x, y = projeter(lon, lat)
        assert 0 < x < 1000 and 0 < y < 1000


# --- Placement -------------------------------------------------------------------------------------------------


def creer_aires_avec_communes(nombre, departements):
    codes = list(departements)
    aires = []
    for i in range(nombre):
        aire_urbaine = AireUrbaine.objects.create(code=f"{i + 1:03d}", nom=f"Aire {i + 1}", categorie="grande")
        for j, departement in enumerate(codes[:2]):
            Commune.objects.create(
                code_insee=f"{i + 1:03d}{j:02d}",
                nom=f"Commune {i + 1}-{j}",
                departement=departement,
                region="84",
                population=300 if j == 0 else 100,
                aire_urbaine=aire_urbaine,
            )
        aires.append(aire_urbaine)
    return aires


def test_position_moyenne_ponderee_par_la_population(departements):
    (aire_urbaine,) = creer_aires_avec_communes(1, departements)
    rhone, ain = departements["69"], departements["01"]
    x, y = positions_aires([aire_urbaine.pk])[aire_urbaine.pk]
    assert x == pytest.approx(0.75 * rhone.centre_x + 0.25 * ain.centre_x)
    assert y == pytest.approx(0.75 * rhone.centre_y + 0.25 * ain.centre_y)


@pytest.mark.parametrize("nombre", [2, 50])
def test_positions_en_nombre_constant_de_requetes(departements, django_assert_num_queries, nombre):
    aires = creer_aires_avec_communes(nombre, departements)
    with django_assert_num_queries(2):
        positions = positions_aires([a.pk for a in aires])
    assert len(positions) == nombre


@pytest.mark.parametrize("nombre", [2, 50])
def test_carte_en_nombre_constant_de_requetes(departements, django_assert_num_queries, nombre):
    aires = creer_aires_avec_communes(nombre, departements)
    donnees = [aire(a.code, a.nom, id=a.pk) for a in aires]
    with django_assert_num_queries(2):
        carte = render_carte_aires(donnees)
    assert carte.placees == nombre


def test_aire_sans_commune_placee_par_indication_ou_signalee(departements):
    indiquee = AireUrbaine.objects.create(code="002", nom="Lyon", categorie="grande")
    perdue = AireUrbaine.objects.create(code="003", nom="Nulle part", categorie="grande")
    positions = positions_aires([indiquee.pk, perdue.pk], departement_par_aire={indiquee.pk: "69"})
    rhone = departements["69"]
    assert positions == {indiquee.pk: (rhone.centre_x, rhone.centre_y)}

    carte = render_carte_aires(
        [aire("002", "Lyon", id=indiquee.pk, departement="69"), aire("003", "Nulle part", id=perdue.pk)]
    )
    assert carte.placees == 1
    assert carte.non_placees == ["Nulle part (003)"]
    assert "Non placées (aucune commune connue) : Nulle part (003)." in carte.resume


# --- Rendering -------------------------------------------------------------------------------------------------


def test_sans_contours_pas_de_carte():
    assert render_carte_aires([aire("002", "Lyon", departement="69")]) is None
    assert "importer_contours" in str(MESSAGE_SANS_CONTOURS)


def test_carte_deux_aires_liens_et_accessibilite(departements):
    carte = render_carte_aires(
        [
            aire("002", "Lyon", 2_214_068, departement="69", phase="2013 – aires métropolitaines en tension"),
            aire("001", "Paris", 12_223_100, departement="75"),
        ]
    )
    svg = str(carte)
    assert svg.startswith("<svg ")
    racine = ET.fromstring(svg)
    assert racine.find(f"{SVG}title").text == "Aires urbaines par phase de déploiement"
    assert racine.find(f"{SVG}desc").text == carte.resume
    titre_id, desc_id = racine.find(f"{SVG}title").get("id"), racine.find(f"{SVG}desc").get("id")
    # The map holds links, which a role="img" would hide: it is a named group instead.
    assert racine.get("role") == "group"
    assert (racine.get("aria-labelledby"), racine.get("aria-describedby")) == (titre_id, desc_id)
    liens = cercles_lies(carte)
    assert [href for href, _cercle in liens] == ["/aires/001/", "/aires/002/"]  # largest drawn first
    assert all(cercle is not None for _href, cercle in liens)
    rayon_paris, rayon_lyon = (float(cercle.get("r")) for _href, cercle in liens)
    assert rayon_paris > rayon_lyon
    legende = texte_visible(racine)
    assert "2013 – aires métropolitaines en tension (1)" in legende
    assert "Hors dispositif (1)" in legende
    assert "style=" not in svg and "<style" not in svg
    assert "<script" not in svg


def test_carte_pour_pdf_est_une_image(departements):
    carte = render_carte_aires([aire("002", "Lyon", departement="69")], liens=False)
    racine = ET.fromstring(str(carte))
    assert racine.get("role") == "img"
    titre_id, desc_id = racine.find(f"{SVG}title").get("id"), racine.find(f"{SVG}desc").get("id")
    assert racine.get("aria-labelledby") == f"{titre_id} {desc_id}"
    assert not list(racine.iter(f"{SVG}a"))


def test_noms_echappes(departements):
    carte = render_carte_aires(
        [aire("002", NOM_HOSTILE, departement="69", phase=NOM_HOSTILE)], titre=NOM_HOSTILE, mode="phase"
    )
    svg = str(carte)
    assert "<script>" not in svg
    assert '"x"' not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in svg
    racine = ET.fromstring(svg)
    assert racine.find(f"{SVG}title").text == NOM_HOSTILE
    ((_href, cercle),) = cercles_lies(carte)
    assert cercle is not None


def test_mode_avancement_par_tranches(departements):
    carte = render_carte_aires(
        [
            aire("002", "Lyon", departement="69", taux=120.0),
            aire("003", "Bourg", departement="01", taux=30.0),
            aire("004", "Sans objectif", departement="75"),
        ],
        mode="avancement",
    )
    svg = str(carte)
    for legende in ("Aucun objectif (1)", "Moins de 50 % (1)", "De 50 à 100 % (0)", "100 % et plus (1)"):
        assert legende in svg
    assert "taux de réalisation 120\u202f%" in svg


def test_outre_mer_hors_carte(departements):
    carte = render_carte_aires([aire("002", "Lyon", departement="69"), aire("9D1", "Saint-Denis", departement="974")])
    assert [href for href, _cercle in cercles_lies(carte)] == ["/aires/002/"]
    assert carte.outre_mer == ["Saint-Denis (9D1)"]
    assert "Outre-mer, hors carte : Saint-Denis (9D1)." in carte.resume


def test_aires_d_un_meme_departement_ne_se_cachent_pas(departements):
    carte = render_carte_aires(
        [aire("002", "Lyon", 2_214_068, departement="69"), aire("042", "Villefranche", 70_000, departement="69")]
    )
    (_lien, lyon), (_lien2, villefranche) = cercles_lies(carte)
    rhone = departements["69"]
    assert (float(lyon.get("cx")), float(lyon.get("cy"))) == (rhone.centre_x, rhone.centre_y)
    ecart = math.dist(
        (float(lyon.get("cx")), float(lyon.get("cy"))), (float(villefranche.get("cx")), float(villefranche.get("cy")))
    )
    assert ecart >= float(lyon.get("r")) + float(villefranche.get("r"))


def test_carte_deterministe(departements):
    donnees = [aire("002", "Lyon", departement="69"), aire("001", "Paris", departement="75")]
    assert render_carte_aires(donnees) == render_carte_aires(list(reversed(donnees)))


def test_carte_nationale_reste_legere(donnees_reference):
    """96 outlines and 300 linked circles stay far below 400 KB."""
    call_command("importer_contours", str(donnees_reference / "geo"), stdout=io.StringIO())
    codes = list(Departement.objects.values_list("code", flat=True))
    donnees = [
        aire(
            f"{i:03d}",
            f"Aire urbaine numéro {i}",
            12_000_000 // i,
            departement=codes[i % len(codes)],
            phase="2014 – extension aux grandes aires urbaines" if i % 2 else None,
        )
        for i in range(1, 301)
    ]
    carte = render_carte_aires(donnees)
    assert carte.placees == 300
    assert len(str(carte).encode()) < 400_000


def test_carte_et_graphique_dans_un_pdf(departements):
    """WeasyPrint draws the same markup: the PDF holds the map's and the chart's visible text."""
    pypdf = pytest.importorskip("pypdf")
    weasyprint = pytest.importorskip("weasyprint")
    from partenariat.commun.graphiques import barres_par_dispositif

    carte = render_carte_aires([aire("002", "Lyon", departement="69")], titre="Carte des aires", liens=False)
    barres = barres_par_dispositif([("Location-accession", 120, 90)], titre="Objectifs par dispositif")
    page = (
        f'<html lang="fr"><head><meta charset="utf-8"><title>Rapport</title></head><body>{carte}{barres}</body></html>'
    )
    pdf = weasyprint.HTML(string=page).write_pdf()
    assert pdf.startswith(b"%PDF")
    texte = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Carte des aires" in texte
    assert "Objectifs par dispositif" in texte
    assert "Location-accession" in texte


@pytest.mark.parametrize(("liens", "minimum"), [(True, 36), (False, 18)])
def test_texte_de_la_carte_lisible(departements, liens, minimum):
    """In pages the map fills a 351 px column on a 375 px phone: 36 of its 1000 units give 12.6 CSS px.
    The PDF's column is twice as wide, so its text may be smaller. Every line stays inside the drawing."""
    nom = "Aire urbaine au nom particulièrement long pour éprouver le retour à la ligne de la légende"
    carte = render_carte_aires([aire("002", "Lyon", departement="69", phase=nom)], liens=liens)
    racine = ET.fromstring(str(carte))
    textes = list(racine.iter(f"{SVG}text"))
    assert min(float(texte.get("font-size")) for texte in textes) >= minimum
    if liens:
        assert 36 * 351 / 1000 >= 12
    largeur, hauteur = (float(v) for v in racine.get("viewBox").split()[2:])
    for texte in textes:
        taille = float(texte.get("font-size"))
        assert float(texte.get("x")) + len(texte.text) * taille * 0.66 <= largeur
        assert float(texte.get("y")) + taille * 0.25 <= hauteur
    assert nom in texte_visible(racine)
