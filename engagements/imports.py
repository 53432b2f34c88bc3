"""Reading a file of achievements (CSV or XLSX, in the format of the objectives export) and checking every line.

A file is accepted whole or refused whole: any bad line gives a line-numbered French report and nothing is kept.
The checked lines are held in the session until the user confirms the preview (see the import views).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aires_urbaines.models import AireUrbaine
from engagements.regles import objectifs_modifiables
from partenariat.commun.nombres import nombre
from partenariat.commun.tableur import ErreurTableur
from partenariat.commun.textes import TexteRefuse, normaliser, normaliser_texte
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN

from .lecture import (
    ERREURS_AFFICHEES,
    QUANTITE_MAX,
    Analyse,
    LigneImport,
    clotures_par_annee,
    code_aire,
    lire_date_de_cellule,
    lire_entier,
    lire_fichier,
    rapport_illisible,
    refus_annee_close_import,
    texte_de_cellule,
)
from .models import Dispositif, Objectif, Realisation, Unite
from .pilote import analyser_pilote, est_pilote

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


def _entetes_acceptees():
    """The French headings, plus those of an export made in another language (« Area code »…)."""
    traduites = {**OBLIGATOIRES, "unite": gettext_lazy("Unité"), "commentaire": gettext_lazy("Commentaire")}
    return {cle: {*libelles, normaliser(traduites[cle])} for cle, libelles in COLONNES.items()}


def _reperer_colonnes(entetes):
    positions, vues = {}, [normaliser(texte_de_cellule(e)) for e in entetes or []]
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


def analyser_fichier(nom, contenu, user):
    """Every line checked against the objectives the user may record on; a constant number of queries."""
    try:
        ligne_entete, entetes_lues, lignes_lues = lire_fichier(nom, contenu)
    except ErreurTableur as erreur:
        return Analyse([], [rapport_illisible(erreur)])
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
    # PILOTE's long format: the same reader and bounds (`lecture`), its own columns and rules.
    if est_pilote(entetes):
        return analyser_pilote(entetes, lignes_lues, user)
    positions = _reperer_colonnes(entetes)
    manquantes = [libelle for cle, libelle in OBLIGATOIRES.items() if cle not in positions]
    if manquantes:
        lues = ", ".join(f"« {texte_de_cellule(e)} »" for e in entetes) or _("aucune")
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

    codes = {code_aire(valeurs.get("aire")) for _, valeurs, refusees in nettoyees if "aire" not in refusees}
    objectifs = {}
    for objectif in Objectif.objects.filter(aire__code__in=codes).select_related("aire"):
        objectifs.setdefault((objectif.aire.code, objectif.dispositif, objectif.annee), []).append(objectif)
    aires_connues = set(AireUrbaine.objects.filter(code__in=codes).values_list("code", flat=True))
    permis = set(objectifs_modifiables(user).filter(aire__code__in=codes).values_list("pk", flat=True))
    closes = clotures_par_annee()

    aujourd_hui = timezone.localdate()
    dispositifs, unites = _par_libelle_ou_code(Dispositif.choices), _par_libelle_ou_code(Unite.choices)
    lignes, erreurs = [], []
    for numero, valeurs, refusees in nettoyees:
        # A refused cell is reported alone: its other checks would quote the invisible character back.
        probleme = list(refusees.values())
        code = dispositif = annee = unite = date = quantite = None
        if "aire" not in refusees:
            code = code_aire(valeurs.get("aire"))
            if not code:
                probleme.append(_("le code de l'aire urbaine est vide"))
            elif code not in aires_connues:
                probleme.append(_("aire urbaine « %(code)s » inconnue") % {"code": code})
        if "dispositif" not in refusees:
            brut_dispositif = texte_de_cellule(valeurs.get("dispositif"))
            dispositif = dispositifs.get(normaliser(brut_dispositif))
            if dispositif is None:
                probleme.append(_("dispositif « %(dispositif)s » inconnu") % {"dispositif": brut_dispositif})
        if "annee" not in refusees:
            annee = lire_entier(valeurs.get("annee"))
            if annee is None or not ANNEE_DEBUT <= annee <= ANNEE_FIN:
                probleme.append(
                    _("année « %(annee)s » hors de la période du protocole (%(debut)s à %(fin)s)")
                    % {"annee": texte_de_cellule(valeurs.get("annee")), "debut": ANNEE_DEBUT, "fin": ANNEE_FIN}
                )
            elif annee in closes:
                probleme.append(refus_annee_close_import(closes[annee]))
        if "unite" not in refusees:
            brut_unite = texte_de_cellule(valeurs.get("unite"))
            unite = unites.get(normaliser(brut_unite)) if brut_unite else None
            if brut_unite and unite is None:
                probleme.append(_("unité « %(unite)s » inconnue") % {"unite": brut_unite})
        if "date" not in refusees:
            date, refus = lire_date_de_cellule(valeurs.get("date"), _("date de réalisation manquante"), aujourd_hui)
            if refus:
                probleme.append(refus)
        if "quantite" not in refusees:
            quantite = lire_entier(valeurs.get("quantite"))
            if quantite is None and not texte_de_cellule(valeurs.get("quantite")):
                probleme.append(_("quantité réalisée manquante"))
            elif quantite is None:
                probleme.append(
                    _("quantité « %(quantite)s » : un nombre entier est attendu")
                    % {"quantite": texte_de_cellule(valeurs.get("quantite"))}
                )
            elif abs(quantite) > QUANTITE_MAX:
                probleme.append(
                    _("quantité « %(quantite)s » hors limites (de 0 à %(maximum)s)")
                    % {"quantite": texte_de_cellule(valeurs.get("quantite")), "maximum": nombre(QUANTITE_MAX)}
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
            lignes.append(LigneImport(numero, objectif, date, quantite, texte_de_cellule(valeurs.get("commentaire"))))
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


def lignes_depuis_session(donnees, user):
    """Lines held in the session, with their objectives read again (and still within the user's scope)."""
    ids = {ligne["objectif"] for ligne in donnees}
    objectifs = objectifs_modifiables(user).filter(pk__in=ids).select_related("aire").in_bulk()
    closes = clotures_par_annee()  # a year may have been closed since the file was checked
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
                % {"numero": ligne["numero"], "problemes": refus_annee_close_import(closes[objectif.annee])}
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
