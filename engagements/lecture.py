"""Reading an uploaded file of achievements, whatever its format: the bounds of one import, the cells, dates and
numbers, and the analysis every format returns (`imports` for the objectives export's columns, `pilote` for PILOTE's
long format).
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partenariat.commun.dates import date_courte
from partenariat.commun.tableur import ErreurTableur, lire_tableau
from partenariat.models import DATE_SIGNATURE

from .models import ClotureAnnee, Objectif, date_de_cloture

LIGNES_MAX = 10_000
# Blank rows count too, so that a sheet of empty rows declared a million lines long is not walked through.
RANGEES_MAX = 10 * LIGNES_MAX
# A workbook's parts once inflated: a 10,000-line export takes about 3 MB; the compressed size says nothing.
TAILLE_DECOMPRESSEE_MAX = 20 * 1024 * 1024
# The widest integer column of the production database (PostgreSQL `integer`), whatever the database in use.
QUANTITE_MAX = 2_147_483_647
ERREURS_AFFICHEES = 200
MESSAGE_ANNEE_CLOSE = gettext_lazy(
    "l'année %(annee)s est close depuis le %(date)s : ses réalisations ne peuvent plus être importées"
)


def clotures_par_annee():
    """{année: ClotureAnnee} of the closed years (one query): their lines are refused, each with its number."""
    return {cloture.annee: cloture for cloture in ClotureAnnee.objects.closes()}


def refus_annee_close_import(cloture):
    return MESSAGE_ANNEE_CLOSE % {"annee": cloture.annee, "date": date_de_cloture(cloture)}


@dataclass
class LigneImport:
    numero: int
    objectif: Objectif
    date: datetime.date
    quantite: int
    commentaire: str = ""

    def en_session(self):
        return {
            "numero": self.numero,
            "objectif": self.objectif.pk,
            "date": self.date.isoformat(),
            "quantite": self.quantite,
            "commentaire": self.commentaire,
        }


@dataclass
class Analyse:
    lignes: list
    erreurs: list

    @property
    def acceptee(self):
        return not self.erreurs and bool(self.lignes)


def texte_de_cellule(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def _sans_cellules_vides_finales(rangee):
    cellules = list(rangee)
    while cellules and not texte_de_cellule(cellules[-1]):
        cellules.pop()
    return cellules


def lire_fichier(nom, contenu):
    """Headings and rows of an uploaded .csv or .xlsx, within the bounds of one import; raises ErreurTableur.

    Control characters are left to the check of each cell (`_nettoyer`), which names the cell and reports every
    bad line at once rather than the first.
    """
    tableau = lire_tableau(
        contenu,
        nom=nom,
        taille_max=TAILLE_DECOMPRESSEE_MAX,
        rangees_max=RANGEES_MAX,
        lignes_max=LIGNES_MAX,
        controles_refuses=False,
    )
    entetes = _sans_cellules_vides_finales(tableau.entetes)
    lignes = []
    for numero, rangee in tableau.lignes:
        # Empty trailing cells are what a spreadsheet leaves after the last column: only text past the titles counts.
        cellules = _sans_cellules_vides_finales(rangee)
        if len(cellules) > len(entetes):
            raise ErreurTableur(
                _("la ligne %(numero)s compte plus de cellules que la ligne des titres") % {"numero": numero}
            )
        lignes.append((numero, cellules))
    return tableau.ligne_entete or 1, entetes, lignes


def rapport_illisible(erreur):
    """The one-line report of a file refused before its lines are checked."""
    if erreur.limite:
        return f"{erreur}."
    raison = (
        erreur.message
        if erreur.ligne is None
        else _("ligne %(ligne)s : %(message)s")
        % {
            "ligne": erreur.ligne,
            "message": erreur.message,
        }
    )
    return _("Le fichier n'a pas pu être lu (%(raison)s) : vérifiez qu'il s'agit d'un CSV ou d'un XLSX.") % {
        "raison": raison
    }


def lire_date(valeur):
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    texte = texte_de_cellule(valeur)
    for format_ in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    return None


def lire_date_de_cellule(valeur, message_manquante, aujourd_hui=None):
    """(date, None), or (None, why the cell is refused); with `aujourd_hui`, the date of something done: not before
    the signature, not in the future (the rules of a typed achievement, which a database constraint cannot say)."""
    date = lire_date(valeur)
    if date is None and not texte_de_cellule(valeur):
        return None, message_manquante
    if date is None:
        return None, _("date « %(date)s » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)") % {
            "date": texte_de_cellule(valeur)
        }
    if aujourd_hui is not None and date < DATE_SIGNATURE:
        return None, _("date %(date)s antérieure à la signature du protocole (%(signature)s)") % {
            "date": date_courte(date),
            "signature": date_courte(DATE_SIGNATURE),
        }
    if aujourd_hui is not None and date > aujourd_hui:
        return None, _("date %(date)s postérieure à aujourd'hui (%(aujourd_hui)s)") % {
            "date": date_courte(date),
            "aujourd_hui": date_courte(aujourd_hui),
        }
    return date, None


def lire_entier(valeur):
    """An integer, also from 12.0 (spreadsheets) or « 1 200 » (French grouping); None otherwise."""
    if isinstance(valeur, bool):
        return None
    if isinstance(valeur, int):
        return valeur
    if isinstance(valeur, float):
        return int(valeur) if valeur.is_integer() else None
    texte = re.sub(r"[\s\u00a0\u202f]", "", texte_de_cellule(valeur))
    if re.fullmatch(r"[-+]?\d+", texte):
        # Python refuses to convert very long digit strings; past 18 digits the value is out of every range anyway.
        if len(texte.lstrip("+-").lstrip("0")) > 18:
            return -(10**18) if texte.startswith("-") else 10**18
        return int(texte)
    return None


def code_aire(valeur):
    """« 2 » or 2.0 from a spreadsheet is area 002."""
    texte = texte_de_cellule(valeur)
    return texte.zfill(3) if texte.isdigit() and len(texte) < 3 else texte.upper()
