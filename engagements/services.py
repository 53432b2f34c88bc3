"""Progress computations shared by the web pages, the exports and the PDF reports, so figures never differ."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from engagements.regles import peut_modifier_objectif
from partenariat.commun.acces import exiger
from partenariat.commun.dates import date_de_reference
from partenariat.commun.saisie import ErreurMetier, prendre_version

from .avancement import realisations_comptees, taux_realisation
from .models import Dispositif, Objectif, Realisation


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


def modifier_objectif(objectif, user, version):
    """Change an objective, unless someone saved it since the user read `version` (no lost update)."""
    exiger(user, "engagements.change_objectif", objectif)
    try:
        with transaction.atomic():
            prendre_version(Objectif, objectif, version, ErreurEngagement)
            _historiser(objectif, user)
            objectif.save()
    except IntegrityError as erreur:
        raise ErreurEngagement(MESSAGE_OBJECTIF_EXISTANT) from erreur
    return objectif


def enregistrer_realisation(realisation, user):
    """Record an achievement (who recorded it is the acting user) or correct one; the rate follows by itself."""
    exiger(user, f"engagements.{'change' if realisation.pk else 'add'}_realisation", realisation)
    with transaction.atomic():
        if realisation.pk is None:
            realisation.saisi_par = user
        _historiser(realisation, user)
        realisation.save()
    return realisation


def motif_import(jeton):
    return f"Import de réalisations {jeton}"


def importer_realisations(lignes, user, jeton):
    """Create the achievements of a checked file at once, or none: the same `jeton` is never applied twice.

    `lignes` are `engagements.imports.LigneImport`. The objectives are locked, so that two confirmations of one
    file run one after the other and the second finds the first in the history.
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
            )
            for ligne in lignes
        ]
        # `Realisation.objects.bulk_create` brings the objectives' running totals in step.
        return bulk_create_with_history(realisations, Realisation, default_user=user, default_change_reason=motif)
