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

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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

# Rough average glyph width of DejaVu Sans as a share of the font size, to lay out labels without a font engine.
LARGEUR_GLYPHE = 0.6


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


def couper(contenu, largeur, taille):
    """Wrap a label on words so it fits `largeur` units at font size `taille`."""
    max_car = max(8, int(largeur / (taille * LARGEUR_GLYPHE)))
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
    return mark_safe(
        f"<svg {racine} {aria}>"
        f'<title id="{id_titre}">{escape(titre)}</title>'
        f'<desc id="{id_desc}">{escape(description)}</desc>'
        f"{corps}</svg>"
    )


def en_tete(titre, largeur, *, taille=18, marge=10):
    """The visible title, wrapped; returns (markup, height used)."""
    lignes = couper(titre, largeur - 2 * marge, taille)
    interligne = taille * 1.3
    markup = "".join(
        texte_svg(marge, marge + taille + i * interligne, ligne, taille=taille, gras=True)
        for i, ligne in enumerate(lignes)
    )
    return markup, marge + len(lignes) * interligne + marge / 2


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


def barres_par_dispositif(lignes: Iterable[tuple[str, float, float]], *, titre, largeur=720) -> SafeString:
    """Horizontal bars, target beside achieved, one group per scheme.

    `lignes` is [(libellé, cible, réalisé)] in display order. With no line, returns the « Aucune donnée » chart
    (never None), so a template can always print the result.
    """
    lignes = [(str(libelle), cible or 0, realise or 0) for libelle, cible, realise in lignes]
    if not lignes:
        return graphique_vide(titre, largeur=largeur)

    marge, taille, hauteur_barre, ecart = 10, 14, 18, 4
    reserve_etiquettes = 190
    x0 = marge
    largeur_utile = largeur - 2 * marge - reserve_etiquettes
    maximum = max(max(cible, realise) for _libelle, cible, realise in lignes) or 1

    tete, y = en_tete(titre, largeur)
    morceaux = [tete]
    # Legend first: readers learn the two colours before the bars.
    legende_y = y + 4
    for i, (nom, couleur) in enumerate(((_("Cible"), COULEUR_CIBLE), (_("Réalisé"), COULEUR_REALISE))):
        lx = marge + i * 120
        morceaux.append(rect_svg(lx, legende_y, 14, 14, fill=couleur))
        morceaux.append(texte_svg(lx + 20, legende_y + 12, nom, taille=13))
    y = haut_barres = legende_y + 30

    for libelle, cible, realise in lignes:
        for ligne in couper(libelle, largeur - 2 * marge, taille):
            morceaux.append(texte_svg(x0, y + taille, ligne, taille=taille, gras=True))
            y += taille * 1.3
        y += 4
        taux = _taux(realise, cible)
        etiquette_realise = format_nombre(realise)
        if taux is not None:
            etiquette_realise += f" ({format_pourcentage(taux)})"
        barres = (
            (cible, COULEUR_CIBLE, _("cible %(valeur)s") % {"valeur": format_nombre(cible)}),
            (realise, COULEUR_REALISE, _("réalisé %(valeur)s") % {"valeur": etiquette_realise}),
        )
        for valeur, couleur, etiquette in barres:
            longueur = largeur_utile * valeur / maximum
            morceaux.append(rect_svg(x0, y, longueur, hauteur_barre, fill=couleur))
            morceaux.append(texte_svg(x0 + longueur + 6, y + hauteur_barre - 4, etiquette, taille=13))
            y += hauteur_barre + ecart
        y += 14
    # Baseline: bars start from zero, which a reader should see.
    morceaux.append(ligne_svg(x0, haut_barres, x0, y - 14, stroke=COULEUR_AXE))

    description = " ".join(_resume_ligne(*ligne) for ligne in lignes)
    return document_svg(
        "".join(morceaux),
        titre=titre,
        description=description,
        largeur=largeur,
        hauteur=y,
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

    tete, haut = en_tete(titre, largeur)
    gauche, droite, bas = 78, 20, 34
    haut += 20
    bas_trace = hauteur - bas
    premiere_annee, derniere_annee = points[0][0].year, points[-1][0].year
    debut = datetime.date(premiere_annee, 1, 1).toordinal()
    fin = datetime.date(derniere_annee + 1, 1, 1).toordinal()
    maximum = max(max(cumul for _jour_, cumul in points), cible or 0) or 1
    pas = _pas_graduation(maximum)
    sommet = pas * math.ceil(maximum * 1.05 / pas)

    def px(jour):
        return gauche + (largeur - gauche - droite) * (jour.toordinal() - debut) / (fin - debut)

    def py(valeur):
        return bas_trace - (bas_trace - haut) * valeur / sommet

    morceaux = [tete]
    graduation = 0
    while graduation <= sommet + pas / 1000:
        y = py(graduation)
        morceaux.append(ligne_svg(gauche, y, largeur - droite, y, stroke=COULEUR_GRILLE))
        etiquette = format_nombre(graduation, 1 if pas < 1 else 0)
        morceaux.append(texte_svg(gauche - 6, y + 4, etiquette, taille=12, ancre="end"))
        graduation += pas
    for annee in range(premiere_annee, derniere_annee + 2):
        x = px(datetime.date(annee, 1, 1))
        morceaux.append(ligne_svg(x, bas_trace, x, bas_trace + 6, stroke=COULEUR_AXE))
        if annee <= derniere_annee:
            milieu = (x + px(datetime.date(annee + 1, 1, 1))) / 2
            morceaux.append(texte_svg(milieu, bas_trace + 22, str(annee), taille=13, ancre="middle"))
    morceaux.append(ligne_svg(gauche, bas_trace, largeur - droite, bas_trace, stroke=COULEUR_AXE))

    if cible is not None:
        y = py(cible)
        morceaux.append(
            ligne_svg(
                gauche,
                y,
                largeur - droite,
                y,
                stroke=COULEUR_LIGNE_CIBLE,
                stroke_width=2,
                stroke_dasharray="8 5",
                class_="ligne-cible",
            )
        )
        etiquette = _("Cible : %(valeur)s") % {"valeur": format_nombre(cible)}
        morceaux.append(
            texte_svg(largeur - droite - 4, y - 6, etiquette, taille=13, couleur=COULEUR_LIGNE_CIBLE, ancre="end")
        )

    trace = [f"M{nombre_svg(px(datetime.date.fromordinal(debut)))} {nombre_svg(py(0))}"]
    for jour, cumul in points:
        trace.append(f"H{nombre_svg(px(jour))}V{nombre_svg(py(cumul))}")
    courbe = attributs(d="".join(trace), fill="none", stroke=COULEUR_REALISE, stroke_width=3, class_="courbe")
    morceaux.append(f"<path {courbe}/>")
    dernier_jour, dernier_cumul = points[-1]
    xd, yd = px(dernier_jour), py(dernier_cumul)
    morceaux.append(f"<circle {attributs(cx=float(xd), cy=float(yd), r=5, fill=COULEUR_REALISE)}/>")
    ancre = "end" if xd > largeur / 2 else "start"
    decalage = -8 if ancre == "end" else 8
    morceaux.append(texte_svg(xd + decalage, yd - 10, format_nombre(dernier_cumul), taille=13, ancre=ancre, gras=True))

    description = _("Cumul des réalisations : %(cumul)s au %(date)s.") % {
        "cumul": format_nombre(dernier_cumul),
        "date": date_courte(dernier_jour),
    }
    if cible is not None:
        description += " " + _("Cible : %(cible)s") % {"cible": format_nombre(cible)}
        taux = _taux(dernier_cumul, cible)
        description += f" ({format_pourcentage(taux)})." if taux is not None else "."
    return document_svg(
        "".join(morceaux),
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
        corps = texte_svg(0, hauteur - 8, _("Aucune donnée"), taille=13, couleur=COULEUR_TEXTE_SECONDAIRE)
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
