"""Readable history of a record from django-simple-history: who changed what, when, field by field.

Pages show it, and the lost-update check quotes it to the user whose save is refused. Values are returned as plain
text: templates escape them like any other user input.
"""

import datetime
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {"+": gettext_lazy("Création"), "~": gettext_lazy("Modification"), "-": gettext_lazy("Suppression")}
LONGUEUR_MAX = 300


@dataclass
class Changement:
    libelle: str
    avant: str
    apres: str

    def __str__(self):
        return _("%(champ)s : %(avant)s → %(apres)s") % {
            "champ": self.libelle,
            "avant": self.avant,
            "apres": self.apres,
        }


@dataclass
class Evenement:
    """One history record, compared with the previous one of the same record."""

    date: datetime.datetime
    auteur: str
    action: str
    sujet: str = ""
    motif: str = ""
    changements: list = field(default_factory=list)

    @property
    def signature(self):
        return _("par %(auteur)s le %(date)s") % {
            "auteur": self.auteur,
            "date": date_format(timezone.localtime(self.date), "SHORT_DATETIME_FORMAT"),
        }


def _champs_m2m(modele_historique):
    return {champ.name: champ for champ in modele_historique._history_m2m_fields}


def _lignes_m2m(modele_historique, enregistrements):
    """{(history_id, field name): set of target pks}, one query per many-to-many field whatever the record count."""
    lignes = {}
    ids = [e.history_id for e in enregistrements]
    nom_modele = modele_historique._meta.model_name
    for nom, champ in _champs_m2m(modele_historique).items():
        relation = next(r for r in modele_historique._meta.related_objects if r.name == f"{nom_modele}_{nom}")
        modele_lignes = relation.related_model
        cible = next(
            f
            for f in modele_lignes._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is champ.related_model
        )
        for history_id, cible_id in modele_lignes.objects.filter(history_id__in=ids).values_list(
            "history_id", cible.attname
        ):
            lignes.setdefault((history_id, nom), set()).add(cible_id)
    return lignes


def _noms_lies(besoins):
    """Display names of the related rows the changes mention: one query per related model, none if unchanged."""
    return {
        modele_lie: {pk: str(objet) for pk, objet in modele_lie._default_manager.in_bulk(ids).items()}
        for modele_lie, ids in besoins.items()
        if ids
    }


def valeur_affichee(champ, valeur, noms):
    if valeur is None or valeur == "":
        return "—"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if isinstance(champ, models.ForeignKey):
        return noms.get(champ.related_model, {}).get(valeur, _("n° %(pk)s (supprimé)") % {"pk": valeur})
    if isinstance(valeur, datetime.datetime):
        return date_format(timezone.localtime(valeur), "SHORT_DATETIME_FORMAT")
    if isinstance(valeur, datetime.date):
        return date_format(valeur, "SHORT_DATE_FORMAT")
    if isinstance(valeur, bool):
        return _("oui") if valeur else _("non")
    texte = str(valeur)
    return texte if len(texte) <= LONGUEUR_MAX else texte[: LONGUEUR_MAX - 1] + "…"


def _libelle(champ):
    return str(champ.verbose_name).capitalize()


def evenements(enregistrements, sujet=None):
    """Events of one record's history records (oldest first), each diffed against the previous one.

    `enregistrements` come from `<Model>.history` for a single object, with `history_user` selected;
    `sujet(record)` names the record when several records' histories are shown together.
    """
    enregistrements = list(enregistrements)
    if not enregistrements:
        return []
    modele_historique = type(enregistrements[0])
    modele = modele_historique.instance_type
    champs_m2m = _champs_m2m(modele_historique)
    lignes_m2m = _lignes_m2m(modele_historique, enregistrements) if champs_m2m else {}
    # First the raw differences, then the names of the related rows they mention, all at once.
    bruts, besoins = [], {}
    for ancien, nouveau in pairwise(enregistrements):
        differences = []
        for change in nouveau.diff_against(ancien, excluded_fields=list(champs_m2m)).changes:
            champ = modele._meta.get_field(change.field)
            differences.append((champ, change.old, change.new))
            if isinstance(champ, models.ForeignKey):
                besoins.setdefault(champ.related_model, set()).update({change.old, change.new} - {None})
        for nom, champ in champs_m2m.items():
            avant = lignes_m2m.get((ancien.history_id, nom), set())
            apres = lignes_m2m.get((nouveau.history_id, nom), set())
            if avant != apres:
                differences.append((champ, avant, apres))
                besoins.setdefault(champ.related_model, set()).update(avant | apres)
        bruts.append((nouveau, differences))
    noms = _noms_lies(besoins)
    resultat = [_evenement(enregistrements[0], [], sujet)]
    for enregistrement, differences in bruts:
        changements = []
        for champ, avant, apres in differences:
            if champ.many_to_many:
                libelles = noms.get(champ.related_model, {})

                def liste(ids, libelles=libelles):
                    return ", ".join(sorted(libelles.get(pk, _("n° %(pk)s") % {"pk": pk}) for pk in ids)) or "—"

                changements.append(Changement(_libelle(champ), liste(avant), liste(apres)))
            else:
                changements.append(
                    Changement(
                        _libelle(champ), valeur_affichee(champ, avant, noms), valeur_affichee(champ, apres, noms)
                    )
                )
        resultat.append(_evenement(enregistrement, changements, sujet))
    return resultat


def _evenement(enregistrement, changements, sujet):
    auteur = enregistrement.history_user.get_username() if enregistrement.history_user else _("inconnu")
    return Evenement(
        date=enregistrement.history_date,
        auteur=auteur,
        action=ACTIONS.get(enregistrement.history_type, enregistrement.history_type),
        sujet=sujet(enregistrement) if sujet else "",
        motif=enregistrement.history_change_reason or "",
        changements=changements,
    )


def _par_objet(requete):
    par_objet = {}
    for enregistrement in requete.select_related("history_user").order_by("history_date", "history_id"):
        par_objet.setdefault(enregistrement.id, []).append(enregistrement)
    return par_objet.values()


def historique_de(objet, *, lies=()):
    """Events of `objet` and of related records (`lies`: (history queryset, subject function)), newest first."""
    tous = evenements(objet.history.select_related("history_user").order_by("history_date", "history_id"))
    for requete, sujet in lies:
        for enregistrements in _par_objet(requete):
            tous += evenements(enregistrements, sujet)
    return sorted(tous, key=lambda e: e.date, reverse=True)


def changements_depuis(modele, pk, version, *, lies=()):
    """What others changed since version `version` of the record was read, as French lines for the user.

    The base is the last history record still at that version; every later record is diffed against the one
    before it, so each line says who made that change and when.
    """
    enregistrements = list(
        modele.history.filter(id=pk).select_related("history_user").order_by("history_date", "history_id")
    )
    base = max((i for i, e in enumerate(enregistrements) if e.version == version), default=None)
    if base is None:
        return []
    depuis = enregistrements[base].history_date
    suivants = evenements(enregistrements[base:])[1:]
    for requete, sujet in lies:
        for liste in _par_objet(requete):
            suivants += [e for e in evenements(liste, sujet) if e.date > depuis]
    lignes = []
    for evenement in sorted(suivants, key=lambda e: e.date):
        prefixe = f"{evenement.sujet} — " if evenement.sujet else ""
        if evenement.changements:
            lignes += [
                prefixe
                + _("%(changement)s (modifié %(signature)s)") % {"changement": c, "signature": evenement.signature}
                for c in evenement.changements
            ]
        else:
            detail = evenement.motif or evenement.action
            lignes.append(
                prefixe + _("%(detail)s (%(signature)s)") % {"detail": detail, "signature": evenement.signature}
            )
    return lignes
