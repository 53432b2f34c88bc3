"""The 2012→2016 timeline of the rollout page, drawn as inline SVG on the server (no script, CSP-safe)."""

import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import date_courte

DEBUT = datetime.date(2012, 1, 1)
FIN = datetime.date(2016, 12, 31)
LARGEUR, HAUTEUR, MARGE = 960, 190, 40
LIGNES_LIBELLES = (16, 34, 52, 130, 148, 166)


def _x(date):
    date = min(max(date, DEBUT), FIN)
    return MARGE + (date - DEBUT).days * (LARGEUR - 2 * MARGE) / (FIN - DEBUT).days


def frise_deploiement(evenements, au):
    """`evenements` = [(date, libellé)]; the chosen date `au` is marked. Labels alternate rows to stay legible."""
    titre = _("Frise du déploiement, %(debut)s à %(fin)s") % {"debut": DEBUT.year, "fin": FIN.year}
    description = ngettext(
        "%(nombre)s événement ; date affichée : %(date)s.",
        "%(nombre)s événements ; date affichée : %(date)s.",
        len(evenements),
    ) % {"nombre": len(evenements), "date": date_courte(au)}
    parties = [
        f'<svg class="frise" viewBox="0 0 {LARGEUR} {HAUTEUR}" role="img" aria-labelledby="frise-titre frise-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="frise-titre">{escape(titre)}</title>',
        f'<desc id="frise-desc">{escape(description)}</desc>',
        f'<line x1="{MARGE}" y1="75" x2="{LARGEUR - MARGE}" y2="75" stroke="#1d3f72" stroke-width="3"/>',
    ]
    for annee in range(DEBUT.year, FIN.year + 1):
        x = _x(datetime.date(annee, 1, 1))
        parties.append(f'<line x1="{x:.1f}" y1="68" x2="{x:.1f}" y2="82" stroke="#1d3f72" stroke-width="2"/>')
        parties.append(f'<text x="{x:.1f}" y="100" font-size="14" fill="#1e1e1e" text-anchor="middle">{annee}</text>')
    for i, (date, libelle) in enumerate(sorted(evenements)):
        x = _x(date)
        y = LIGNES_LIBELLES[i % len(LIGNES_LIBELLES)]
        couleur = "#1b6e3a" if date <= au else "#5b6470"
        ancre = "start" if x < LARGEUR / 2 else "end"
        bout = y + 4 if y < 75 else y - 12
        parties.append(f'<line x1="{x:.1f}" y1="75" x2="{x:.1f}" y2="{bout}" stroke="{couleur}" stroke-width="1"/>')
        parties.append(
            f'<circle cx="{x:.1f}" cy="75" r="6" fill="{couleur}">'
            f"<title>{date_courte(date)} — {escape(libelle)}</title></circle>"
        )
        parties.append(
            f'<text x="{x:.1f}" y="{y}" font-size="12" fill="#1e1e1e" text-anchor="{ancre}">'
            f"{date_courte(date)} · {escape(libelle)}</text>"
        )
    x = _x(au)
    parties.append(f'<line x1="{x:.1f}" y1="62" x2="{x:.1f}" y2="88" stroke="#b3261e" stroke-width="4"/>')
    parties.append(
        f'<text x="{x:.1f}" y="184" font-size="13" fill="#b3261e" text-anchor="middle" font-weight="bold">'
        + escape(_("Date affichée : %(date)s") % {"date": date_courte(au)})
        + "</text>"
    )
    parties.append("</svg>")
    return mark_safe("".join(parties))
