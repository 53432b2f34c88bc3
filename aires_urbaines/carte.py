"""Map of the urban areas over the départements, drawn as inline SVG on the server: offline, no tiles, no script.

Outlines are projected and simplified once, at import (`importer_contours`), and stored as ready-made SVG paths;
drawing the map is then string output. Areas are circles placed at the population-weighted centre of the
départements of their communes. The renderer takes plain data (dicts or objects), so pages and PDF reports share it.
"""

import gzip
import json
import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.db import transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partenariat.commun import nombres
from partenariat.commun.graphiques import (
    COULEUR_TEXTE,
    COULEUR_TEXTE_SECONDAIRE,
    attributs,
    couper,
    document_svg,
    en_tete,
    nombre_svg,
    texte_svg,
)

from .services import ErreurTerritoire

MESSAGE_SANS_CONTOURS = gettext_lazy("Les contours ne sont pas chargés : lancez `python manage.py importer_contours`.")
# Département of each priority area's central commune: places them on the map before the INSEE import.
DEPARTEMENTS_POLES = {
    "001": "75",
    "002": "69",
    "003": "13",
    "004": "31",
    "005": "59",
    "006": "33",
    "007": "06",
    "008": "44",
    "009": "67",
    "010": "38",
    "011": "35",
    "015": "34",
}
FICHIER_DEPARTEMENTS = "departements-version-simplifiee.geojson"

# --- Projection -------------------------------------------------------------------------------------------------
# Equirectangular, shrunk east–west by cos(46.5°): shapes look right at the scale of metropolitan France and the
# formula stays trivial. Fixed bounds (not the data's) keep every import and every map in the same frame.
COTE = 1000.0
MARGE = 20.0
LON_MIN, LON_MAX = -5.25, 9.65
LAT_MIN, LAT_MAX = 41.3, 51.15
LAT_REFERENCE = 46.5
_COS_REFERENCE = math.cos(math.radians(LAT_REFERENCE))
ECHELLE = (COTE - 2 * MARGE) / max((LON_MAX - LON_MIN) * _COS_REFERENCE, LAT_MAX - LAT_MIN)
_DECALAGE_X = MARGE + (COTE - 2 * MARGE - (LON_MAX - LON_MIN) * _COS_REFERENCE * ECHELLE) / 2
_DECALAGE_Y = MARGE + (COTE - 2 * MARGE - (LAT_MAX - LAT_MIN) * ECHELLE) / 2
# Half a unit is about 400 m: invisible at any screen or print size, and it divides the number of points by ~3.
TOLERANCE_SIMPLIFICATION = 0.5


def projeter(lon, lat):
    """WGS84 longitude/latitude → (x, y) in the map's 0–1000 frame, y pointing down as in SVG."""
    return (
        _DECALAGE_X + (lon - LON_MIN) * _COS_REFERENCE * ECHELLE,
        _DECALAGE_Y + (LAT_MAX - lat) * ECHELLE,
    )


def _distance_segment(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    longueur2 = dx * dx + dy * dy
    if longueur2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / longueur2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplifier(points, tolerance=TOLERANCE_SIMPLIFICATION):
    """Douglas–Peucker on a polyline (iterative, so long coastlines cannot exhaust the recursion limit)."""
    if len(points) < 3:
        return list(points)
    garder = [False] * len(points)
    garder[0] = garder[-1] = True
    pile = [(0, len(points) - 1)]
    while pile:
        debut, fin = pile.pop()
        ecart, indice = 0.0, None
        for i in range(debut + 1, fin):
            d = _distance_segment(points[i], points[debut], points[fin])
            if d > ecart:
                ecart, indice = d, i
        if indice is not None and ecart > tolerance:
            garder[indice] = True
            pile.extend(((debut, indice), (indice, fin)))
    return [point for point, garde in zip(points, garder, strict=True) if garde]


def _dixiemes(valeur):
    """Integer tenths written as a decimal: 1234 → "123.4", -50 → "-5"."""
    signe = "-" if valeur < 0 else ""
    entier, dixieme = divmod(abs(valeur), 10)
    return f"{signe}{entier}.{dixieme}" if dixieme else f"{signe}{entier}"


def _anneau_svg(anneau):
    """One closed ring as "M x y l dx dy … z", in tenths so relative steps carry no rounding drift."""
    if len(anneau) > 3 and anneau[0] == anneau[-1]:
        anneau = anneau[:-1]
    # Split the closed ring at its farthest point so Douglas–Peucker has a real segment to measure against.
    premier = anneau[0]
    loin = max(range(len(anneau)), key=lambda i: (anneau[i][0] - premier[0]) ** 2 + (anneau[i][1] - premier[1]) ** 2)
    simplifie = simplifier(anneau[: loin + 1]) + simplifier([*anneau[loin:], premier])[1:-1]
    entiers = []
    for x, y in simplifie:
        point = (round(x * 10), round(y * 10))
        if not entiers or point != entiers[-1]:
            entiers.append(point)
    if len(entiers) > 1 and entiers[0] == entiers[-1]:
        entiers.pop()
    if len(entiers) < 3:
        return ""
    (x0, y0), morceaux = entiers[0], []
    for (xa, ya), (xb, yb) in zip(entiers, entiers[1:], strict=False):
        dx, dy = xb - xa, yb - ya
        morceaux.append(f"{_dixiemes(dx)}{' ' if dy >= 0 else ''}{_dixiemes(dy)}")
    return f"M{_dixiemes(x0)} {_dixiemes(y0)}l" + " ".join(morceaux) + "z"


def _aire_et_centre(anneau):
    """Signed area and centroid of a ring (shoelace formula)."""
    aire = cx = cy = 0.0
    for (xa, ya), (xb, yb) in zip(anneau, anneau[1:] + anneau[:1], strict=True):
        produit = xa * yb - xb * ya
        aire += produit
        cx += (xa + xb) * produit
        cy += (ya + yb) * produit
    aire /= 2
    if aire == 0:
        return 0.0, anneau[0]
    return aire, (cx / (6 * aire), cy / (6 * aire))


def contour_et_centre(geometrie: Mapping):
    """A GeoJSON Polygon/MultiPolygon in WGS84 → (SVG path "d", centre x, centre y) in the map's frame.

    The centre is the area-weighted centroid of the unsimplified outline, holes subtracted.
    Raises ValueError for any other geometry.
    """
    genre = geometrie.get("type")
    if genre == "Polygon":
        polygones = [geometrie["coordinates"]]
    elif genre == "MultiPolygon":
        polygones = geometrie["coordinates"]
    else:
        raise ValueError(
            _("géométrie « %(type)s » non prise en charge (Polygon ou MultiPolygon attendu)") % {"type": genre}
        )
    chemins, aire_totale, sx, sy = [], 0.0, 0.0, 0.0
    for polygone in polygones:
        for rang, anneau in enumerate(polygone):
            projete = [projeter(float(lon), float(lat)) for lon, lat, *_autres in anneau]
            if len(projete) < 3:
                continue
            aire, (cx, cy) = _aire_et_centre(projete)
            poids = abs(aire) if rang == 0 else -abs(aire)
            aire_totale += poids
            sx += cx * poids
            sy += cy * poids
            chemins.append(_anneau_svg(projete))
    chemin = "".join(chemins)
    if not chemin or aire_totale <= 0:
        raise ValueError(_("contour vide"))
    return chemin, round(sx / aire_totale, 1), round(sy / aire_totale, 1)


def importer_contours(dossier) -> dict[str, int]:
    """Load the départements' outlines from `dossier`, all or nothing; re-running updates rather than duplicates.

    Returns {"crees": n, "mis_a_jour": n}.
    """
    from aires_urbaines.models import Departement

    chemin = Path(dossier) / FICHIER_DEPARTEMENTS
    if not Path(dossier).is_dir():
        raise ErreurTerritoire(_("Dossier introuvable : %(dossier)s") % {"dossier": dossier})
    if not chemin.is_file() and chemin.with_name(chemin.name + ".gz").is_file():
        chemin = chemin.with_name(chemin.name + ".gz")
    if not chemin.is_file():
        raise ErreurTerritoire(_("Fichier introuvable : %(fichier)s") % {"fichier": chemin})
    ouvrir = gzip.open if chemin.suffix == ".gz" else open
    try:
        with ouvrir(chemin, "rt", encoding="utf-8") as flux:
            entites = json.load(flux)["features"]
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ErreurTerritoire(
            _("Fichier illisible (GeoJSON attendu) : %(fichier)s (%(erreur)s)") % {"fichier": chemin, "erreur": exc}
        ) from exc
    compteur = {"crees": 0, "mis_a_jour": 0}
    with transaction.atomic():
        for numero, entite in enumerate(entites, start=1):
            try:
                proprietes = entite["properties"]
                code, nom = str(proprietes["code"]).strip(), str(proprietes["nom"]).strip()
                contour, centre_x, centre_y = contour_et_centre(entite["geometry"])
            except (KeyError, TypeError, ValueError, IndexError) as exc:
                raise ErreurTerritoire(
                    _("Entité n° %(numero)s invalide dans %(fichier)s : %(erreur)s")
                    % {"numero": numero, "fichier": chemin.name, "erreur": exc}
                ) from exc
            if not code or len(code) > 3:
                raise ErreurTerritoire(
                    _("Entité n° %(numero)s : code de département invalide « %(code)s ».")
                    % {"numero": numero, "code": code}
                )
            _departement, cree = Departement.objects.update_or_create(
                code=code, defaults={"nom": nom, "contour": contour, "centre_x": centre_x, "centre_y": centre_y}
            )
            compteur["crees" if cree else "mis_a_jour"] += 1
    if not any(compteur.values()):
        raise ErreurTerritoire(_("Aucun département dans %(fichier)s.") % {"fichier": chemin})
    return compteur


# --- Positions --------------------------------------------------------------------------------------------------


def centres_departements():
    """{code: (x, y)} of every loaded département, in one query."""
    from aires_urbaines.models import Departement

    return {code: (x, y) for code, x, y in Departement.objects.values_list("code", "centre_x", "centre_y")}


def positions_aires(aire_ids, *, departement_par_aire=None, centres=None) -> dict[int, tuple[float, float]]:
    """{aire id: (x, y)}: the population-weighted mean of the centres of the départements of each area's communes.

    One aggregated query on communes plus one on départements (none when `centres` is given), whatever the number
    of areas. An area with no commune (demo data before the INSEE import) is placed at the centre of the
    département given for it in `departement_par_aire` ({aire id: code}), else left out of the result.
    """
    from aires_urbaines.models import Commune

    aire_ids = list(aire_ids)
    if not aire_ids:
        return {}
    if centres is None:
        centres = centres_departements()
    # Per area: weighted x, weighted y, weight, plain x, plain y, count (plain mean when every population is 0).
    sommes = defaultdict(lambda: [0.0, 0.0, 0, 0.0, 0.0, 0])
    lignes = (
        Commune.objects.filter(aire_urbaine_id__in=aire_ids)
        .order_by()
        .values("aire_urbaine_id", "departement")
        .annotate(habitants=Sum("population"))
    )
    for ligne in lignes:
        centre = centres.get(ligne["departement"])
        if centre is None:
            continue
        somme, poids = sommes[ligne["aire_urbaine_id"]], ligne["habitants"] or 0
        somme[0] += centre[0] * poids
        somme[1] += centre[1] * poids
        somme[2] += poids
        somme[3] += centre[0]
        somme[4] += centre[1]
        somme[5] += 1
    positions = {}
    for aire_id, (wx, wy, poids, x, y, nombre) in sommes.items():
        positions[aire_id] = (wx / poids, wy / poids) if poids else (x / nombre, y / nombre)
    for aire_id, code in (departement_par_aire or {}).items():
        if aire_id not in positions and code in centres:
            positions[aire_id] = centres[code]
    return positions


# --- Rendering --------------------------------------------------------------------------------------------------

MODE_PHASE = "phase"
MODE_AVANCEMENT = "avancement"

FOND_DEPARTEMENT = "#f4f4f2"
TRAIT_DEPARTEMENT = "#a8a8a8"
TRAIT_CERCLE = "#1e1e1e"
# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies; every circle also has a dark rim.
PALETTE_PHASES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
COULEUR_HORS_DISPOSITIF = "#ffffff"
# Sequential blues: darker means further along, readable without colour names.
TRANCHES_AVANCEMENT = (
    (None, "#ffffff", gettext_lazy("Aucun objectif")),
    (50.0, "#c6dbef", gettext_lazy("Moins de 50 %")),
    (100.0, "#6baed6", gettext_lazy("De 50 à 100 %")),
    # xgettext:no-python-format
    (math.inf, "#08519c", gettext_lazy("100 % et plus")),
)

RAYON_MINIMUM = 5.0
# Paris (12.2 million inhabitants) gets a radius of about 42 units; circle areas are proportional to population.
POPULATION_REFERENCE, RAYON_REFERENCE = 12_000_000, 42.0
TAILLE_LEGENDE = 22
# In pages the map fills its column (351 CSS px on a 375 px phone, 1000 units wide): 36 units render at 12.6 px.
# The PDF's A4 column is about twice as wide, so it keeps smaller text.
TAILLE_TEXTE_PAGE = 36


class CarteAires(SafeString):
    """The map's SVG (a SafeString, printable as is) plus what it could not show, for the text beside it.

    Attributes: `resume` (sentence for the caption), `placees` (number of circles), `non_placees` and
    `outre_mer` (lists of "Nom (code)").
    """

    def __new__(cls, svg="", *, resume="", placees=0, non_placees=(), outre_mer=()):
        instance = super().__new__(cls, svg)
        instance.resume = resume
        instance.placees = placees
        instance.non_placees = list(non_placees)
        instance.outre_mer = list(outre_mer)
        return instance

    def __reduce__(self):
        etat = {"resume": self.resume, "placees": self.placees}
        etat |= {"non_placees": self.non_placees, "outre_mer": self.outre_mer}
        return (_reconstruire_carte, (str.__str__(self), etat))


def _reconstruire_carte(svg, etat):
    return CarteAires(svg, **etat)


def _champ(element, *noms):
    """Read the first present field of a dict or an object, so callers may pass values() rows or instances."""
    for nom in noms:
        if isinstance(element, Mapping):
            if nom in element:
                return element[nom]
        elif hasattr(element, nom):
            return getattr(element, nom)
    return None


def url_aire(code):
    """The area's page; the literal path only stands in while the URLconf does not have it (early demo)."""
    try:
        return reverse("aires_urbaines:aire_detail", args=[code])
    except NoReverseMatch:
        return f"/aires/{code}/"


def _rayon(population):
    return max(RAYON_MINIMUM, RAYON_REFERENCE * math.sqrt(max(population or 0, 0) / POPULATION_REFERENCE))


def _tranche(taux):
    """(colour, legend label) of a completion rate; the last bucket's infinite bound catches every rate."""
    sans_objectif, *tranches = TRANCHES_AVANCEMENT
    if taux is None:
        return sans_objectif[1], str(sans_objectif[2])
    return next((couleur, str(libelle)) for seuil, couleur, libelle in tranches if taux < seuil)


ANGLE_OR = math.pi * (3 - math.sqrt(5))


def ecarter(placees):
    """Fan out areas sharing one point (all their communes in one département) around the largest of them.

    `placees` is [(aire, (x, y))], largest first; golden-angle turns keep the result deterministic and even.
    """
    premiers = {}
    resultat = []
    for aire, (x, y) in placees:
        cle = (round(x), round(y))
        if cle not in premiers:
            premiers[cle] = [_rayon(aire["population"]), 0]
            resultat.append((aire, (x, y)))
            continue
        rayon_central, rang = premiers[cle]
        rang += 1
        premiers[cle][1] = rang
        distance = rayon_central + _rayon(aire["population"]) + 1 + 2 * (rang - 1)
        angle = rang * ANGLE_OR
        resultat.append((aire, (x + distance * math.cos(angle), y + distance * math.sin(angle))))
    return resultat


def _nom_code(aire):
    return f"{aire['nom']} ({aire['code']})"


def render_carte_aires(
    aires: Iterable,
    *,
    mode=MODE_PHASE,
    titre=None,
    phases=None,
    positions=None,
    liens=True,
) -> CarteAires | None:
    """The map of `aires`, coloured by rollout phase or by completion rate; None when no outline is loaded.

    Each element of `aires` is a dict or an object with `code`, `nom`, `population`, `phase` (label, or None
    when out of the scheme; `phase_libelle` is read too), `taux` (completion rate in percent, or None) and
    optionally `id`/`pk` (to place it from its communes), `departement` (fallback placement) and `url`.
    `phases` fixes the legend's order and colours (labels, e.g. in PhaseDeploiement order); by default, the
    labels present, sorted. `positions` ({aire id: (x, y)}) skips the placement queries.
    With `liens`, each circle links to the area's page and the root is a named group (a role="img" may not
    hold links); without (PDF), the root is role="img". Overseas areas (codes 9xx) are left off the map.
    Queries: one for the outlines, one for the placement (none with `positions`).
    """
    from aires_urbaines.models import Departement

    if mode not in (MODE_PHASE, MODE_AVANCEMENT):
        raise ValueError(f"mode inconnu : {mode!r}")
    departements = list(Departement.objects.order_by("code").values_list("code", "contour", "centre_x", "centre_y"))
    if not departements:
        return None
    centres = {code: (x, y) for code, _contour, x, y in departements}

    lues = [
        {
            "id": _champ(aire, "id", "pk"),
            "code": str(_champ(aire, "code")),
            "nom": str(_champ(aire, "nom") or ""),
            "population": _champ(aire, "population") or 0,
            "phase": str(_champ(aire, "phase", "phase_libelle") or "") or None,
            "taux": _champ(aire, "taux"),
            "departement": _champ(aire, "departement"),
            "url": _champ(aire, "url"),
        }
        for aire in aires
    ]
    outre_mer = [aire for aire in lues if aire["code"].startswith("9")]
    metropole = [aire for aire in lues if not aire["code"].startswith("9")]
    if positions is None:
        avec_id = [aire for aire in metropole if aire["id"] is not None]
        indications = {aire["id"]: aire["departement"] for aire in avec_id if aire["departement"]}
        positions = positions_aires([aire["id"] for aire in avec_id], departement_par_aire=indications, centres=centres)
    placees, non_placees = [], []
    for aire in metropole:
        position = positions.get(aire["id"]) if aire["id"] is not None else None
        if position is None and aire["departement"] in centres:
            position = centres[aire["departement"]]
        if position is None:
            non_placees.append(aire)
        else:
            placees.append((aire, position))

    # Legend entries (colour, label) in reading order, and how each area is drawn.
    if mode == MODE_PHASE:
        titre = titre or _("Aires urbaines par phase de déploiement")
        presentes = {aire["phase"] for aire, _position in placees if aire["phase"]}
        ordre = [str(phase) for phase in phases] if phases is not None else sorted(presentes)
        ordre += sorted(presentes - set(ordre))
        couleurs = {phase: PALETTE_PHASES[i % len(PALETTE_PHASES)] for i, phase in enumerate(ordre)}
        hors = str(_("Hors dispositif"))

        def style(aire):
            if aire["phase"]:
                return couleurs[aire["phase"]], str(aire["phase"])
            return COULEUR_HORS_DISPOSITIF, hors

        entrees = [(couleurs[phase], str(phase)) for phase in ordre] + [(COULEUR_HORS_DISPOSITIF, hors)]
    else:
        titre = titre or _("Aires urbaines par taux de réalisation des objectifs")

        def style(aire):
            return _tranche(aire["taux"])

        entrees = [(couleur, str(libelle)) for _seuil, couleur, libelle in TRANCHES_AVANCEMENT]
    comptes = defaultdict(int)
    for aire, _position in placees:
        comptes[style(aire)[1]] += 1

    taille_titre, taille_legende, taille_note = (TAILLE_TEXTE_PAGE,) * 3 if liens else (26, TAILLE_LEGENDE, 18)
    tete, hauteur_en_tete = en_tete(titre, COTE, taille=taille_titre, marge=20)
    morceaux = [tete]
    fond = attributs(
        fill=FOND_DEPARTEMENT, stroke=TRAIT_DEPARTEMENT, stroke_width=0.8, stroke_linejoin="round", class_="carte-fond"
    )
    morceaux.append(f'<g transform="translate(0 {nombre_svg(hauteur_en_tete)})"><g {fond}>')
    morceaux.extend(f'<path d="{escape(contour)}"/>' for _code, contour, _x, _y in departements)
    morceaux.append(f"</g><g {attributs(stroke=TRAIT_CERCLE, stroke_width=1, class_='carte-cercles')}>")
    # Largest first, so small areas stay on top and clickable.
    for aire, (x, y) in ecarter(sorted(placees, key=lambda paire: (-paire[0]["population"], paire[0]["code"]))):
        couleur, libelle = style(aire)
        if mode == MODE_AVANCEMENT and aire["taux"] is not None:
            libelle = _("taux de réalisation %(taux)s") % {"taux": nombres.pourcentage(aire["taux"])}
        habitants = ngettext("%(nombre)s habitant", "%(nombre)s habitants", aire["population"]) % {
            "nombre": nombres.nombre(aire["population"])
        }
        infobulle = f"{_nom_code(aire)} — {libelle} — {habitants}"
        cercle = attributs(cx=float(x), cy=float(y), r=float(_rayon(aire["population"])), fill=couleur)
        if liens:
            lien = attributs(href=aire["url"] or url_aire(aire["code"]), aria_label=infobulle, class_="carte-aire")
            morceaux.append(f"<a {lien}><title>{escape(infobulle)}</title><circle {cercle}/></a>")
        else:
            morceaux.append(f"<circle {cercle}><title>{escape(infobulle)}</title></circle>")
    morceaux.append("</g></g>")

    y = hauteur_en_tete + COTE + 10 + taille_legende / 2
    interligne = taille_legende * 1.4
    rayon_legende = taille_legende * 0.45
    for couleur, libelle in entrees:
        rond = attributs(
            cx=20 + rayon_legende,
            cy=float(y - taille_legende * 0.32),
            r=rayon_legende,
            fill=couleur,
            stroke=TRAIT_CERCLE,
            stroke_width=1,
        )
        morceaux.append(f"<circle {rond}/>")
        x_texte = 20 + 2 * rayon_legende + 12
        for ligne in couper(f"{libelle} ({comptes.get(libelle, 0)})", COTE - x_texte - 20, taille_legende):
            morceaux.append(texte_svg(x_texte, y, ligne, taille=taille_legende, couleur=COULEUR_TEXTE))
            y += interligne
    note = _("Surface des cercles proportionnelle à la population (2010).")
    y += taille_note * 0.2
    for ligne in couper(note, COTE - 40, taille_note):
        morceaux.append(texte_svg(20, y, ligne, taille=taille_note, couleur=COULEUR_TEXTE_SECONDAIRE))
        y += taille_note * 1.3
    hauteur = y

    phrases = [
        ngettext(
            "%(nombre)s aire urbaine placée sur la carte.",
            "%(nombre)s aires urbaines placées sur la carte.",
            len(placees),
        )
        % {"nombre": nombres.nombre(len(placees))},
        " ; ".join(f"{libelle} : {comptes.get(libelle, 0)}" for _couleur, libelle in entrees) + ".",
    ]
    if non_placees:
        phrases.append(
            _("Non placées (aucune commune connue) : %(aires)s.")
            % {"aires": ", ".join(_nom_code(aire) for aire in non_placees)}
        )
    if outre_mer:
        phrases.append(
            _("Outre-mer, hors carte : %(aires)s.") % {"aires": ", ".join(_nom_code(aire) for aire in outre_mer)}
        )
    resume = " ".join(phrases)
    svg = document_svg(
        "".join(morceaux),
        titre=titre,
        description=resume,
        largeur=COTE,
        hauteur=hauteur,
        classe="carte-svg",
        role="group" if liens else "img",
        prefixe="carte",
    )
    return CarteAires(
        svg,
        resume=resume,
        placees=len(placees),
        non_placees=[_nom_code(aire) for aire in non_placees],
        outre_mer=[_nom_code(aire) for aire in outre_mer],
    )
