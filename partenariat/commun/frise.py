"""The 2012→2016 timeline of the rollout page, drawn as inline SVG on the server (no script, CSP-safe)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import date_courte
from .graphiques import TAILLE_MINIMUM, Boite, Disposition, Etiquette, boite_texte, document_svg, segment_coupe

DEBUT = datetime.date(2012, 1, 1)
FIN = datetime.date(2016, 12, 31)
# Wider than the other charts so long event labels find a row; graphiques.css keeps it at least
# LARGEUR × 12 / TAILLE CSS px wide (text ≥ 12 px), scrolling in its region on narrow screens.
LARGEUR, MARGE = 960, 30
TAILLE = TAILLE_MINIMUM
INTERLIGNE = 22
HAUT = 12
COULEUR_AXE = "#1d3f72"
COULEUR_PASSE, COULEUR_A_VENIR, COULEUR_DATE = "#1b6e3a", "#5b6470", "#b3261e"


def _x(date):
    date = min(max(date, DEBUT), FIN)
    return MARGE + (date - DEBUT).days * (LARGEUR - 2 * MARGE) / (FIN - DEBUT).days


def _ligne(rang):
    """Baseline of a label row relative to the axis: rows ≥ 0 above it, rows < 0 below the year labels."""
    return -24 - rang * INTERLIGNE if rang >= 0 else 62 + (-rang - 1) * INTERLIGNE


def _boite(x, texte, rang):
    """The label box of an event at `x`: starting at its leader in the left half, ending at it in the right half,
    centred over it when neither fits."""
    largeur = boite_texte(0, 0, texte, TAILLE).largeur
    vide = boite_texte(0, _ligne(rang), texte, TAILLE)
    gauches = [x, x - largeur] if x < LARGEUR / 2 else [x - largeur, x]
    gauche = next(
        (g for g in gauches if g >= 4 and g + largeur <= LARGEUR - 4),
        min(max(x - largeur / 2, 4), LARGEUR - 4 - largeur),
    )
    return Boite(gauche, vide.y, largeur, vide.hauteur)


def _annees():
    """Year labels, centred on their year (ticks mark 1 January), relative to the axis."""
    return [
        Etiquette(
            (_x(datetime.date(annee, 1, 1)) + _x(datetime.date(annee, 12, 31))) / 2,
            26,
            str(annee),
            TAILLE,
            ancre="middle",
        )
        for annee in range(DEBUT.year, FIN.year + 1)
    ]


def _libre(x, texte, rang, places):
    """The (box, leader) of an event in `rang`, or None when it would cross a label or a leader already placed."""
    boite = _boite(x, texte, rang)
    fil = ((x, -7), (x, boite.bas + 3)) if rang >= 0 else ((x, 7), (x, boite.y - 3))
    eloignee = Boite(boite.x - 3, boite.y - 2, boite.largeur + 6, boite.hauteur + 4)
    for _x, _rang, autre, autre_fil in places:
        if autre is None:
            continue
        if eloignee.chevauche(autre) or segment_coupe(*fil, autre):
            return None
        if autre_fil is not None and segment_coupe(*autre_fil, eloignee):
            return None
    return boite, fil


def _essai(libelles, ordre):
    annees = [(None, None, etiquette.boite, None) for etiquette in _annees()]
    places = {}
    rangs = [r for k in range(len(libelles) + 1) for r in (k, -k - 1)]
    for i in ordre:
        x, texte = libelles[i]
        for rang in rangs:
            trouve = _libre(x, texte, rang, [*annees, *places.values()])
            if trouve is not None:
                places[i] = (x, rang, *trouve)
                break
        else:
            places[i] = (x, None, None, None)
    return [places[i] for i in range(len(libelles))]


def _rangs(libelles):
    """Row (0 = nearest the axis, negative below it), label box and leader line of each event, relative to the
    axis (y = 0); no label crosses another label or a leader. Greedy, nearest row first, trying two orders: by
    date, and labels covering the fewest other events first (those covering many must sit farther out). An
    event that fits nowhere gets (x, None, None, None): its label goes in the list under the chart."""

    def couverts(i):
        x, texte = libelles[i]
        boite = _boite(x, texte, 0)
        return sum(1 for j, (autre, _t) in enumerate(libelles) if j != i and boite.x - 3 <= autre <= boite.droite + 3)

    ordres = [list(range(len(libelles))), sorted(range(len(libelles)), key=lambda i: (couverts(i), libelles[i][0]))]
    essais = [_essai(libelles, ordre) for ordre in ordres]

    def cout(places):
        rangs = [rang for _x, rang, _b, _f in places if rang is not None]
        return (len(places) - len(rangs), max(rangs, default=0) - min(rangs, default=0))

    return min(essais, key=cout)


def disposition_frise(evenements, au):
    """Where the timeline draws its axis, years, events and labels; no label is crossed by a line or another label."""
    evenements = sorted(evenements)
    textes = [(_x(date), f"{date_courte(date)} · {libelle}") for date, libelle in evenements]
    places = _rangs(textes)
    rangs = [rang for _x2, rang, _b, _f in places if rang is not None]
    dessus = max([r for r in rangs if r >= 0], default=-1) + 1
    dessous = -min([r for r in rangs if r < 0], default=0)
    y_axe = HAUT + dessus * INTERLIGNE + 24
    bas = y_axe + (62 + dessous * INTERLIGNE if dessous else 40)
    disposition = Disposition(LARGEUR, bas + 30)
    disposition.ligne((MARGE, y_axe), (LARGEUR - MARGE, y_axe), stroke=COULEUR_AXE, stroke_width=3)
    for annee in range(DEBUT.year, FIN.year + 1):
        x = _x(datetime.date(annee, 1, 1))
        disposition.ligne((x, y_axe - 7), (x, y_axe + 7), stroke=COULEUR_AXE, stroke_width=2)
    for etiquette in _annees():
        disposition.etiquettes.append(
            Etiquette(etiquette.x, y_axe + etiquette.y, etiquette.texte, TAILLE, ancre="middle")
        )
    sans_place = []
    for (date, libelle), (x, rang, boite, fil) in zip(evenements, places, strict=True):
        couleur = COULEUR_PASSE if date <= au else COULEUR_A_VENIR
        texte = f"{date_courte(date)} · {libelle}"
        disposition.cercle(x, y_axe, 6, fill=couleur, infobulle=f"{date_courte(date)} — {libelle}")
        if rang is None:
            sans_place.append((texte, couleur))
            continue
        (x1, y1), (x2, y2) = fil
        disposition.ligne((x1, y_axe + y1), (x2, y_axe + y2), stroke=couleur, stroke_width=1)
        if boite.x == x:
            ancre, x_texte = "start", x
        elif boite.droite == x:
            ancre, x_texte = "end", x
        else:
            ancre, x_texte = "middle", boite.x + boite.largeur / 2
        disposition.etiquettes.append(Etiquette(x_texte, y_axe + _ligne(rang), texte, TAILLE, ancre=ancre))
    x = _x(au)
    disposition.ligne((x, y_axe - 13), (x, y_axe + 13), stroke=COULEUR_DATE, stroke_width=4)
    texte = _("Date affichée : %(date)s") % {"date": date_courte(au)}
    largeur = boite_texte(0, 0, texte, TAILLE, gras=True).largeur
    centre = min(max(x, 4 + largeur / 2), LARGEUR - 4 - largeur / 2)
    disposition.etiquettes.append(
        Etiquette(centre, bas + 16, texte, TAILLE, ancre="middle", gras=True, couleur=COULEUR_DATE)
    )
    # Events too crowded for a leader line: listed under the chart, each with its date.
    for i, (texte, couleur) in enumerate(sans_place):
        y = bas + 16 + (i + 1) * INTERLIGNE
        disposition.cercle(10, y - 5, 5, fill=couleur)
        disposition.etiquettes.append(Etiquette(20, y, texte, TAILLE))
    disposition.hauteur += len(sans_place) * INTERLIGNE
    return disposition


def frise_deploiement(evenements, au):
    """`evenements` = [(date, libellé)]; the chosen date `au` is marked. Labels stack in rows above the axis."""
    titre = _("Frise du déploiement, %(debut)s à %(fin)s") % {"debut": DEBUT.year, "fin": FIN.year}
    description = ngettext(
        "%(nombre)s événement ; date affichée : %(date)s.",
        "%(nombre)s événements ; date affichée : %(date)s.",
        len(evenements),
    ) % {"nombre": len(evenements), "date": date_courte(au)}
    disposition = disposition_frise(evenements, au)
    return document_svg(
        disposition.svg(),
        titre=titre,
        description=description,
        largeur=LARGEUR,
        hauteur=disposition.hauteur,
        classe="frise",
        prefixe="frise",
    )
