"""Reading a file of achievements (CSV or XLSX, in the format of the objectives export) and checking every line.

A file is accepted whole or refused whole: any bad line gives a line-numbered French report and nothing is kept.
The checked lines are held in the session until the user confirms the preview (see the import views).
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aires_urbaines.models import AireUrbaine
from engagements.regles import objectifs_modifiables
from partenariat.commun.dates import date_courte
from partenariat.commun.nombres import nombre
from partenariat.commun.tableur import ErreurTableur, lire_tableau
from partenariat.commun.textes import TexteRefuse, normaliser, normaliser_texte
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN, DATE_SIGNATURE

from .models import ClotureAnnee, Dispositif, Objectif, Realisation, Unite, date_de_cloture

# Column → accepted headings (compared without case or accents); the objectives export provides the first three.
# The heading of the export in the reader's language is accepted too (see `_entetes_acceptees`).
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
    "aire": gettext_lazy("Code aire"),
    "dispositif": gettext_lazy("Dispositif"),
    "annee": gettext_lazy("Année"),
    "date": gettext_lazy("Date réalisation"),
    "quantite": gettext_lazy("Quantité réalisée"),
}
# How a line's report names a cell whose text is refused.
NOMS_CELLULES = {
    "aire": gettext_lazy("code aire"),
    "dispositif": gettext_lazy("dispositif"),
    "annee": gettext_lazy("année"),
    "date": gettext_lazy("date de réalisation"),
    "quantite": gettext_lazy("quantité réalisée"),
    "unite": gettext_lazy("unité"),
    "commentaire": gettext_lazy("commentaire"),
}
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


def _clotures():
    """{année: ClotureAnnee} of the closed years (one query): their lines are refused, each with its number."""
    return {cloture.annee: cloture for cloture in ClotureAnnee.objects.closes()}


def _annee_close(cloture):
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


def _texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def _sans_cellules_vides_finales(rangee):
    cellules = list(rangee)
    while cellules and not _texte(cellules[-1]):
        cellules.pop()
    return cellules


def _lire(nom, contenu):
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


def _rapport_illisible(erreur):
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


def _entetes_acceptees():
    """The French headings, plus those of an export made in another language (« Area code »…)."""
    traduites = {**OBLIGATOIRES, "unite": gettext_lazy("Unité"), "commentaire": gettext_lazy("Commentaire")}
    return {cle: {*libelles, normaliser(traduites[cle])} for cle, libelles in COLONNES.items()}


def _reperer_colonnes(entetes):
    positions, vues = {}, [normaliser(_texte(e)) for e in entetes or []]
    for cle, libelles in _entetes_acceptees().items():
        for index, entete in enumerate(vues):
            if entete in libelles:
                positions[cle] = index
                break
    return positions


def _par_libelle_ou_code(choix):
    """Accept a choice by its label (as exported, in French or in the reader's language) or by its code,
    without case or accents."""
    correspondances = {}
    for code, libelle in choix:
        correspondances[normaliser(code)] = code
        correspondances[normaliser(libelle)] = code
        with translation.override("fr"):
            correspondances[normaliser(libelle)] = code
    return correspondances


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
        ligne_entete, entetes_lues, lignes_lues = _lire(nom, contenu)
    except ErreurTableur as erreur:
        return Analyse([], [_rapport_illisible(erreur)])
    entetes = []
    for index, entete in enumerate(entetes_lues, start=1):
        try:
            entetes.append(normaliser_texte(entete) if isinstance(entete, str) else entete)
        except TexteRefuse as erreur:
            raison = _("Ligne %(ligne)s : titre de la colonne %(index)s : %(raison)s") % {
                "ligne": ligne_entete,
                "index": index,
                "raison": erreur,
            }
            return Analyse([], [raison])
    # PILOTE's long format shares this reader and its bounds; its module builds on this one, hence the late import.
    from .pilote import analyser_pilote, est_pilote

    if est_pilote(entetes):
        return analyser_pilote(entetes, lignes_lues, user)
    positions = _reperer_colonnes(entetes)
    manquantes = [libelle for cle, libelle in OBLIGATOIRES.items() if cle not in positions]
    if manquantes:
        lues = ", ".join(f"« {_texte(e)} »" for e in entetes) or _("aucune")
        message = ngettext(
            "Colonne absente : %(colonnes)s (colonnes lues : %(lues)s).",
            "Colonnes absentes : %(colonnes)s (colonnes lues : %(lues)s).",
            len(manquantes),
        ) % {"colonnes": ", ".join(f"« {m} »" for m in manquantes), "lues": lues}
        return Analyse([], [message])
    if not lignes_lues:
        return Analyse([], [_("Le fichier ne contient aucune ligne de réalisation.")])
    # Text is normalised before anything else reads it: no NUL reaches a query, the session or the database.
    nettoyees = [(numero, *_nettoyer(ligne, positions)) for numero, ligne in lignes_lues]

    codes = {_code_aire(valeurs.get("aire")) for _, valeurs, refusees in nettoyees if "aire" not in refusees}
    objectifs = {}
    for objectif in Objectif.objects.filter(aire__code__in=codes).select_related("aire"):
        objectifs.setdefault((objectif.aire.code, objectif.dispositif, objectif.annee), []).append(objectif)
    aires_connues = set(AireUrbaine.objects.filter(code__in=codes).values_list("code", flat=True))
    permis = set(objectifs_modifiables(user).filter(aire__code__in=codes).values_list("pk", flat=True))
    closes = _clotures()

    aujourd_hui = timezone.localdate()
    dispositifs, unites = _par_libelle_ou_code(Dispositif.choices), _par_libelle_ou_code(Unite.choices)
    lignes, erreurs = [], []
    for numero, valeurs, refusees in nettoyees:
        # A refused cell is reported alone: its other checks would quote the invisible character back.
        probleme = list(refusees.values())
        code = dispositif = annee = unite = date = quantite = None
        if "aire" not in refusees:
            code = _code_aire(valeurs.get("aire"))
            if not code:
                probleme.append(_("le code de l'aire urbaine est vide"))
            elif code not in aires_connues:
                probleme.append(_("aire urbaine « %(code)s » inconnue") % {"code": code})
        if "dispositif" not in refusees:
            brut_dispositif = _texte(valeurs.get("dispositif"))
            dispositif = dispositifs.get(normaliser(brut_dispositif))
            if dispositif is None:
                probleme.append(_("dispositif « %(dispositif)s » inconnu") % {"dispositif": brut_dispositif})
        if "annee" not in refusees:
            annee = _lire_entier(valeurs.get("annee"))
            if annee is None or not ANNEE_DEBUT <= annee <= ANNEE_FIN:
                probleme.append(
                    _("année « %(annee)s » hors de la période du protocole (%(debut)s à %(fin)s)")
                    % {"annee": _texte(valeurs.get("annee")), "debut": ANNEE_DEBUT, "fin": ANNEE_FIN}
                )
            elif annee in closes:
                probleme.append(_annee_close(closes[annee]))
        if "unite" not in refusees:
            brut_unite = _texte(valeurs.get("unite"))
            unite = unites.get(normaliser(brut_unite)) if brut_unite else None
            if brut_unite and unite is None:
                probleme.append(_("unité « %(unite)s » inconnue") % {"unite": brut_unite})
        if "date" not in refusees:
            date = _lire_date(valeurs.get("date"))
            if date is None and not _texte(valeurs.get("date")):
                probleme.append(_("date de réalisation manquante"))
            elif date is None:
                probleme.append(
                    _("date « %(date)s » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")
                    % {"date": _texte(valeurs.get("date"))}
                )
            elif date < DATE_SIGNATURE:
                probleme.append(
                    _("date %(date)s antérieure à la signature du protocole (%(signature)s)")
                    % {"date": date_courte(date), "signature": date_courte(DATE_SIGNATURE)}
                )
            elif date > aujourd_hui:
                probleme.append(
                    _("date %(date)s postérieure à aujourd'hui (%(aujourd_hui)s)")
                    % {"date": date_courte(date), "aujourd_hui": date_courte(aujourd_hui)}
                )
        if "quantite" not in refusees:
            quantite = _lire_entier(valeurs.get("quantite"))
            if quantite is None and not _texte(valeurs.get("quantite")):
                probleme.append(_("quantité réalisée manquante"))
            elif quantite is None:
                probleme.append(
                    _("quantité « %(quantite)s » : un nombre entier est attendu")
                    % {"quantite": _texte(valeurs.get("quantite"))}
                )
            elif abs(quantite) > QUANTITE_MAX:
                probleme.append(
                    _("quantité « %(quantite)s » hors limites (de 0 à %(maximum)s)")
                    % {"quantite": _texte(valeurs.get("quantite")), "maximum": nombre(QUANTITE_MAX)}
                )
            elif quantite < 0:
                probleme.append(_("quantité %(quantite)s négative") % {"quantite": quantite})

        objectif = None
        if not probleme:
            candidats = objectifs.get((code, dispositif, annee), [])
            if unite:
                candidats = [o for o in candidats if o.unite == unite]
            if not candidats:
                parametres = {"code": code, "dispositif": Dispositif(dispositif).label, "annee": annee}
                if unite:
                    message = _(
                        "aucun objectif pour l'aire %(code)s, le dispositif « %(dispositif)s » et l'année %(annee)s "
                        "en %(unite)s"
                    ) % {**parametres, "unite": Unite(unite).label}
                else:
                    message = (
                        _("aucun objectif pour l'aire %(code)s, le dispositif « %(dispositif)s » et l'année %(annee)s")
                        % parametres
                    )
                probleme.append(message)
            elif len(candidats) > 1:
                unites = ", ".join(sorted(str(Unite(o.unite).label) for o in candidats))
                probleme.append(
                    _("plusieurs objectifs correspondent (unités : %(unites)s) : précisez la colonne « Unité »")
                    % {"unites": unites}
                )
            elif candidats[0].pk not in permis:
                probleme.append(
                    _("l'objectif « %(objectif)s » ne relève pas de vos conférences") % {"objectif": candidats[0]}
                )
            else:
                objectif = candidats[0]
        if probleme:
            problemes = " ; ".join(probleme)
            erreurs.append(_("Ligne %(numero)s : %(problemes)s.") % {"numero": numero, "problemes": problemes})
        else:
            lignes.append(LigneImport(numero, objectif, date, quantite, _texte(valeurs.get("commentaire"))))
    if len(erreurs) > ERREURS_AFFICHEES:
        reste = len(erreurs) - ERREURS_AFFICHEES
        suite = ngettext("… et %(reste)s autre ligne en erreur.", "… et %(reste)s autres lignes en erreur.", reste) % {
            "reste": nombre(reste)
        }
        erreurs = erreurs[:ERREURS_AFFICHEES] + [suite]
    return Analyse(lignes, erreurs)


def _nettoyer(ligne, positions):
    """The cells of one line by column, text normalised; a cell whose text is refused is named with the reason."""
    valeurs, refusees = {}, {}
    for cle, index in positions.items():
        valeur = ligne[index] if index < len(ligne) else None
        if isinstance(valeur, str):
            try:
                valeur = normaliser_texte(valeur, multiligne=cle == "commentaire")
            except TexteRefuse as erreur:
                refusees[cle] = _("%(cellule)s : %(raison)s") % {
                    "cellule": NOMS_CELLULES[cle],
                    "raison": str(erreur).rstrip("."),
                }
                continue
        valeurs[cle] = valeur
    return valeurs, refusees


def _code_aire(valeur):
    """« 2 » or 2.0 from a spreadsheet is area 002."""
    texte = _texte(valeur)
    return texte.zfill(3) if texte.isdigit() and len(texte) < 3 else texte.upper()


def lignes_depuis_session(donnees, user):
    """Lines held in the session, with their objectives read again (and still within the user's scope)."""
    ids = {ligne["objectif"] for ligne in donnees}
    objectifs = objectifs_modifiables(user).filter(pk__in=ids).select_related("aire").in_bulk()
    closes = _clotures()  # a year may have been closed since the file was checked
    lignes, erreurs = [], []
    for ligne in donnees:
        objectif = objectifs.get(ligne["objectif"])
        if objectif is None:
            erreurs.append(
                _("Ligne %(numero)s : l'objectif n'existe plus ou ne relève plus de vos conférences.")
                % {"numero": ligne["numero"]}
            )
            continue
        if objectif.annee in closes:
            erreurs.append(
                _("Ligne %(numero)s : %(problemes)s.")
                % {"numero": ligne["numero"], "problemes": _annee_close(closes[objectif.annee])}
            )
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
