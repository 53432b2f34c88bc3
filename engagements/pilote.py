"""PILOTE's long format: the objectives and their achievements exchanged with the State's steering tool.

PILOTE reads and writes indicator values one per row, in a CSV separated by « ; » (UTF-8) or a one-sheet XLSX:

    identifiant_indic;zone_id;zone_nom;date_valeur;type_valeur;valeur
    AL-logement_social-logements;AU2010-002;Lyon;2013-12-31;vi;100
    AL-logement_social-logements;AU2010-002;Lyon;2013-12-31;vc;90
    AL-logement_social-logements;AU2010-002;Lyon;2013-12-31;va;30

One objective gives three rows:

- `identifiant_indic` is `AL-<dispositif>-<unite>`, the codes of `Dispositif` and `Unite`;
- `zone_id` is `AU2010-<code de l'aire>` (INSEE 2010 urban-area zoning), `zone_nom` the area's name;
- `vi` is the initial target (`cible_initiale`), `vc` the current target (`cible`), both dated the end of the
  objective's year (`2013-12-31`);
- `va` is the cumulative VALIDATED achievement on min(reference date, end of the year): the page's `realise`
  (the same expression, `avancement.expression_realise`) whenever the year is not over on the reference date,
  the achievement as of the year end otherwise. An objective whose year has not begun on the reference date gets
  no `va` row: dated before its year, it would name another year's objective;
- `valeur` is an integer; rows are ordered by area code, scheme (in `Dispositif` order), year, unit, then vi, vc, va.

Import (`analyser_pilote`, reached from `imports.analyser_fichier` when a file has these six headings): a `va` row
records the difference between its value and the achievements already recorded (validated or submitted) dated by
its date, as one submitted achievement; a row already up to date records nothing; a `vi` or `vc` row must match
the stored target (a target is revised on the objective's page, with its reason). Any bad row refuses the file,
as for the other import.
"""

import datetime
import re
from bisect import bisect_right
from dataclasses import dataclass

import tablib
from django.db.models import Case, F, IntegerField, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aires_urbaines.models import AireUrbaine
from engagements.regles import objectifs_modifiables
from partenariat.commun.nombres import nombre
from partenariat.commun.textes import TexteRefuse, normaliser, normaliser_texte, texte_pour_tableur
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN

from .avancement import expression_realise, realisations_comptees
from .lecture import (
    ERREURS_AFFICHEES,
    QUANTITE_MAX,
    Analyse,
    LigneImport,
    clotures_par_annee,
    code_aire,
    lire_date_de_cellule,
    lire_entier,
    refus_annee_close_import,
    texte_de_cellule,
)
from .models import Dispositif, Objectif, Unite

COLONNES = ("identifiant_indic", "zone_id", "zone_nom", "date_valeur", "type_valeur", "valeur")
VI, VC, VA = "vi", "vc", "va"
TYPES = (VI, VC, VA)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SEPARATEUR = ";"
# Stored with each imported achievement, in French as the data (like the reasons of `services`).
COMMENTAIRE_IMPORT = "Import PILOTE"
_INDICATEUR = re.compile(r"AL-([^-]+)-([^-]+)", re.IGNORECASE)
_ZONE = re.compile(r"AU2010-([0-9A-Za-z]{1,3})", re.IGNORECASE)


def identifiant_indicateur(dispositif, unite):
    return f"AL-{dispositif}-{unite}"


def identifiant_zone(code_aire):
    return f"AU2010-{code_aire}"


def fin_annee(annee):
    return datetime.date(annee, 12, 31)


# --- Export ------------------------------------------------------------------------------------------------------


def avec_valeur_cumulee(objectifs, au):
    """`valeur_cumulee` (PILOTE's `va`) of objectives annotated by `avec_avancement(au)`: their `realise`, or for a
    year over on `au` the validated achievement as of its year end, by the same expression. One query."""
    passees = [
        When(annee=annee, then=expression_realise(fin_annee(annee)))
        for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)
        if fin_annee(annee) < au
    ]
    if not passees:
        return objectifs.annotate(valeur_cumulee=F("realise"))
    return objectifs.annotate(valeur_cumulee=Case(*passees, default=F("realise"), output_field=IntegerField()))


def _ordre(rangee):
    """Area code, scheme in `Dispositif` order, year, unit in `Unite` order: the file's rows never move."""
    code, _nom, dispositif, annee, unite = rangee[:5]
    rang_dispositif = Dispositif.values.index(dispositif) if dispositif in Dispositif.values else len(Dispositif)
    rang_unite = Unite.values.index(unite) if unite in Unite.values else len(Unite)
    return code, rang_dispositif, dispositif, annee, rang_unite, unite


def lignes_pilote(objectifs, au):
    """PILOTE's rows of `objectifs` (annotated by `avec_avancement(au)`, validated figures), in the stable order."""
    champs = ("aire__code", "aire__nom", "dispositif", "annee", "unite", "cible_initiale", "cible", "valeur_cumulee")
    rangees = sorted(avec_valeur_cumulee(objectifs, au).order_by().values_list(*champs), key=_ordre)
    lignes = []
    for code, nom, dispositif, annee, unite, cible_initiale, cible, valeur_cumulee in rangees:
        debut = (identifiant_indicateur(dispositif, unite), identifiant_zone(code), nom)
        fin = fin_annee(annee)
        lignes.append((*debut, fin.isoformat(), VI, cible_initiale))
        lignes.append((*debut, fin.isoformat(), VC, cible))
        if datetime.date(annee, 1, 1) <= au:
            lignes.append((*debut, min(au, fin).isoformat(), VA, int(valeur_cumulee or 0)))
    return lignes


def exporter_pilote(objectifs, au, format_, code_aire=None):
    """(filename, bytes) of PILOTE's file of `objectifs` as of `au`, in `format_` (a key of FORMATS).

    Every text cell is inert and writable (`texte_pour_tableur`), as in the lists' exports. The filename names the
    area when `code_aire` (the filter's value) is the area of every row.
    """
    lignes = lignes_pilote(objectifs, au)
    feuille = tablib.Dataset(headers=list(COLONNES), title="PILOTE")
    for ligne in lignes:
        feuille.append([texte_pour_tableur(valeur) for valeur in ligne])
    zones = {ligne[1] for ligne in lignes}
    suffixe = ""
    if code_aire and zones and {zone.upper() for zone in zones} == {identifiant_zone(code_aire).upper()}:
        suffixe = "-" + zones.pop().removeprefix(identifiant_zone(""))
    nom = f"pilote-objectifs{suffixe}.{format_}"
    if format_ == "csv":
        return nom, feuille.export("csv", delimiter=SEPARATEUR).encode("utf-8")
    return nom, feuille.export("xlsx")


# --- Import ------------------------------------------------------------------------------------------------------


@dataclass
class AnalysePilote(Analyse):
    """`Analyse` of a PILOTE file, with the `va` rows already up to date (they record nothing)."""

    a_jour: int = 0


def est_pilote(entetes):
    """Whether a file's headings are PILOTE's six columns (in any order, without case or accents)."""
    return sorted(normaliser(texte_de_cellule(entete)) for entete in entetes) == sorted(COLONNES)


def _cellules(ligne, positions):
    """The cells of one row by column, text normalised; a cell whose text is refused is named with the reason."""
    valeurs, refusees = {}, []
    for colonne, index in positions.items():
        valeur = ligne[index] if index < len(ligne) else None
        if isinstance(valeur, str):
            try:
                valeur = normaliser_texte(valeur)
            except TexteRefuse as erreur:
                refusees.append(_("%(cellule)s : %(raison)s") % {"cellule": colonne, "raison": str(erreur).rstrip(".")})
                continue
        valeurs[colonne] = valeur
    return valeurs, refusees


def _lire_indicateur(texte):
    """(dispositif, unité) of `AL-<dispositif>-<unite>`, or None."""
    correspondance = _INDICATEUR.fullmatch(texte)
    if correspondance is None:
        return None
    dispositif, unite = (partie.lower() for partie in correspondance.groups())
    if dispositif not in Dispositif.values or unite not in Unite.values:
        return None
    return dispositif, unite


def _lire_zone(texte):
    correspondance = _ZONE.fullmatch(texte)
    return code_aire(correspondance.group(1)) if correspondance else None


@dataclass
class _Rangee:
    """One row once read: what the checks found, and what the second pass needs."""

    numero: int
    problemes: list
    indicateur: tuple | None = None
    code: str | None = None
    objectif: Objectif | None = None
    type_valeur: str = ""
    date: datetime.date | None = None
    valeur: int | None = None


def _lire_rangee(numero, valeurs, refusees, aujourd_hui):
    """The checks of one row that need no database: each cell read, or the reason it is refused."""
    rangee = _Rangee(numero, list(refusees))
    probleme = rangee.problemes
    if "identifiant_indic" in valeurs:
        brut = texte_de_cellule(valeurs["identifiant_indic"])
        rangee.indicateur = _lire_indicateur(brut)
        if not brut:
            probleme.append(_("identifiant_indic vide"))
        elif rangee.indicateur is None:
            probleme.append(
                _("indicateur « %(indicateur)s » inconnu (attendu AL-<dispositif>-<unité>, par exemple %(exemple)s)")
                % {"indicateur": brut, "exemple": identifiant_indicateur(Dispositif.LOGEMENT_SOCIAL, Unite.LOGEMENTS)}
            )
    if "zone_id" in valeurs:
        brut = texte_de_cellule(valeurs["zone_id"])
        rangee.code = _lire_zone(brut)
        if not brut:
            probleme.append(_("zone_id vide"))
        elif rangee.code is None:
            probleme.append(
                _("zone « %(zone)s » illisible (attendu AU2010-<code de l'aire>, par exemple %(exemple)s)")
                % {"zone": brut, "exemple": identifiant_zone("002")}
            )
    if "type_valeur" in valeurs:
        brut = texte_de_cellule(valeurs["type_valeur"])
        if brut.lower() in TYPES:
            rangee.type_valeur = brut.lower()
        elif not brut:
            probleme.append(_("type_valeur manquant"))
        else:
            probleme.append(_("type de valeur « %(type)s » inconnu (attendu vi, vc ou va)") % {"type": brut})
    if "date_valeur" in valeurs:
        # A cumulative value is dated as an achievement is: the checks of a typed achievement come first.
        date, refus = lire_date_de_cellule(
            valeurs["date_valeur"], _("date_valeur manquante"), aujourd_hui if rangee.type_valeur == VA else None
        )
        if refus:
            probleme.append(refus)
        elif not ANNEE_DEBUT <= date.year <= ANNEE_FIN:
            probleme.append(
                _("année « %(annee)s » hors de la période du protocole (%(debut)s à %(fin)s)")
                % {"annee": date.year, "debut": ANNEE_DEBUT, "fin": ANNEE_FIN}
            )
        else:
            rangee.date = date
    if "valeur" in valeurs:
        brut = valeurs["valeur"]
        valeur = lire_entier(brut)
        if valeur is None and not texte_de_cellule(brut):
            probleme.append(_("valeur manquante"))
        elif valeur is None:
            probleme.append(
                _("valeur « %(valeur)s » : un nombre entier est attendu") % {"valeur": texte_de_cellule(brut)}
            )
        elif abs(valeur) > QUANTITE_MAX:
            probleme.append(
                _("valeur « %(valeur)s » hors limites (de 0 à %(maximum)s)")
                % {"valeur": texte_de_cellule(brut), "maximum": nombre(QUANTITE_MAX)}
            )
        elif valeur < 0:
            probleme.append(_("valeur %(valeur)s négative") % {"valeur": valeur})
        else:
            rangee.valeur = valeur
    return rangee


def analyser_pilote(entetes, lignes_lues, user):
    """`imports.analyser_fichier` for a PILOTE file (headings and rows as `lecture.lire_fichier` reads them, within its
    bounds): the same `Analyse` of `LigneImport`, plus the count of `va` rows already up to date.

    A constant number of queries: the areas, the objectives, the user's scope, the closed years, and the recorded
    achievements of every `va` row's objective grouped by date (one grouped query for the whole file).
    """
    if not lignes_lues:
        return AnalysePilote([], [_("Le fichier PILOTE ne contient aucune ligne de valeur.")])
    positions = {normaliser(texte_de_cellule(entete)): index for index, entete in enumerate(entetes)}
    aujourd_hui = timezone.localdate()
    rangees = [_lire_rangee(numero, *_cellules(ligne, positions), aujourd_hui) for numero, ligne in lignes_lues]

    codes = {rangee.code for rangee in rangees if rangee.code}
    aires_connues = set(AireUrbaine.objects.filter(code__in=codes).values_list("code", flat=True))
    objectifs = {
        (o.aire.code, o.dispositif, o.annee, o.unite): o
        for o in Objectif.objects.filter(aire__code__in=codes).select_related("aire")
    }
    permis = set(objectifs_modifiables(user).filter(aire__code__in=codes).values_list("pk", flat=True))

    vues = {}
    for rangee in rangees:
        if rangee.code and rangee.code not in aires_connues:
            rangee.problemes.append(_("aire urbaine « %(code)s » inconnue") % {"code": rangee.code})
        if rangee.problemes:
            continue
        dispositif, unite = rangee.indicateur
        cle = (dispositif, unite, rangee.code, rangee.date, rangee.type_valeur)
        if cle in vues:
            rangee.problemes.append(
                _("même indicateur, zone, date et type de valeur que la ligne %(ligne)s") % {"ligne": vues[cle]}
            )
            continue
        vues[cle] = rangee.numero
        objectif = objectifs.get((rangee.code, dispositif, rangee.date.year, unite))
        if objectif is None:
            rangee.problemes.append(
                _(
                    "aucun objectif pour l'aire %(code)s, le dispositif « %(dispositif)s » et l'année %(annee)s "
                    "en %(unite)s"
                )
                % {
                    "code": rangee.code,
                    "dispositif": Dispositif(dispositif).label,
                    "annee": rangee.date.year,
                    "unite": Unite(unite).label,
                }
            )
        elif objectif.pk not in permis:
            rangee.problemes.append(
                _("l'objectif « %(objectif)s » ne relève pas de vos conférences") % {"objectif": objectif}
            )
        elif rangee.type_valeur == VC and rangee.valeur != objectif.cible:
            rangee.problemes.append(
                _(
                    "la cible (vc) %(valeur)s diffère de la cible enregistrée (%(cible)s) : une cible se révise sur "
                    "la fiche de l'objectif, avec son motif"
                )
                % {"valeur": nombre(rangee.valeur), "cible": nombre(objectif.cible)}
            )
        elif rangee.type_valeur == VI and rangee.valeur != objectif.cible_initiale:
            rangee.problemes.append(
                _(
                    "la cible initiale (vi) %(valeur)s diffère de la cible initiale enregistrée (%(cible)s) : "
                    "la cible convenue en premier ne change pas"
                )
                % {"valeur": nombre(rangee.valeur), "cible": nombre(objectif.cible_initiale)}
            )
        else:
            rangee.objectif = objectif

    lignes, a_jour = _differences([r for r in rangees if r.objectif and r.type_valeur == VA and not r.problemes])
    erreurs = [
        _("Ligne %(numero)s : %(problemes)s.") % {"numero": rangee.numero, "problemes": " ; ".join(rangee.problemes)}
        for rangee in rangees
        if rangee.problemes
    ]
    if len(erreurs) > ERREURS_AFFICHEES:
        reste = len(erreurs) - ERREURS_AFFICHEES
        suite = ngettext("… et %(reste)s autre ligne en erreur.", "… et %(reste)s autres lignes en erreur.", reste) % {
            "reste": nombre(reste)
        }
        erreurs = erreurs[:ERREURS_AFFICHEES] + [suite]
    return AnalysePilote(lignes, erreurs, a_jour)


def _differences(rangees_va):
    """The achievements the `va` rows call for: each value less what is recorded by its date (validated or
    submitted), and what earlier rows of the file for the same objective import. A row below what is recorded
    gets its problem; a closed year refuses a row only when it would record something.

    Returns (LigneImport list in row order, number of rows already up to date).
    """
    if not rangees_va:
        return [], 0
    enregistrees = {}  # objective → ([dates], [cumulative quantity at each date])
    sommes = (
        realisations_comptees(provisoire=True)
        .filter(objectif__in={r.objectif.pk for r in rangees_va}, date__lte=max(r.date for r in rangees_va))
        .order_by("objectif", "date")
        .values("objectif", "date")
        .annotate(total=Sum("quantite"))
        .values_list("objectif", "date", "total")
    )
    for objectif, date, total in sommes:
        dates, cumuls = enregistrees.setdefault(objectif, ([], []))
        dates.append(date)
        cumuls.append((cumuls[-1] if cumuls else 0) + total)
    closes = clotures_par_annee()
    lignes, a_jour, importe = [], 0, {}
    for rangee in sorted(rangees_va, key=lambda r: (r.objectif.pk, r.date, r.numero)):
        dates, cumuls = enregistrees.get(rangee.objectif.pk, ([], []))
        rang = bisect_right(dates, rangee.date)
        deja = (cumuls[rang - 1] if rang else 0) + importe.get(rangee.objectif.pk, 0)
        difference = rangee.valeur - deja
        if difference == 0:
            a_jour += 1
        elif difference < 0:
            rangee.problemes.append(
                _(
                    "la valeur cumulée (va) de %(valeur)s est inférieure aux réalisations déjà enregistrées "
                    "(%(enregistre)s) ; corrigez les réalisations sur la fiche de l'objectif"
                )
                % {"valeur": nombre(rangee.valeur), "enregistre": nombre(deja)}
            )
        elif rangee.objectif.annee in closes:
            rangee.problemes.append(refus_annee_close_import(closes[rangee.objectif.annee]))
        else:
            importe[rangee.objectif.pk] = importe.get(rangee.objectif.pk, 0) + difference
            lignes.append(LigneImport(rangee.numero, rangee.objectif, rangee.date, difference, COMMENTAIRE_IMPORT))
    return sorted(lignes, key=lambda ligne: ligne.numero), a_jour
