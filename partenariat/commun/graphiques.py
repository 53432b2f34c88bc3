"""Charts drawn as inline SVG on the server: no script, no CDN, the same markup in pages and WeasyPrint PDFs.

The Content-Security-Policy forbids inline styles, so every drawing property is an SVG presentation attribute
(the PDF needs no stylesheet); static/css/graphiques.css only sizes the charts and styles hover and focus.
Every chart has role="img" with a <title> and a <desc> summarising the data in words; pages also show the
figures in a table. Every text coming from callers is XML-escaped before the result is marked safe.
Output is deterministic (same input, same bytes) so pages can be cached and tests can compare.
"""

import datetime
import hashlib
import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partenariat.commun.dates import date_courte
from partenariat.commun.nombres import nombre as format_nombre
from partenariat.commun.nombres import pourcentage as format_pourcentage

POLICE = "DejaVu Sans, Verdana, Arial, sans-serif"

# Text colours keep WCAG AA contrast on white (16.7:1, 8.9:1, 6.5:1); shapes keep at least 3:1.
COULEUR_TEXTE = "#1e1e1e"
COULEUR_TEXTE_SECONDAIRE = "#4a4a4a"
COULEUR_REALISE = "#1d3f72"
COULEUR_CIBLE = "#7a8aa6"
COULEUR_LIGNE_CIBLE = "#b3261e"
COULEUR_AXE = "#6b7280"
COULEUR_GRILLE = "#d9dce1"
COULEUR_FOND_JAUGE = "#eceef1"

# Conservative widths (DejaVu Sans digits are 0.64 em, bold ones 0.70 em) and vertical extents of a text line,
# used to keep labels clear of lines and bars: an estimate wider than the real text only leaves more room.
LARGEUR_GLYPHE_SURE, LARGEUR_GLYPHE_GRAS = 0.66, 0.74
MONTEE, DESCENTE = 0.8, 0.25
# Smallest font size drawn in a chart, in viewBox units; graphiques.css gives each chart a minimum width of
# viewBox width × 12 / TAILLE_MINIMUM CSS px, so no text renders below 12 px (tests/e2e/test_graphiques_lisibles.py).
TAILLE_MINIMUM = 14


class Graphique(SafeString):
    """A chart's SVG (printable as is) that also knows its title, to name the scroll region around it in pages."""

    def __new__(cls, svg="", *, titre=""):
        instance = super().__new__(cls, svg)
        instance.titre = str(titre)
        return instance

    def __reduce__(self):
        return (_reconstruire_graphique, (str.__str__(self), self.titre))


def _reconstruire_graphique(svg, titre):
    return Graphique(svg, titre=titre)


# --- Label geometry ----------------------------------------------------------------------------------------------
# Pure data, so tests can check that no label is crossed by a line or a bar without parsing SVG.


@dataclass(frozen=True)
class Boite:
    """An axis-aligned box: left, top, width, height (SVG units, y down)."""

    x: float
    y: float
    largeur: float
    hauteur: float

    @property
    def droite(self):
        return self.x + self.largeur

    @property
    def bas(self):
        return self.y + self.hauteur

    def chevauche(self, autre):
        return self.x < autre.droite and autre.x < self.droite and self.y < autre.bas and autre.y < self.bas

    def dans(self, autre):
        return self.x >= autre.x and self.y >= autre.y and self.droite <= autre.droite and self.bas <= autre.bas


@dataclass(frozen=True)
class Etiquette:
    """One line of text and the box it may cover once drawn."""

    x: float
    y: float
    texte: str
    taille: float
    ancre: str = "start"
    gras: bool = False
    couleur: str = COULEUR_TEXTE

    @property
    def boite(self):
        return boite_texte(self.x, self.y, self.texte, self.taille, ancre=self.ancre, gras=self.gras)

    def svg(self):
        ancre = None if self.ancre == "start" else self.ancre
        return texte_svg(
            self.x, self.y, self.texte, taille=self.taille, couleur=self.couleur, ancre=ancre, gras=self.gras
        )


@dataclass
class Disposition:
    """What a chart draws, as geometry: its shapes in drawing order, then its labels on top.

    `formes` holds (kind, geometry, SVG attributes): ("ligne", (p, q)), ("chemin", [points]), ("rect", Boite),
    ("cercle", (cx, cy, r)). `segments` and `rectangles` derive from them, for the legibility checks.
    """

    largeur: float
    hauteur: float
    etiquettes: list = field(default_factory=list)
    formes: list = field(default_factory=list)

    def ligne(self, debut, fin, **attrs):
        self.formes.append(("ligne", (debut, fin), attrs))

    def chemin(self, points, **attrs):
        self.formes.append(("chemin", list(points), attrs))

    def rect(self, boite, **attrs):
        self.formes.append(("rect", boite, attrs))

    def cercle(self, cx, cy, r, **attrs):
        self.formes.append(("cercle", (cx, cy, r), attrs))

    @property
    def segments(self):
        resultat = []
        for genre, geometrie, _attrs in self.formes:
            if genre == "ligne":
                resultat.append(geometrie)
            elif genre == "chemin":
                resultat += list(zip(geometrie, geometrie[1:], strict=False))
        return resultat

    @property
    def rectangles(self):
        resultat = []
        for genre, geometrie, _attrs in self.formes:
            if genre == "rect":
                resultat.append(geometrie)
            elif genre == "cercle":
                cx, cy, r = geometrie
                resultat.append(Boite(cx - r, cy - r, 2 * r, 2 * r))
        return resultat

    def svg(self):
        morceaux = []
        for genre, geometrie, attrs in self.formes:
            if genre == "ligne":
                (x1, y1), (x2, y2) = geometrie
                morceaux.append(ligne_svg(x1, y1, x2, y2, **attrs))
            elif genre == "chemin":
                (x0, y0), *suite = geometrie
                d = [f"M{nombre_svg(x0)} {nombre_svg(y0)}"]
                for (xa, ya), (x, y) in zip(geometrie, suite, strict=False):
                    if y == ya:
                        d.append(f"H{nombre_svg(x)}")
                    elif x == xa:
                        d.append(f"V{nombre_svg(y)}")
                    else:
                        d.append(f"L{nombre_svg(x)} {nombre_svg(y)}")
                d = "".join(d)
                morceaux.append(f"<path {attributs(d=d, fill='none', **attrs)}/>")
            elif genre == "rect":
                morceaux.append(rect_svg(geometrie.x, geometrie.y, geometrie.largeur, geometrie.hauteur, **attrs))
            else:
                cx, cy, r = geometrie
                attrs = dict(attrs)
                infobulle = attrs.pop("infobulle", None)
                cercle = attributs(cx=float(cx), cy=float(cy), r=float(r), **attrs)
                if infobulle is None:
                    morceaux.append(f"<circle {cercle}/>")
                else:
                    morceaux.append(f"<circle {cercle}><title>{escape(infobulle)}</title></circle>")
        morceaux += [etiquette.svg() for etiquette in self.etiquettes]
        return "".join(morceaux)


def boite_texte(x, y, texte, taille, *, ancre="start", gras=False):
    """The box a text line may cover, from its anchor point (x, baseline y), its length and its font size."""
    largeur = len(texte) * taille * (LARGEUR_GLYPHE_GRAS if gras else LARGEUR_GLYPHE_SURE)
    gauche = {"start": x, "middle": x - largeur / 2, "end": x - largeur}[ancre]
    return Boite(gauche, y - MONTEE * taille, largeur, (MONTEE + DESCENTE) * taille)


def segment_coupe(debut, fin, boite):
    """Whether the segment touches the box (Liang–Barsky clipping)."""
    (x1, y1), (x2, y2) = debut, fin
    dx, dy = x2 - x1, y2 - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - boite.x), (dx, boite.droite - x1), (-dy, y1 - boite.y), (dy, boite.bas - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def conflits(disposition):
    """Every label crossed by a segment, covering a bar or another label, or leaving the drawing: [] when legible."""
    cadre = Boite(0, 0, disposition.largeur, disposition.hauteur)
    trouves = []
    boites = [(etiquette, etiquette.boite) for etiquette in disposition.etiquettes]
    for i, (etiquette, boite) in enumerate(boites):
        if not boite.dans(cadre):
            trouves.append((etiquette.texte, "hors cadre"))
        trouves += [(etiquette.texte, segment) for segment in disposition.segments if segment_coupe(*segment, boite)]
        trouves += [(etiquette.texte, rect) for rect in disposition.rectangles if rect.chevauche(boite)]
        trouves += [(etiquette.texte, autre.texte) for autre, b in boites[i + 1 :] if b.chevauche(boite)]
    return trouves


def libre(boite, disposition, *, cadre=None, marge=2):
    """Whether a label box could go there: inside `cadre` (the drawing by default), `marge` units clear of
    everything drawn yet."""
    cadre = cadre or Boite(0, 0, disposition.largeur, disposition.hauteur)
    if not boite.dans(cadre):
        return False
    boite = Boite(boite.x - marge, boite.y - marge, boite.largeur + 2 * marge, boite.hauteur + 2 * marge)
    return (
        not any(segment_coupe(*segment, boite) for segment in disposition.segments)
        and not any(rect.chevauche(boite) for rect in disposition.rectangles)
        and not any(etiquette.boite.chevauche(boite) for etiquette in disposition.etiquettes)
    )


def nombre_svg(valeur):
    """A coordinate with at most one decimal and no trailing zero, to keep the markup short and stable."""
    texte = f"{valeur:.1f}".rstrip("0").rstrip(".")
    return "0" if texte == "-0" else texte


def attributs(**valeurs):
    """SVG attributes from keyword arguments (trailing underscore dropped, other underscores → dashes), escaped."""
    morceaux = []
    for nom, valeur in valeurs.items():
        if valeur is None:
            continue
        nom = nom.rstrip("_").replace("_", "-")
        if isinstance(valeur, float):
            valeur = nombre_svg(valeur)
        morceaux.append(f'{nom}="{escape(str(valeur))}"')
    return " ".join(morceaux)


def texte_svg(x, y, contenu, *, taille=14, couleur=COULEUR_TEXTE, ancre=None, gras=False, classe=None):
    """One line of text; `contenu` is escaped here."""
    attrs = attributs(
        x=float(x),
        y=float(y),
        font_size=taille,
        fill=couleur,
        text_anchor=ancre,
        font_weight="bold" if gras else None,
        class_=classe,
    )
    return f"<text {attrs}>{escape(contenu)}</text>"


def ligne_svg(x1, y1, x2, y2, **autres):
    return f"<line {attributs(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **autres)}/>"


def rect_svg(x, y, largeur, hauteur, **autres):
    return f"<rect {attributs(x=float(x), y=float(y), width=float(largeur), height=float(hauteur), **autres)}/>"


def couper(contenu, largeur, taille, *, gras=False):
    """Wrap a label on words (long words cut) so it fits `largeur` units at font size `taille`."""
    max_car = max(8, int(largeur / (taille * (LARGEUR_GLYPHE_GRAS if gras else LARGEUR_GLYPHE_SURE))))
    return textwrap.wrap(str(contenu), max_car) or [""]


def document_svg(
    corps,
    *,
    titre,
    description,
    largeur,
    hauteur,
    classe="graphique-svg",
    role="img",
    prefixe="graphique",
    taille_fixe=False,
):
    """Wrap escaped-by-construction markup in an accessible <svg> root.

    `corps` must already be safe markup; `titre` and `description` are escaped here. Identifiers derive from a
    hash of the content, so the output stays deterministic while two different charts on a page never clash.
    With role="img" the title and description both name the picture; any other role (a map holding links)
    keeps the title as the name and the description as its description.
    Without `taille_fixe` the root has only a viewBox, so the chart takes its container's width (an A4 column in
    WeasyPrint, a width capped by graphiques.css in pages); small gauges keep a fixed size.
    """
    empreinte = hashlib.sha1(f"{titre}\x00{description}\x00{corps}".encode()).hexdigest()[:10]
    id_titre, id_desc = f"{prefixe}-{empreinte}-titre", f"{prefixe}-{empreinte}-desc"
    if role == "img":
        aria = attributs(role=role, aria_labelledby=f"{id_titre} {id_desc}")
    else:
        aria = attributs(role=role, aria_labelledby=id_titre, aria_describedby=id_desc)
    racine = attributs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {nombre_svg(largeur)} {nombre_svg(hauteur)}",
        width=float(largeur) if taille_fixe else None,
        height=float(hauteur) if taille_fixe else None,
        class_=classe,
        font_family=POLICE,
    )
    return Graphique(
        f"<svg {racine} {aria}>"
        f'<title id="{id_titre}">{escape(titre)}</title>'
        f'<desc id="{id_desc}">{escape(description)}</desc>'
        f"{corps}</svg>",
        titre=titre,
    )


def lignes_titre(titre, largeur, *, taille=18, marge=10):
    """The visible title as wrapped bold labels; returns (labels, height used)."""
    lignes = couper(titre, largeur - 2 * marge, taille, gras=True)
    interligne = taille * 1.3
    etiquettes = [
        Etiquette(marge, marge + taille + i * interligne, ligne, taille, gras=True) for i, ligne in enumerate(lignes)
    ]
    return etiquettes, marge + len(lignes) * interligne + marge / 2


def en_tete(titre, largeur, *, taille=18, marge=10):
    """The visible title, wrapped; returns (markup, height used)."""
    etiquettes, hauteur = lignes_titre(titre, largeur, taille=taille, marge=marge)
    return "".join(etiquette.svg() for etiquette in etiquettes), hauteur


def graphique_vide(titre, *, largeur=720, message=None):
    """The chart that says there is nothing to draw yet, so templates need no special case."""
    message = message or _("Aucune donnée")
    tete, hauteur_tete = en_tete(titre, largeur)
    hauteur = hauteur_tete + 40
    corps = tete + texte_svg(10, hauteur_tete + 24, message, taille=15, couleur=COULEUR_TEXTE_SECONDAIRE)
    return document_svg(
        corps, titre=titre, description=message, largeur=largeur, hauteur=hauteur, classe="graphique-svg graphique-vide"
    )


def _taux(realise, cible):
    return realise * 100.0 / cible if cible else None


def _resume_ligne(libelle, cible, realise):
    taux = _taux(realise, cible)
    suite = f" ({format_pourcentage(taux)})" if taux is not None else ""
    return _("%(libelle)s : cible %(cible)s, réalisé %(realise)s%(taux)s.") % {
        "libelle": libelle,
        "cible": format_nombre(cible),
        "realise": format_nombre(realise),
        "taux": suite,
    }


def disposition_barres(lignes, *, titre, largeur=720):
    """Where `barres_par_dispositif` puts its bars and labels: values right of their bar, in a margin as wide as
    the longest value label, so no label ever covers a bar; the zero line runs beside the bars only."""
    marge, taille, taille_libelle, hauteur_barre, ecart = 10, TAILLE_MINIMUM, 15, 20, 4
    maximum = max(max(cible, realise) for _libelle, cible, realise in lignes) or 1
    barres_par_ligne = []
    for _libelle, cible, realise in lignes:
        taux = _taux(realise, cible)
        etiquette_realise = format_nombre(realise)
        if taux is not None:
            etiquette_realise += f" ({format_pourcentage(taux)})"
        barres_par_ligne.append(
            (
                (cible, COULEUR_CIBLE, _("cible %(valeur)s") % {"valeur": format_nombre(cible)}),
                (realise, COULEUR_REALISE, _("réalisé %(valeur)s") % {"valeur": etiquette_realise}),
            )
        )
    plus_longue = max(
        boite_texte(0, 0, etiquette, taille).largeur for barres in barres_par_ligne for _v, _c, etiquette in barres
    )
    x0 = marge
    largeur_utile = max(largeur / 4, largeur - 2 * marge - plus_longue - 8)

    disposition = Disposition(largeur, 0)
    disposition.etiquettes, y = lignes_titre(titre, largeur)
    # Legend first: readers learn the two colours before the bars.
    legende_y = y + 4
    lx = marge
    for nom, couleur in ((_("Cible"), COULEUR_CIBLE), (_("Réalisé"), COULEUR_REALISE)):
        disposition.rect(Boite(lx, legende_y, 14, 14), fill=couleur)
        etiquette = Etiquette(lx + 20, legende_y + 12, nom, taille)
        disposition.etiquettes.append(etiquette)
        lx = etiquette.boite.droite + 24
    y = legende_y + 32

    for (libelle, _cible, _realise), barres in zip(lignes, barres_par_ligne, strict=True):
        for ligne in couper(libelle, largeur - 2 * marge, taille_libelle, gras=True):
            disposition.etiquettes.append(Etiquette(x0, y + taille_libelle, ligne, taille_libelle, gras=True))
            y += taille_libelle * 1.3
        y += 6
        haut_groupe = y
        for valeur, couleur, etiquette in barres:
            longueur = largeur_utile * max(valeur, 0) / maximum
            disposition.rect(Boite(x0, y, longueur, hauteur_barre), fill=couleur)
            disposition.etiquettes.append(Etiquette(x0 + longueur + 6, y + hauteur_barre - 5, etiquette, taille))
            y += hauteur_barre + ecart
        # Baseline: bars start from zero, which a reader should see; it stops short of the scheme's name.
        disposition.ligne((x0, haut_groupe - 2), (x0, y - ecart + 2), stroke=COULEUR_AXE)
        y += 14
    disposition.hauteur = y
    return disposition


def barres_par_dispositif(lignes: Iterable[tuple[str, float, float]], *, titre, largeur=720) -> SafeString:
    """Horizontal bars, target beside achieved, one group per scheme.

    `lignes` is [(libellé, cible, réalisé)] in display order. With no line, returns the « Aucune donnée » chart
    (never None), so a template can always print the result.
    """
    lignes = [(str(libelle), cible or 0, realise or 0) for libelle, cible, realise in lignes]
    if not lignes:
        return graphique_vide(titre, largeur=largeur)
    disposition = disposition_barres(lignes, titre=titre, largeur=largeur)
    description = " ".join(_resume_ligne(*ligne) for ligne in lignes)
    return document_svg(
        disposition.svg(),
        titre=titre,
        description=description,
        largeur=largeur,
        hauteur=disposition.hauteur,
        classe="graphique-svg graphique-barres",
    )


def _pas_graduation(maximum, nombre=4):
    """A round step (1, 2, 2.5 or 5 × 10^k) giving about `nombre` ticks up to `maximum`."""
    brut = maximum / nombre
    puissance = 10 ** math.floor(math.log10(brut))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= brut:
            return facteur * puissance
    return 10 * puissance  # pragma: no cover


def _jour(valeur):
    return valeur.date() if isinstance(valeur, datetime.datetime) else valeur


def _placer(disposition, candidats, *, cadre):
    """The first candidate label whose box is free, added to the drawing; None when every place is taken."""
    for etiquette in candidats:
        if libre(etiquette.boite, disposition, cadre=cadre):
            disposition.etiquettes.append(etiquette)
            return etiquette
    return None


def disposition_courbe(points, *, cible=None, titre, largeur=720, hauteur=340):
    """Where `courbe_avancement` draws: grid, axes, step line, target line and labels, none crossed by a line.

    `points` is sorted [(date, cumul)], not empty. The target's and the last total's labels try places along
    their line or around the point; when every place is crossed (a line hugging the target), they move to a
    legend row between the title and the plot.
    """
    etiquette_cible = _("Cible : %(valeur)s") % {"valeur": format_nombre(cible)} if cible is not None else None
    a_placer = ["cumul"] + (["cible"] if cible is not None else [])
    en_legende = set()
    for _essai in range(3):
        disposition, manquants = _essai_courbe(
            points, cible, etiquette_cible, titre, largeur, hauteur, a_placer, en_legende
        )
        if not manquants:
            return disposition
        en_legende |= manquants
    return disposition  # pragma: no cover (the legend row always has room)


def _essai_courbe(points, cible, etiquette_cible, titre, largeur, hauteur, a_placer, en_legende):
    taille = TAILLE_MINIMUM
    disposition = Disposition(largeur, hauteur)
    disposition.etiquettes, haut = lignes_titre(titre, largeur)
    legende_y = haut + taille
    if en_legende:
        haut += taille * 1.6
    haut += 24
    bas = 40
    bas_trace = hauteur - bas
    premiere_annee, derniere_annee = points[0][0].year, points[-1][0].year
    debut = datetime.date(premiere_annee, 1, 1).toordinal()
    fin = datetime.date(derniere_annee + 1, 1, 1).toordinal()
    maximum = max(max(cumul for _jour_, cumul in points), cible or 0, 0) or 1
    pas = _pas_graduation(maximum)
    sommet = pas * math.ceil(maximum * 1.05 / pas)
    graduations = []
    graduation = 0
    while graduation <= sommet + pas / 1000:
        graduations.append((graduation, format_nombre(graduation, 1 if pas < 1 else 0)))
        graduation += pas
    gauche = max(60, 12 + max(boite_texte(0, 0, texte, taille).largeur for _g, texte in graduations))
    droite = 20

    def px(jour):
        return gauche + (largeur - gauche - droite) * (jour.toordinal() - debut) / (fin - debut)

    def py(valeur):
        return bas_trace - (bas_trace - haut) * valeur / sommet

    for valeur, texte in graduations:
        y = py(valeur)
        disposition.ligne((gauche, y), (largeur - droite, y), stroke=COULEUR_GRILLE)
        disposition.etiquettes.append(Etiquette(gauche - 6, y + 5, texte, taille, ancre="end"))
    largeur_annee = px(datetime.date(premiere_annee + 1, 1, 1)) - px(datetime.date(premiere_annee, 1, 1))
    saut = math.ceil((boite_texte(0, 0, "2000", taille).largeur + 8) / largeur_annee)
    for annee in range(premiere_annee, derniere_annee + 2):
        x = px(datetime.date(annee, 1, 1))
        disposition.ligne((x, bas_trace), (x, bas_trace + 6), stroke=COULEUR_AXE)
        if annee <= derniere_annee and (annee - premiere_annee) % saut == 0:
            milieu = (x + px(datetime.date(annee + 1, 1, 1))) / 2
            disposition.etiquettes.append(Etiquette(milieu, bas_trace + 24, str(annee), taille, ancre="middle"))
    disposition.ligne((gauche, bas_trace), (largeur - droite, bas_trace), stroke=COULEUR_AXE)

    if cible is not None:
        y = py(cible)
        disposition.ligne(
            (gauche, y),
            (largeur - droite, y),
            stroke=COULEUR_LIGNE_CIBLE,
            stroke_width=2,
            stroke_dasharray="8 5",
            class_="ligne-cible",
        )

    trace = [(px(datetime.date.fromordinal(debut)), py(0))]
    for jour, cumul in points:
        x, y = px(jour), py(cumul)
        if x != trace[-1][0]:
            trace.append((x, trace[-1][1]))
        if y != trace[-1][1]:
            trace.append((x, y))
    disposition.chemin(trace, stroke=COULEUR_REALISE, stroke_width=3, class_="courbe")
    dernier_jour, dernier_cumul = points[-1]
    xd, yd = px(dernier_jour), py(dernier_cumul)
    disposition.cercle(xd, yd, 5, fill=COULEUR_REALISE)

    # Labels inside the plot (tick and year labels stay in the margins).
    cadre = Boite(gauche, haut - 10, largeur - droite - gauche, bas_trace - haut + 8)
    manquants = set()
    legende_x = 10
    for nom in a_placer:
        if nom == "cumul":
            texte, couleur = format_nombre(dernier_cumul), COULEUR_REALISE
            candidats = [
                Etiquette(xd + dx, yd + dy, texte, taille, ancre=ancre, gras=True, couleur=COULEUR_TEXTE)
                for dy in (-10, 20, 5, -26, 36, -42)
                for dx, ancre in ((-8, "end"), (8, "start"), (0, "middle"), (-30, "end"), (30, "start"))
            ]
        else:
            texte, couleur, y = etiquette_cible, COULEUR_LIGNE_CIBLE, py(cible)
            largeur_texte = boite_texte(0, 0, texte, taille).largeur
            fins = range(round(largeur - droite - 4), round(gauche + largeur_texte), -12)
            candidats = [
                Etiquette(x, y + dy, texte, taille, ancre="end", couleur=couleur) for x in fins for dy in (-7, 17)
            ]
        if nom in en_legende:
            # Legend row: a swatch of the line or the point, then the label, left to right.
            if nom == "cumul":
                disposition.cercle(legende_x + 6, legende_y - 5, 5, fill=couleur)
                texte = _("Cumul : %(valeur)s") % {"valeur": texte}
            else:
                disposition.ligne(
                    (legende_x, legende_y - 5),
                    (legende_x + 12, legende_y - 5),
                    stroke=COULEUR_LIGNE_CIBLE,
                    stroke_width=2,
                    stroke_dasharray="8 5",
                )
            etiquette = Etiquette(legende_x + 18, legende_y, texte, taille, gras=nom == "cumul", couleur=COULEUR_TEXTE)
            disposition.etiquettes.append(etiquette)
            legende_x = etiquette.boite.droite + 24
        elif _placer(disposition, candidats, cadre=cadre) is None:
            manquants.add(nom)
    return disposition, manquants


def courbe_avancement(
    points: Iterable[tuple[datetime.date, float]], *, cible=None, titre, largeur=720, hauteur=340
) -> SafeString:
    """Cumulative achievements over time as a step line, with the target as a dashed line and one band per year.

    `points` is [(date, cumul)], the cumulative total after each date (order does not matter). With no point,
    returns the « Aucune donnée » chart (never None).
    """
    points = sorted((_jour(jour), cumul) for jour, cumul in points)
    if not points:
        return graphique_vide(titre, largeur=largeur)
    disposition = disposition_courbe(points, cible=cible, titre=titre, largeur=largeur, hauteur=hauteur)
    dernier_jour, dernier_cumul = points[-1]
    description = _("Cumul des réalisations : %(cumul)s au %(date)s.") % {
        "cumul": format_nombre(dernier_cumul),
        "date": date_courte(dernier_jour),
    }
    if cible is not None:
        description += " " + _("Cible : %(cible)s") % {"cible": format_nombre(cible)}
        taux = _taux(dernier_cumul, cible)
        description += f" ({format_pourcentage(taux)})." if taux is not None else "."
    return document_svg(
        disposition.svg(),
        titre=titre,
        description=description,
        largeur=largeur,
        hauteur=hauteur,
        classe="graphique-svg graphique-courbe",
    )


TAUX_MAXIMUM_DESSINE = 150.0


def jauge(taux, *, titre, largeur=260, hauteur=26) -> SafeString:
    """A small bar for a completion rate in percent, with a mark at 100 %; drawing stops at 150 %.

    `taux` is in percent (87.4, as computed by engagements.models); None (no target) returns the
    « Aucune donnée » gauge of the same size (never None).
    """
    largeur_piste = largeur - 70
    if taux is None:
        corps = texte_svg(0, hauteur - 8, _("Aucune donnée"), taille=14, couleur=COULEUR_TEXTE_SECONDAIRE)
        return document_svg(
            corps,
            titre=titre,
            description=_("Aucune donnée"),
            largeur=largeur,
            hauteur=hauteur,
            classe="jauge-svg",
            taille_fixe=True,
        )
    dessine = max(0.0, min(float(taux), TAUX_MAXIMUM_DESSINE))
    piste_y, piste_h = 5, hauteur - 10
    rempli = largeur_piste * dessine / TAUX_MAXIMUM_DESSINE
    x100 = largeur_piste * 100 / TAUX_MAXIMUM_DESSINE
    valeur = format_pourcentage(taux)
    corps = "".join(
        (
            rect_svg(1, piste_y, largeur_piste, piste_h, fill=COULEUR_FOND_JAUGE, stroke=COULEUR_AXE, stroke_width=1),
            rect_svg(1, piste_y, rempli, piste_h, fill=COULEUR_REALISE),
            ligne_svg(x100 + 1, 1, x100 + 1, hauteur - 1, stroke=COULEUR_TEXTE, stroke_width=2),
            texte_svg(largeur_piste + 8, hauteur - 8, valeur, taille=14, gras=True),
        )
    )
    description = _("Taux de réalisation : %(taux)s.") % {"taux": valeur}
    return document_svg(
        corps,
        titre=titre,
        description=description,
        largeur=largeur,
        hauteur=hauteur,
        classe="jauge-svg",
        taille_fixe=True,
    )
