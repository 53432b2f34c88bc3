"""Reading a file of achievements (CSV or XLSX, in the format of the objectives export) and checking every line.

A file is accepted whole or refused whole: any bad line gives a line-numbered French report and nothing is kept.
The checked lines are held in the session until the user confirms the preview (see the import views).
"""

import csv
import datetime
import re
from dataclasses import dataclass

import tablib
from django.db.models import Sum

from aires_urbaines.models import AireUrbaine
from partenariat.commun.historique import normaliser
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN, DATE_SIGNATURE
from partenariat.permissions import objectifs_modifiables

from .models import Dispositif, Objectif, Realisation, Unite

# Column → accepted headings (compared without case or accents); the objectives export provides the first three.
COLONNES = {
    "aire": ("code aire", "code de l'aire", "code au2010"),
    "dispositif": ("dispositif",),
    "annee": ("annee",),
    "date": ("date realisation", "date de realisation", "date de la realisation"),
    "quantite": ("quantite realisee", "quantite"),
    "unite": ("unite",),
    "commentaire": ("commentaire",),
}
OBLIGATOIRES = {
    "aire": "Code aire",
    "dispositif": "Dispositif",
    "annee": "Année",
    "date": "Date réalisation",
    "quantite": "Quantité réalisée",
}
LIGNES_MAX = 10_000
# The widest integer column of the production database (PostgreSQL `integer`), whatever the database in use.
QUANTITE_MAX = 2_147_483_647
ERREURS_AFFICHEES = 200


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


class FichierIllisible(Exception):
    pass


def _texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def lire_tableau(nom, contenu):
    """Bytes of a .csv (UTF-8 with or without BOM, or Latin-1; `,` or `;`) or .xlsx file → tablib Dataset."""
    if nom.lower().endswith(".xlsx"):
        try:
            return tablib.Dataset().load(contenu, format="xlsx")
        except Exception as erreur:  # openpyxl raises many kinds of errors on a damaged workbook
            raise FichierIllisible("classeur Excel endommagé ou d'un autre format") from erreur
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        texte = contenu.decode("latin-1")
    premiere_ligne = texte.split("\n", 1)[0]
    separateur = ";" if premiere_ligne.count(";") > premiere_ligne.count(",") else ","
    try:
        return tablib.Dataset().load(texte, format="csv", delimiter=separateur)
    except Exception as erreur:  # tablib and the csv module raise many kinds of errors on a damaged file
        raise FichierIllisible(_raison_csv(erreur)) from erreur


def _raison_csv(erreur):
    """Why the CSV reader refused a file, in French: its own messages are English and technical."""
    if isinstance(erreur, tablib.InvalidDimensions):
        return "une ligne compte plus de cellules que la ligne des titres"
    if isinstance(erreur, csv.Error) and "NUL" in str(erreur):
        return "il contient un caractère nul, ce n'est pas un fichier texte"
    if isinstance(erreur, csv.Error) and "field limit" in str(erreur):
        return "une cellule dépasse la longueur permise"
    return "contenu CSV invalide"


def _reperer_colonnes(entetes):
    positions, vues = {}, [normaliser(_texte(e)) for e in entetes or []]
    for cle, libelles in COLONNES.items():
        for index, entete in enumerate(vues):
            if entete in libelles:
                positions[cle] = index
                break
    return positions


def _par_libelle_ou_code(choix):
    """Accept a choice by its French label (as exported) or by its code, without case or accents."""
    correspondances = {}
    for code, libelle in choix:
        correspondances[normaliser(code)] = code
        correspondances[normaliser(libelle)] = code
    return correspondances


DISPOSITIFS = _par_libelle_ou_code(Dispositif.choices)
UNITES = _par_libelle_ou_code(Unite.choices)


def _lire_date(valeur):
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    texte = _texte(valeur)
    for format_ in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    return None


def _lire_entier(valeur):
    """An integer, also from 12.0 (spreadsheets) or « 1 200 » (French grouping); None otherwise."""
    if isinstance(valeur, bool):
        return None
    if isinstance(valeur, int):
        return valeur
    if isinstance(valeur, float):
        return int(valeur) if valeur.is_integer() else None
    texte = re.sub(r"[\s\u00a0\u202f]", "", _texte(valeur))
    if re.fullmatch(r"[-+]?\d+", texte):
        # Python refuses to convert very long digit strings; past 18 digits the value is out of every range anyway.
        if len(texte.lstrip("+-").lstrip("0")) > 18:
            return -(10**18) if texte.startswith("-") else 10**18
        return int(texte)
    return None


def analyser_fichier(nom, contenu, user):
    """Every line checked against the objectives the user may record on; a constant number of queries."""
    try:
        tableau = lire_tableau(nom, contenu)
    except FichierIllisible as erreur:
        return Analyse([], [f"Le fichier n'a pas pu être lu ({erreur}) : vérifiez qu'il s'agit d'un CSV ou d'un XLSX."])
    positions = _reperer_colonnes(tableau.headers)
    manquantes = [libelle for cle, libelle in OBLIGATOIRES.items() if cle not in positions]
    if manquantes:
        lues = ", ".join(f"« {_texte(e)} »" for e in tableau.headers or []) or "aucune"
        return Analyse(
            [],
            [
                f"Colonne{'s' if len(manquantes) > 1 else ''} absente{'s' if len(manquantes) > 1 else ''} : "
                + ", ".join(f"« {m} »" for m in manquantes)
                + f" (colonnes lues : {lues})."
            ],
        )
    lignes_brutes = [
        (numero, ligne)
        for numero, ligne in enumerate(tableau, start=2)  # line 1 holds the headings
        if any(_texte(cellule) for cellule in ligne)
    ]
    if not lignes_brutes:
        return Analyse([], ["Le fichier ne contient aucune ligne de réalisation."])
    if len(lignes_brutes) > LIGNES_MAX:
        return Analyse([], [f"Le fichier compte plus de {LIGNES_MAX} lignes : découpez-le en plusieurs imports."])

    def cellule(ligne, cle):
        index = positions.get(cle)
        return ligne[index] if index is not None and index < len(ligne) else None

    codes = {_code_aire(cellule(ligne, "aire")) for _, ligne in lignes_brutes}
    objectifs = {}
    for objectif in Objectif.objects.filter(aire__code__in=codes).select_related("aire"):
        objectifs.setdefault((objectif.aire.code, objectif.dispositif, objectif.annee), []).append(objectif)
    aires_connues = set(AireUrbaine.objects.filter(code__in=codes).values_list("code", flat=True))
    permis = set(objectifs_modifiables(user).filter(aire__code__in=codes).values_list("pk", flat=True))

    lignes, erreurs = [], []
    for numero, ligne in lignes_brutes:
        probleme = []
        code = _code_aire(cellule(ligne, "aire"))
        if not code:
            probleme.append("le code de l'aire urbaine est vide")
        elif code not in aires_connues:
            probleme.append(f"aire urbaine « {code} » inconnue")
        brut_dispositif = _texte(cellule(ligne, "dispositif"))
        dispositif = DISPOSITIFS.get(normaliser(brut_dispositif))
        if dispositif is None:
            probleme.append(f"dispositif « {brut_dispositif} » inconnu")
        annee = _lire_entier(cellule(ligne, "annee"))
        if annee is None or not ANNEE_DEBUT <= annee <= ANNEE_FIN:
            probleme.append(
                f"année « {_texte(cellule(ligne, 'annee'))} » hors de la période du protocole "
                f"({ANNEE_DEBUT} à {ANNEE_FIN})"
            )
        brut_unite = _texte(cellule(ligne, "unite"))
        unite = UNITES.get(normaliser(brut_unite)) if brut_unite else None
        if brut_unite and unite is None:
            probleme.append(f"unité « {brut_unite} » inconnue")
        date = _lire_date(cellule(ligne, "date"))
        if date is None and not _texte(cellule(ligne, "date")):
            probleme.append("date de réalisation manquante")
        elif date is None:
            probleme.append(f"date « {_texte(cellule(ligne, 'date'))} » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")
        elif date < DATE_SIGNATURE:
            probleme.append(f"date {date:%d/%m/%Y} antérieure à la signature du protocole (27/06/2012)")
        quantite = _lire_entier(cellule(ligne, "quantite"))
        if quantite is None and not _texte(cellule(ligne, "quantite")):
            probleme.append("quantité réalisée manquante")
        elif quantite is None:
            probleme.append(f"quantité « {_texte(cellule(ligne, 'quantite'))} » : un nombre entier est attendu")
        elif abs(quantite) > QUANTITE_MAX:
            maximum = f"{QUANTITE_MAX:,}".replace(",", "\u202f")
            probleme.append(f"quantité « {_texte(cellule(ligne, 'quantite'))} » hors limites (de 0 à {maximum})")
        elif quantite < 0:
            probleme.append(f"quantité {quantite} négative")

        objectif = None
        if not probleme:
            candidats = objectifs.get((code, dispositif, annee), [])
            if unite:
                candidats = [o for o in candidats if o.unite == unite]
            if not candidats:
                probleme.append(
                    f"aucun objectif pour l'aire {code}, le dispositif « {Dispositif(dispositif).label} » "
                    f"et l'année {annee}" + (f" en {Unite(unite).label}" if unite else "")
                )
            elif len(candidats) > 1:
                unites = ", ".join(sorted(str(Unite(o.unite).label) for o in candidats))
                probleme.append(
                    f"plusieurs objectifs correspondent (unités : {unites}) : précisez la colonne « Unité »"
                )
            elif candidats[0].pk not in permis:
                probleme.append(f"l'objectif « {candidats[0]} » ne relève pas de vos conférences")
            else:
                objectif = candidats[0]
        if probleme:
            erreurs.append(f"Ligne {numero} : " + " ; ".join(probleme) + ".")
        else:
            lignes.append(LigneImport(numero, objectif, date, quantite, _texte(cellule(ligne, "commentaire"))))
    if len(erreurs) > ERREURS_AFFICHEES:
        reste = len(erreurs) - ERREURS_AFFICHEES
        erreurs = erreurs[:ERREURS_AFFICHEES] + [f"… et {reste} autre{'s' if reste > 1 else ''} ligne(s) en erreur."]
    return Analyse(lignes, erreurs)


def _code_aire(valeur):
    """« 2 » or 2.0 from a spreadsheet is area 002."""
    texte = _texte(valeur)
    return texte.zfill(3) if texte.isdigit() and len(texte) < 3 else texte.upper()


def lignes_depuis_session(donnees, user):
    """Lines held in the session, with their objectives read again (and still within the user's scope)."""
    ids = {ligne["objectif"] for ligne in donnees}
    objectifs = objectifs_modifiables(user).filter(pk__in=ids).select_related("aire").in_bulk()
    lignes, erreurs = [], []
    for ligne in donnees:
        objectif = objectifs.get(ligne["objectif"])
        if objectif is None:
            erreurs.append(f"Ligne {ligne['numero']} : l'objectif n'existe plus ou ne relève plus de vos conférences.")
            continue
        lignes.append(
            LigneImport(
                ligne["numero"],
                objectif,
                datetime.date.fromisoformat(ligne["date"]),
                ligne["quantite"],
                ligne["commentaire"],
            )
        )
    return lignes, erreurs


@dataclass
class LigneApercu:
    ligne: LigneImport
    cible: int
    total_apres: int

    @property
    def taux_apres(self):
        return self.total_apres * 100.0 / self.cible if self.cible else None


def apercu(lignes):
    """What the import will create, each line with its objective's achieved total once it is applied."""
    ids = {ligne.objectif.pk for ligne in lignes}
    totaux = dict(
        Realisation.objects.filter(objectif__in=ids)
        .order_by()
        .values("objectif")
        .annotate(total=Sum("quantite"))
        .values_list("objectif", "total")
    )
    resultat = []
    for ligne in lignes:
        totaux[ligne.objectif.pk] = totaux.get(ligne.objectif.pk, 0) + ligne.quantite
        resultat.append(LigneApercu(ligne, ligne.objectif.cible, totaux[ligne.objectif.pk]))
    return resultat
