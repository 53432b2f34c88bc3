"""Progress computations shared by the web pages, the exports and the PDF reports, so figures never differ."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from engagements.regles import est_a_examiner, peut_modifier_objectif, respecte_quatre_yeux
from partenariat.commun.acces import exiger
from partenariat.commun.dates import date_courte, date_de_reference
from partenariat.commun.historique import changements_depuis
from partenariat.commun.nombres import nombre
from partenariat.commun.saisie import ErreurMetier, prendre_version
from partenariat.commun.textes import TexteRefuse, normaliser_texte
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN

from .avancement import EtatRealisation, realisations_comptees, taux_realisation
from .models import ClotureAnnee, Dispositif, Objectif, Realisation, RevisionCible


@dataclass
class LigneDispositif:
    """One scheme's row in a per-year table: cells per year, plus the total over the period."""

    dispositif: str
    libelle: str
    cellules: dict = field(default_factory=dict)
    colonnes: list = field(default_factory=list)
    cible: int = 0
    realise: int = 0

    @property
    def taux(self):
        return taux_realisation(self.realise, self.cible)


def synthese_objectifs(objectifs, annees):
    """Pivot annotated objectives (`avec_avancement`) into scheme × year rows with totals; no extra query."""
    lignes = OrderedDict()
    totaux_annee = {annee: {"cible": 0, "realise": 0} for annee in annees}
    for objectif in objectifs:
        ligne = lignes.setdefault(
            objectif.dispositif, LigneDispositif(objectif.dispositif, Dispositif(objectif.dispositif).label)
        )
        ligne.cellules.setdefault(objectif.annee, []).append(objectif)
        ligne.cible += objectif.cible
        ligne.realise += objectif.realise
        if objectif.annee in totaux_annee:
            totaux_annee[objectif.annee]["cible"] += objectif.cible
            totaux_annee[objectif.annee]["realise"] += objectif.realise
    ordre = list(Dispositif.values)
    lignes_triees = sorted(lignes.values(), key=lambda ligne: ordre.index(ligne.dispositif))
    for ligne in lignes_triees:
        ligne.colonnes = [ligne.cellules.get(annee, []) for annee in annees]
    cible = sum(ligne.cible for ligne in lignes_triees)
    realise = sum(ligne.realise for ligne in lignes_triees)
    for total in totaux_annee.values():
        total["taux"] = taux_realisation(total["realise"], total["cible"])
    return {
        "lignes": lignes_triees,
        "totaux_annee": totaux_annee,
        "cible": cible,
        "realise": realise,
        "taux": taux_realisation(realise, cible),
    }


def serie_cumulee(realisations_qs, au=None, provisoire=False):
    """Cumulative achievements by date up to `au`, for the progress-over-time chart (one grouped query).

    Only the achievements the figures count (`realisations_comptees`): validated ones, or with `provisoire` the
    pending ones too, whatever `realisations_qs` holds.
    """
    au = date_de_reference(au)
    points = []
    cumul = 0
    comptees = realisations_qs & realisations_comptees(provisoire)
    lignes = comptees.filter(date__lte=au).order_by("date").values("date").annotate(total=Sum("quantite"))
    for ligne in lignes:
        cumul += ligne["total"]
        points.append((ligne["date"], cumul))
    return points


def realisations_de(objectifs_qs, provisoire=False):
    """The counted achievements (`realisations_comptees`) of `objectifs_qs`."""
    return realisations_comptees(provisoire).filter(objectif__in=objectifs_qs.values("pk"))


def objectifs_pour(aire=None, conference=None, au=None, provisoire=False):
    """An area's or a conference's objectives with their progress as of `au`, in the pages' and reports' order."""
    objectifs = Objectif.objects.select_related("aire", "conference").avec_avancement(au, provisoire)
    if aire is not None:
        objectifs = objectifs.filter(aire=aire)
    if conference is not None:
        objectifs = objectifs.filter(aire__in=conference.aires.all())
    return objectifs.order_by("dispositif", "annee", "unite")


# --- Data entry ---------------------------------------------------------------------------------------------------


class ErreurEngagement(ErreurMetier):
    """Why a change to an objective or an achievement was refused."""


# django-simple-history's change reason column (CharField, 100 characters).
LONGUEUR_MOTIF_HISTORIQUE = 100
MESSAGE_OBJECTIF_EXISTANT = gettext_lazy(
    "Un objectif existe déjà pour cette aire, ce dispositif, cette année et cette unité."
)


def _historiser(objet, user, motif=None):
    objet._history_user = user
    if motif:
        objet._change_reason = motif


def convenir_objectif(objectif, user):
    """Record a new objective agreed for an area, a scheme and a year."""
    exiger(user, "engagements.add_objectif", objectif)
    try:
        with transaction.atomic():
            objectif.version = 1
            _historiser(objectif, user)
            objectif.save()
    except IntegrityError as erreur:
        raise ErreurEngagement(MESSAGE_OBJECTIF_EXISTANT) from erreur
    return objectif


def message_motif_revision(ancienne, nouvelle):
    """The refusal of a target change without a reason, naming both values (form and service say the same)."""
    return _("Indiquez le motif de la révision de la cible : elle passe de %(ancienne)s à %(nouvelle)s.") % {
        "ancienne": nombre(ancienne),
        "nouvelle": nombre(nouvelle),
    }


def _motif_historique(motif):
    """The history keeps a reason of at most 100 characters; the revision itself keeps the whole text."""
    return motif if len(motif) <= LONGUEUR_MOTIF_HISTORIQUE else motif[: LONGUEUR_MOTIF_HISTORIQUE - 1] + "…"


def modifier_objectif(objectif, user, version, motif=""):
    """Change an objective, unless someone saved it since the user read `version` (no lost update).

    A new target is a revision: it needs `motif`, and is recorded (`RevisionCible`) in the same transaction, with
    the reason in the objective's history. The initial target, the baseline of the commitment, never changes.
    """
    exiger(user, "engagements.change_objectif", objectif)
    motif = (motif or "").strip()
    try:
        with transaction.atomic():
            actuel = prendre_version(Objectif, objectif, version, ErreurEngagement)
            exiger(user, "engagements.change_objectif", actuel)
            objectif.cible_initiale = actuel.cible_initiale
            revision = objectif.cible != actuel.cible
            if revision and not motif:
                raise ErreurEngagement(message_motif_revision(actuel.cible, objectif.cible))
            _historiser(objectif, user, _motif_historique(motif) if revision else None)
            objectif.save()
            if revision:
                RevisionCible.objects.create(
                    objectif=objectif,
                    ancienne_cible=actuel.cible,
                    nouvelle_cible=objectif.cible,
                    motif=motif,
                    revisee_par=user,
                )
    except IntegrityError as erreur:
        raise ErreurEngagement(MESSAGE_OBJECTIF_EXISTANT) from erreur
    return objectif


def reviser_cible(objectif, nouvelle_cible, motif, user, version=None):
    """Revise only the target of `objectif` (the demo, scripts): `modifier_objectif` with the reason given.

    `version` is the one the caller read, the objective's own by default.
    """
    objectif.cible = nouvelle_cible
    return modifier_objectif(objectif, user, objectif.version if version is None else version, motif=motif)


# Reasons written in the history of each step of an achievement's lifecycle (stored text, in French as the data).
MOTIF_SAISIE = "Saisie, soumise à validation"
MOTIF_CORRECTION = "Correction, soumise de nouveau à validation"
MOTIF_VALIDATION = "Validation"
MOTIF_RENVOI = "Renvoi pour correction"


def enregistrer_realisation(realisation, user, version=None):
    """Record an achievement or correct one: either way it is submitted, and counts once someone else validates it.

    A correction of a validated or returned achievement submits it again; the previous examination stays in the
    history. With `version` (the one the user read), a correction saved by someone else since is refused.
    """
    exiger(user, f"engagements.{'change' if realisation.pk else 'add'}_realisation", realisation)
    with transaction.atomic():
        creation = realisation.pk is None
        if version is not None and not creation:
            prendre_version(Realisation, realisation, version, ErreurEngagement)
        if creation:
            realisation.saisi_par = user
        realisation.etat = EtatRealisation.SOUMISE
        realisation.modifie_par = user
        realisation.soumise_le = timezone.now()
        realisation.examinee_par = None
        realisation.examinee_le = None
        realisation.commentaire_examen = ""
        _historiser(realisation, user, MOTIF_SAISIE if creation else MOTIF_CORRECTION)
        realisation.save()
    return realisation


def motif_import(jeton):
    return f"Import de réalisations {jeton}"


def importer_realisations(lignes, user, jeton):
    """Create the achievements of a checked file at once, or none: the same `jeton` is never applied twice.

    `lignes` are `engagements.imports.LigneImport`. The objectives are locked, so that two confirmations of one
    file run one after the other and the second finds the first in the history. The achievements are submitted,
    the importer as their author, and carry `jeton` as their import so that the queue can take them at once.
    """
    if not lignes:
        raise ErreurEngagement(_("Aucune réalisation à importer."))
    motif = motif_import(jeton)
    with transaction.atomic():
        ids = sorted({ligne.objectif.pk for ligne in lignes})
        objectifs = Objectif.objects.select_for_update().filter(pk__in=ids).order_by("pk").in_bulk()
        if Realisation.history.filter(history_change_reason=motif).exists():
            raise ErreurEngagement(_("Ce fichier a déjà été importé : rien n'a été enregistré une seconde fois."))
        erreurs = []
        for ligne in lignes:
            objectif = objectifs.get(ligne.objectif.pk)
            if objectif is None:
                erreurs.append(
                    _("Ligne %(numero)s : l'objectif a été supprimé entre-temps.") % {"numero": ligne.numero}
                )
            elif not peut_modifier_objectif(user, objectif):
                erreurs.append(
                    _("Ligne %(numero)s : l'objectif « %(objectif)s » ne relève pas de vos conférences.")
                    % {"numero": ligne.numero, "objectif": objectif}
                )
        if erreurs:
            raise ErreurEngagement(_("Le fichier est refusé : rien n'a été enregistré."), details=erreurs)
        realisations = [
            Realisation(
                objectif=objectifs[ligne.objectif.pk],
                date=ligne.date,
                quantite=ligne.quantite,
                commentaire=ligne.commentaire,
                saisi_par=user,
                modifie_par=user,
                etat=EtatRealisation.SOUMISE,
                lot_import=jeton,
            )
            for ligne in lignes
        ]
        # `Realisation.objects.bulk_create` brings the objectives' running totals in step.
        return bulk_create_with_history(realisations, Realisation, default_user=user, default_change_reason=motif)


# --- Clôture des années -------------------------------------------------------------------------------------------

# Achievements whose figures are not settled: submitted, or returned and not yet corrected.
ETATS_EN_ATTENTE = (EtatRealisation.SOUMISE, EtatRealisation.RENVOYEE)


def clotures():
    """{année: ClotureAnnee} of the closed years, in one query: what pages and reports say about them."""
    return {cloture.annee: cloture for cloture in ClotureAnnee.objects.closes().select_related("close_par")}


def en_attente_par_annee():
    """{année: {"soumises": n, "renvoyees": n, "total": n}} of the achievements not settled, in one query."""
    lignes = (
        Realisation.objects.filter(etat__in=ETATS_EN_ATTENTE)
        .order_by()
        .values("objectif__annee")
        .annotate(
            soumises=Count("pk", filter=Q(etat=EtatRealisation.SOUMISE)),
            renvoyees=Count("pk", filter=Q(etat=EtatRealisation.RENVOYEE)),
        )
    )
    return {
        ligne["objectif__annee"]: {
            "soumises": ligne["soumises"],
            "renvoyees": ligne["renvoyees"],
            "total": ligne["soumises"] + ligne["renvoyees"],
        }
        for ligne in lignes
    }


def _verifier_annee(annee):
    if not isinstance(annee, int) or not ANNEE_DEBUT <= annee <= ANNEE_FIN:
        raise ErreurEngagement(
            _("L'année doit être comprise dans la période du protocole (%(debut)s à %(fin)s).")
            % {"debut": ANNEE_DEBUT, "fin": ANNEE_FIN}
        )


def cloturer_annee(annee, user):
    """Make a year's figures final once every achievement of it is validated; reclosing a reopened year works.

    The year's objectives are locked first (as every write to their achievements does): an achievement recorded
    meanwhile is either counted as pending here, or refused by the model once the year is closed.
    """
    exiger(user, "engagements.cloturer_annee", annee)
    _verifier_annee(annee)
    with transaction.atomic():
        cloture = ClotureAnnee.objects.select_for_update().filter(annee=annee).first()
        if cloture is not None and cloture.close:
            raise ErreurEngagement(_("L'année %(annee)s est déjà close.") % {"annee": annee})
        list(Objectif.objects.select_for_update().filter(annee=annee).order_by("pk").values_list("pk", flat=True))
        attente = en_attente_par_annee().get(annee)
        if attente:
            details = []
            if attente["soumises"]:
                details.append(
                    ngettext(
                        "%(nombre)s réalisation soumise à valider.",
                        "%(nombre)s réalisations soumises à valider.",
                        attente["soumises"],
                    )
                    % {"nombre": attente["soumises"]}
                )
            if attente["renvoyees"]:
                details.append(
                    ngettext(
                        "%(nombre)s réalisation renvoyée, pas encore corrigée.",
                        "%(nombre)s réalisations renvoyées, pas encore corrigées.",
                        attente["renvoyees"],
                    )
                    % {"nombre": attente["renvoyees"]}
                )
            raise ErreurEngagement(
                ngettext(
                    "Impossible de clore %(annee)s : %(nombre)s réalisation est en attente de validation.",
                    "Impossible de clore %(annee)s : %(nombre)s réalisations sont en attente de validation.",
                    attente["total"],
                )
                % {"annee": annee, "nombre": attente["total"]},
                details=details,
            )
        if cloture is None:
            cloture = ClotureAnnee(annee=annee)
        cloture.close, cloture.close_le, cloture.close_par = True, timezone.now(), user
        _historiser(cloture, user, _("Clôture de l'année %(annee)s") % {"annee": annee})
        cloture.save()
    return cloture


def rouvrir_annee(annee, user, motif):
    """Let a closed year's figures change again: an administrator's decision, with its reason kept."""
    exiger(user, "engagements.rouvrir_annee", annee)
    _verifier_annee(annee)
    try:
        motif = normaliser_texte(motif or "", multiligne=True).strip()
    except TexteRefuse as refus:
        raise ErreurEngagement(str(refus)) from None
    if not motif:
        raise ErreurEngagement(_("Indiquez le motif de la réouverture de l'année."))
    with transaction.atomic():
        cloture = ClotureAnnee.objects.select_for_update().filter(annee=annee, close=True).first()
        if cloture is None:
            raise ErreurEngagement(_("L'année %(annee)s n'est pas close.") % {"annee": annee})
        cloture.close, cloture.rouverte_le, cloture.rouverte_par = False, timezone.now(), user
        cloture.motif_reouverture = motif
        _historiser(cloture, user, motif)
        cloture.save()
    return cloture


# --- Validation -------------------------------------------------------------------------------------------------
# An achievement counts in the figures once validated; validators (UESL staff, administrators) validate or return
# what others submitted. Each examination is checked against the version the validator saw (no lost update).


def nom_realisation(realisation):
    """« La réalisation du 12/03/2014 (Lyon — Production de logements sociaux 2014) », for refusals."""
    return _("La réalisation du %(date)s (%(objectif)s)") % {
        "date": date_courte(realisation.date),
        "objectif": realisation.objectif,
    }


def _motif_de_refus(realisation, user):
    """Why `user` may not examine `realisation` now, as (a short French clause, what it means), or None."""
    if not est_a_examiner(realisation):
        refus = _("%(realisation)s n'est plus en attente de validation (%(etat)s)") % {
            "realisation": nom_realisation(realisation),
            "etat": realisation.get_etat_display().lower(),
        }
        return refus, _("rien n'a été enregistré.")
    if not respecte_quatre_yeux(user, realisation):
        refus = _("%(realisation)s a été saisie ou modifiée en dernier par vous") % {
            "realisation": nom_realisation(realisation)
        }
        return refus, _("une autre personne doit l'examiner.")
    return None


def _refus(clause, conclusion):
    return _("%(refus)s : %(conclusion)s") % {"refus": clause, "conclusion": conclusion}


def _examiner(realisation, user, etat, commentaire, motif):
    realisation.etat = etat
    realisation.examinee_par = user
    realisation.examinee_le = timezone.now()
    realisation.commentaire_examen = commentaire
    _historiser(realisation, user, motif)
    realisation.save()  # a guard of the model (a closed year…) refuses with an ErreurMetier: nothing is written
    return realisation


def _verrouiller(pks):
    """The achievements `pks`, locked in pk order (two batches never wait on each other in a cycle)."""
    return (
        Realisation.objects.select_for_update(of=("self",))
        .select_related("objectif__aire")
        .filter(pk__in=sorted(pks))
        .order_by("pk")
        .in_bulk()
    )


def _examiner_une(realisation, user, version, etat, commentaire, motif):
    exiger(user, "engagements.ouvrir_file_validation", None)
    with transaction.atomic():
        actuelle = _verrouiller([realisation.pk]).get(realisation.pk)
        if actuelle is None:
            raise ErreurEngagement(
                _("%(realisation)s a été supprimée entre-temps : rien n'a été enregistré.")
                % {"realisation": nom_realisation(realisation)}
            )
        if version is None or int(version) != actuelle.version:
            raise ErreurEngagement(
                _(
                    "%(realisation)s a été modifiée depuis que vous l'avez affichée : rien n'a été enregistré. "
                    "Vérifiez ce qui a changé, puis examinez-la de nouveau."
                )
                % {"realisation": nom_realisation(actuelle)},
                details=changements_depuis(Realisation, actuelle.pk, int(version) if version is not None else None),
                version_actuelle=actuelle.version,
            )
        refus = _motif_de_refus(actuelle, user)
        if refus:
            raise ErreurEngagement(_refus(*refus))
        _examiner(actuelle, user, etat, commentaire, motif)
    if actuelle is not realisation:
        realisation.refresh_from_db()  # the caller's copy shows the decision too
    return realisation


MESSAGE_COMMENTAIRE_RENVOI = gettext_lazy(
    "Indiquez ce qui doit être corrigé : un renvoi sans commentaire n'est pas enregistré."
)


def _exiger_commentaire(commentaire):
    commentaire = (commentaire or "").strip()
    if not commentaire:
        raise ErreurEngagement(MESSAGE_COMMENTAIRE_RENVOI)
    return commentaire


def valider_realisation(realisation, user, version, commentaire=""):
    """Validate a submitted achievement seen at `version`: from now on it counts in every figure."""
    return _examiner_une(
        realisation, user, version, EtatRealisation.VALIDEE, (commentaire or "").strip(), MOTIF_VALIDATION
    )


def renvoyer_realisation(realisation, user, version, commentaire):
    """Return a submitted achievement for correction, saying why; it does not count until corrected and validated."""
    commentaire = _exiger_commentaire(commentaire)
    return _examiner_une(realisation, user, version, EtatRealisation.RENVOYEE, commentaire, MOTIF_RENVOI)


def _examiner_selection(selection, user, etat, commentaire, motif, conclusion):
    """Examine every achievement of `selection` ({pk: version read at display}) or none: one transaction.

    Every offending item (changed since display, deleted, no longer submitted, four eyes) is named in the refusal.
    """
    exiger(user, "engagements.ouvrir_file_validation", None)
    if not selection:
        raise ErreurEngagement(_("Cochez au moins une réalisation de la file."))
    selection = {int(pk): int(version) for pk, version in selection.items()}
    with transaction.atomic():
        actuelles = _verrouiller(selection)
        refus = []
        for pk in sorted(selection):
            actuelle = actuelles.get(pk)
            if actuelle is None:
                refus.append(_("La réalisation n° %(pk)s a été supprimée depuis l'affichage de la file") % {"pk": pk})
            elif actuelle.version != selection[pk]:
                refus.append(
                    _("%(realisation)s a changé depuis l'affichage de la file")
                    % {"realisation": nom_realisation(actuelle)}
                )
            elif motif_refus := _motif_de_refus(actuelle, user):
                refus.append(motif_refus[0])
        if len(refus) == 1:
            raise ErreurEngagement(_refus(refus[0], conclusion))
        if refus:
            raise ErreurEngagement(
                ngettext(
                    "%(nombre)s réalisation de la sélection est refusée : %(conclusion)s",
                    "%(nombre)s réalisations de la sélection sont refusées : %(conclusion)s",
                    len(refus),
                )
                % {"nombre": len(refus), "conclusion": conclusion},
                details=[_("%(refus)s.") % {"refus": clause} for clause in refus],
            )
        # Their objectives too, in the order every writer takes them: two batches crossing the same objectives in
        # opposite orders would otherwise each hold one and wait for the other.
        ids_objectifs = sorted({realisation.objectif_id for realisation in actuelles.values()})
        list(Objectif.objects.select_for_update().filter(pk__in=ids_objectifs).order_by("pk").values_list("pk"))
        return [_examiner(actuelles[pk], user, etat, commentaire, motif) for pk in sorted(selection)]


def valider_selection(selection, user, commentaire=""):
    """Validate the achievements ticked in the queue, all or none; `selection` maps pk to the version displayed."""
    return _examiner_selection(
        selection,
        user,
        EtatRealisation.VALIDEE,
        (commentaire or "").strip(),
        MOTIF_VALIDATION,
        _("rien n'a été validé."),
    )


def renvoyer_selection(selection, user, commentaire):
    """Return the achievements ticked in the queue with one comment, all or none."""
    commentaire = _exiger_commentaire(commentaire)
    return _examiner_selection(
        selection, user, EtatRealisation.RENVOYEE, commentaire, MOTIF_RENVOI, _("rien n'a été renvoyé.")
    )
