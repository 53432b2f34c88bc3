"""Shared housing objectives per area, scheme and year, and the achievements that measure them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partenariat.commun.dates import date_courte
from partenariat.commun.saisie import ErreurMetier
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN, DATE_SIGNATURE, NaturePiece

from . import avancement

# The progress rule, its expressions and the journal live in `engagements.avancement`; the models use these.
from .avancement import (
    CHAMPS_CUMULES,
    EtatRealisation,
    Statut,
    taux_realisation,
)

# --- Closed years ---------------------------------------------------------------------------------------------


class AnneeClose(ErreurMetier):
    """A write refused because it touches a closed year: whatever the path (form, import, queue, admin, shell)."""


MESSAGE_REALISATIONS_CLOSES = _(
    "L'année %(annee)s est close depuis le %(date)s : ses réalisations ne peuvent plus être saisies, modifiées, "
    "supprimées, importées ni validées."
)
MESSAGE_OBJECTIFS_CLOS = _(
    "L'année %(annee)s est close depuis le %(date)s : ses objectifs ne peuvent plus être créés ni supprimés, "
    "et leur cible, leur aire, leur dispositif, leur unité et leur date d'accord ne peuvent plus être modifiées."
)
# What an objective of a closed year keeps: the fields its figures are read from (notes stay free).
CHAMPS_FIGES = ("cible", "annee", "aire_id", "dispositif", "unite", "date_accord")


def date_de_cloture(cloture):
    """The day a year was closed, as messages write it (31/01/2016)."""
    close_le = cloture.close_le
    return date_courte(timezone.localtime(close_le).date() if timezone.is_aware(close_le) else close_le)


def refus_annee_close(cloture, message=MESSAGE_REALISATIONS_CLOSES):
    """The French refusal naming the closed year and the day it was closed."""
    return AnneeClose(message % {"annee": cloture.annee, "date": date_de_cloture(cloture)})


def verifier_objectifs_ouverts(ids_objectifs, message=MESSAGE_REALISATIONS_CLOSES):
    """Raise AnneeClose if one of these objectives belongs to a closed year; one query whatever their number."""
    ids = {pk for pk in ids_objectifs if pk is not None}
    if not ids:
        return
    cloture = (
        ClotureAnnee.objects.closes()
        .filter(annee__in=Objectif.objects.filter(pk__in=ids).values("annee"))
        .order_by("annee")
        .first()
    )
    if cloture is not None:
        raise refus_annee_close(cloture, message)


def verifier_objectif_modifiable(objectif, annee, champs_modifies):
    """The forms' side of the guard, said on the form before anything is saved: creating an objective of a closed
    year, or changing one of its pinned fields (before or after the change), is refused."""
    figes = {champ.removesuffix("_id") for champ in CHAMPS_FIGES}
    if objectif.pk and not figes & set(champs_modifies):
        return
    annees = {annee} - {None}
    if objectif.pk:
        annees |= set(Objectif.objects.filter(pk=objectif.pk).values_list("annee", flat=True))
    if annees:
        verifier_annees_ouvertes(annees, MESSAGE_OBJECTIFS_CLOS)


def verifier_annees_ouvertes(annees, message=MESSAGE_OBJECTIFS_CLOS):
    """Raise AnneeClose if one of `annees` (years or a subquery of years) is closed; one query."""
    cloture = ClotureAnnee.objects.closes().filter(annee__in=annees).order_by("annee").first()
    if cloture is not None:
        raise refus_annee_close(cloture, message)


def _identifiant(valeur):
    """The objective's id given to `update(objectif=…)`, as an instance or a primary key (else None)."""
    if isinstance(valeur, models.Model):
        return valeur.pk
    return valeur if isinstance(valeur, int) else None


def _oublier_creation(objets):
    """After a refused creation rolled back, the instances are unsaved again (no primary key that exists nowhere)."""
    for objet in objets:
        objet.pk = None
        objet._state.adding = True


class Dispositif(models.TextChoices):
    """The seven schemes the protocol lists for employees' housing."""

    LOGEMENT_SOCIAL = "logement_social", _("Production de logements sociaux")
    PRIVE_INTERMEDIAIRE = "prive_intermediaire", _("Logements privés intermédiaires")
    ACCESSION_SOCIALE = "accession_sociale", _("Accession sociale à la propriété")
    LOCATION_ACCESSION = "location_accession", _("Location-accession")
    OPERATIONS_INNOVANTES = "operations_innovantes", _("Opérations innovantes")
    ACCUEIL_SPECIFIQUE = "accueil_specifique", _("Accueil spécifique (jeunes, alternants, mobilité)")
    ACCOMPAGNEMENT_ENTREPRISES = "accompagnement_entreprises", _("Accompagnement des entreprises")


class Unite(models.TextChoices):
    LOGEMENTS = "logements", _("logements")
    MENAGES = "menages", _("ménages")
    SALARIES = "salaries", _("salariés")
    ENTREPRISES = "entreprises", _("entreprises")


class ObjectifQuerySet(models.QuerySet):
    def avec_avancement(self, au=None, provisoire=False):
        """Annotate realise, taux and statut as of date `au` (default today), all computed in SQL so they sort.

        Validated achievements only, or with `provisoire` the pending ones too (`avancement.comptage`).
        """
        return avancement.annoter_avancement(self, au, provisoire)

    def de_statut(self, statut, au=None, provisoire=False):
        """Objectives in `statut` as of `au` (the rule of `avec_avancement`, without annotating the rows)."""
        return avancement.filtrer_statut(self, statut, au, provisoire)

    def nb_realisations_au(self, au):
        """Achievements of these objectives dated by `au`, from the running counts (no scan of achievements)."""
        return avancement.nb_realisations_au(self, au)

    def recalculer_cumuls(self, depuis=None):
        """Recompute the running totals and final status of these objectives (see `avancement.recalculer_cumuls`)."""
        return avancement.recalculer_cumuls(self, depuis)

    def bulk_create(self, objs, *args, **kwargs):
        """New objectives change the national figures; they have no achievement, their default totals are right."""
        objs = list(objs)
        for objectif in objs:
            if objectif.cible_initiale is None:
                objectif.cible_initiale = objectif.cible
        if objs:
            verifier_annees_ouvertes({objectif.annee for objectif in objs})
        with transaction.atomic():
            crees = super().bulk_create(objs, *args, **kwargs)
            avancement.noter_modification()
        return crees

    def update(self, **kwargs):
        """The running totals are written here too: only a change of what a closed year keeps is refused."""
        figes = {champ.removesuffix("_id") for champ in CHAMPS_FIGES} | set(CHAMPS_FIGES)
        if figes & kwargs.keys():
            annees = set(self.order_by().values_list("annee", flat=True).distinct())
            if isinstance(kwargs.get("annee"), int):
                annees.add(kwargs["annee"])
            if annees:
                verifier_annees_ouvertes(annees)
        return super().update(**kwargs)

    def delete(self):
        verifier_annees_ouvertes(self.order_by().values("annee"))
        with transaction.atomic():
            resultat = super().delete()
            avancement.noter_modification()
        return resultat

    delete.queryset_only = True  # as Django's: no `Objectif.objects.delete()` emptying the table

    def convenus_au(self, au):
        """Objectives agreed by `au`: an objective without an agreement date counts from the start of its year."""
        return self.filter(Q(date_accord__lte=au) | Q(date_accord__isnull=True, annee__lte=au.year))

    def non_convenus_au(self, au):
        return self.exclude(Q(date_accord__lte=au) | Q(date_accord__isnull=True, annee__lte=au.year))

    def pour_liste(self, au=None, provisoire=False):
        return self.select_related("aire", "conference", "aire__entree_phase__phase").avec_avancement(au, provisoire)

    def totaux(self):
        """Target and achieved totals of an annotated queryset, in one query."""
        sommes = self.aggregate(cible_totale=Coalesce(Sum("cible"), 0), realise_total=Coalesce(Sum("realise"), 0))
        sommes["taux"] = taux_realisation(sommes["realise_total"], sommes["cible_totale"])
        return sommes


class Objectif(models.Model):
    """A target agreed locally for one area, one scheme and one year of the protocol's period."""

    aire = models.ForeignKey(
        "aires_urbaines.AireUrbaine", on_delete=models.PROTECT, related_name="objectifs", verbose_name=_("aire urbaine")
    )
    conference = models.ForeignKey(
        "conferences.ConferenceTerritoriale",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectifs",
        verbose_name=_("conférence"),
    )
    dispositif = models.CharField(_("dispositif"), max_length=30, choices=Dispositif.choices, db_index=True)
    annee = models.PositiveSmallIntegerField(_("année"), db_index=True)
    cible = models.PositiveIntegerField(_("cible"))
    # The target first agreed: the baseline of the commitment, kept when the target is revised.
    cible_initiale = models.PositiveIntegerField(_("cible initiale"), editable=False)
    unite = models.CharField(_("unité"), max_length=12, choices=Unite.choices, default=Unite.LOGEMENTS)
    notes = models.TextField(_("notes"), blank=True)
    date_accord = models.DateField(_("date de l'accord"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Running totals of the achievements, kept by `recalculer_cumuls` on every write: today's progress reads them.
    realise_cumule = models.PositiveBigIntegerField(_("réalisé cumulé"), default=0, editable=False)
    nb_realisations = models.PositiveIntegerField(_("nombre de réalisations"), default=0, editable=False)
    premiere_realisation = models.DateField(_("première réalisation"), null=True, blank=True, editable=False)
    derniere_realisation = models.DateField(_("dernière réalisation"), null=True, blank=True, editable=False)
    # The status once the objective's year is over, with every achievement: what pages show after the period.
    statut_final = models.CharField(
        _("statut à terme"), max_length=20, choices=Statut.choices, default=Statut.SANS_REALISATION, editable=False
    )
    # The same totals counting submitted achievements too: the provisional figures.
    realise_provisoire = models.PositiveBigIntegerField(_("réalisé provisoire"), default=0, editable=False)
    nb_provisoires = models.PositiveIntegerField(_("nombre de réalisations provisoires"), default=0, editable=False)
    premiere_provisoire = models.DateField(_("première réalisation provisoire"), null=True, blank=True, editable=False)
    derniere_provisoire = models.DateField(_("dernière réalisation provisoire"), null=True, blank=True, editable=False)
    statut_final_provisoire = models.CharField(
        _("statut à terme provisoire"),
        max_length=20,
        choices=Statut.choices,
        default=Statut.SANS_REALISATION,
        editable=False,
    )
    nb_en_attente = models.PositiveIntegerField(_("réalisations en attente de validation"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=CHAMPS_CUMULES)

    objects = ObjectifQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif partagé")
        verbose_name_plural = _("objectifs partagés")
        ordering = ["aire__code", "annee", "dispositif"]
        constraints = [
            models.UniqueConstraint(
                fields=["aire", "dispositif", "annee", "unite"],
                name="objectif_unique_par_aire_dispositif_annee_unite",
                violation_error_message=_(
                    "Un objectif existe déjà pour cette aire, ce dispositif, cette année et cette unité."
                ),
            ),
            models.CheckConstraint(
                condition=Q(annee__gte=ANNEE_DEBUT, annee__lte=ANNEE_FIN),
                name="objectif_annee_dans_la_periode",
                violation_error_message=_("L'année doit être comprise dans la période du protocole (2013 à 2015)."),
            ),
            models.CheckConstraint(
                condition=Q(cible__gte=0),
                name="objectif_cible_positive",
                violation_error_message=_("La cible doit être un nombre positif ou nul."),
            ),
            models.CheckConstraint(
                condition=Q(cible_initiale__gte=0),
                name="objectif_cible_initiale_positive",
                violation_error_message=_("La cible initiale doit être un nombre positif ou nul."),
            ),
            models.CheckConstraint(
                condition=Q(date_accord__isnull=True) | Q(date_accord__gte=DATE_SIGNATURE),
                name="objectif_accord_apres_signature",
                violation_error_message=_("Un objectif ne peut pas être convenu avant la signature du protocole."),
            ),
        ]

    def __str__(self):
        return f"{self.aire.nom} — {self.get_dispositif_display()} {self.annee}"

    def save(self, *args, **kwargs):
        """Never write the running totals from memory: an achievement saved meanwhile would be lost."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                champ.name
                for champ in self._meta.concrete_fields
                if not champ.primary_key and champ.name not in CHAMPS_CUMULES
            ]
        creation = self._state.adding
        if creation and self.cible_initiale is None:
            self.cible_initiale = self.cible
        self._verifier_annee_ouverte(creation, kwargs.get("update_fields"))
        with transaction.atomic():
            super().save(*args, **kwargs)
            if not creation and "cible" in (kwargs.get("update_fields") or ["cible"]):
                avancement.tenir_cumuls([self.pk])  # the target decides the final status
            else:
                avancement.noter_modification()  # a new objective has no achievement: its default totals are right

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("engagements:objectif_detail", args=[self.pk])

    def _verifier_annee_ouverte(self, creation, update_fields=None):
        """A closed year's targets are final: no new objective, no change of what its figures are read from.

        One query when no year is closed (the usual case); the stored row is read only when one is.
        """
        closes = {cloture.annee: cloture for cloture in ClotureAnnee.objects.closes()}
        if not closes:
            return
        if creation:
            if self.annee in closes:
                raise refus_annee_close(closes[self.annee], MESSAGE_OBJECTIFS_CLOS)
            return
        champs = [
            champ
            for champ in CHAMPS_FIGES
            if update_fields is None or champ in update_fields or champ.removesuffix("_id") in update_fields
        ]
        avant = Objectif.objects.filter(pk=self.pk).values(*champs).first() if champs else None
        if avant is None:
            return
        if not any(avant[champ] != getattr(self, champ) for champ in champs):
            return
        for annee in sorted({avant.get("annee", self.annee), self.annee}):
            if annee in closes:
                raise refus_annee_close(closes[annee], MESSAGE_OBJECTIFS_CLOS)

    def delete(self, *args, **kwargs):
        verifier_annees_ouvertes(Objectif.objects.filter(pk=self.pk).values("annee"))
        with transaction.atomic():
            resultat = super().delete(*args, **kwargs)
            avancement.noter_modification()
        return resultat

    @property
    def statut_libelle(self):
        statut = getattr(self, "statut", None)
        return Statut(statut).label if statut else ""

    @property
    def cible_revisee(self):
        return self.cible != self.cible_initiale


class RealisationQuerySet(models.QuerySet):
    """Writes in bulk keep their objectives' running totals, like `Realisation.save` and `delete`.

    Every write also refuses to touch a closed year (`AnneeClose`), before or after the change. The check runs
    once the objectives are locked (`tenir_cumuls`), so that it sees a closing committed meanwhile, and a
    closing waiting for those locks counts this write among the pending ones.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        maintenant = timezone.now()
        for realisation in objs:
            if realisation.etat == EtatRealisation.SOUMISE and realisation.soumise_le is None:
                realisation.soumise_le = maintenant
        try:
            with transaction.atomic():
                crees = super().bulk_create(objs, *args, **kwargs)
                valides = any(r.etat == EtatRealisation.VALIDEE for r in crees)
                avancement.tenir_cumuls([r.objectif_id for r in crees], [r.date for r in crees] or [None], valides)
                verifier_objectifs_ouverts({r.objectif_id for r in crees})
        except AnneeClose:
            _oublier_creation(objs)
            raise
        return crees

    def update(self, **kwargs):
        if not {"objectif", "objectif_id", "date", "quantite", "etat"} & kwargs.keys():
            # No figure changes: the rows' objectives are read in the one query of the check.
            verifier_annees_ouvertes(self.order_by().values("objectif__annee"), MESSAGE_REALISATIONS_CLOSES)
            return super().update(**kwargs)
        with transaction.atomic():
            memes = Realisation.objects.filter(pk__in=list(self.values_list("pk", flat=True)))
            ids_avant, dates_avant = avancement.touchees(memes)
            nombre = super().update(**kwargs)
            ids_apres, dates_apres = avancement.touchees(memes)
            avancement.tenir_cumuls(ids_avant + ids_apres, dates_avant + dates_apres or [None])
            nouvel_objectif = _identifiant(kwargs.get("objectif", kwargs.get("objectif_id")))
            verifier_objectifs_ouverts([*ids_avant, *ids_apres, nouvel_objectif])
        return nombre

    def delete(self):
        with transaction.atomic():
            ids, dates = avancement.touchees(self)
            resultat = super().delete()
            avancement.tenir_cumuls(ids, dates or [None])
            verifier_objectifs_ouverts(ids)
        return resultat

    delete.queryset_only = True  # as Django's: no `Realisation.objects.delete()` emptying the table


class Realisation(models.Model):
    """A dated, measured achievement against an objective; the completion rate is always computed from these."""

    objectif = models.ForeignKey(
        Objectif, on_delete=models.CASCADE, related_name="realisations", verbose_name=_("objectif")
    )
    date = models.DateField(_("date"), db_index=True)
    quantite = models.PositiveIntegerField(_("quantité"))
    commentaire = models.TextField(_("commentaire"), blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="realisations_saisies",
        verbose_name=_("saisi par"),
    )
    saisi_le = models.DateTimeField(_("saisi le"), auto_now_add=True)
    # The validation lifecycle: who last changed it (four eyes), when it was last submitted, who examined it.
    etat = models.CharField(
        _("état"), max_length=10, choices=EtatRealisation.choices, default=EtatRealisation.SOUMISE, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )
    soumise_le = models.DateTimeField(_("soumise le"), null=True, blank=True)
    examinee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("examinée par"),
    )
    examinee_le = models.DateTimeField(_("examinée le"), null=True, blank=True)
    commentaire_examen = models.TextField(_("commentaire de l'examen"), blank=True)
    # The bulk import that created it, so that the validation queue can take a whole import at once.
    lot_import = models.UUIDField(_("import"), null=True, blank=True, db_index=True, editable=False)
    pieces_jointes = GenericRelation("partenariat.PieceJointe", related_query_name="realisation")
    history = HistoricalRecords()

    NATURES_PIECES = (NaturePiece.JUSTIFICATIF,)

    objects = RealisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("réalisation")
        verbose_name_plural = _("réalisations")
        permissions = [("valider_realisation", _("Peut valider ou renvoyer les réalisations"))]
        ordering = ["-date", "-pk"]
        # Progress sums an objective's achievements up to a date: this index answers it without reading the rows.
        indexes = [
            models.Index(fields=["objectif", "date", "quantite"], name="realisation_objectif_date"),
            # The validation queue: submitted achievements, oldest first.
            models.Index(fields=["etat", "soumise_le"], name="realisation_etat_soumise"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantite__gte=0),
                name="realisation_quantite_positive",
                violation_error_message=_("La quantité réalisée doit être un nombre positif ou nul."),
            ),
            models.CheckConstraint(
                condition=Q(date__gte=DATE_SIGNATURE),
                name="realisation_apres_signature",
                violation_error_message=_("Une réalisation ne peut pas précéder la signature du protocole."),
            ),
        ]

    def __str__(self):
        return f"{self.quantite} — {date_courte(self.date)}"

    def save(self, *args, **kwargs):
        """Keep the running totals; an achievement moved to another objective or date changes the former too.

        Refused (`AnneeClose`) when the objective before or after the change is of a closed year.
        """
        creation, version = self._state.adding, self.version
        try:
            self._enregistrer(*args, **kwargs)
        except AnneeClose:
            if creation:
                _oublier_creation([self])
            self.version = version
            raise

    def _enregistrer(self, *args, **kwargs):
        with transaction.atomic():
            avant = None
            if self.pk is not None:
                avant = (
                    Realisation.objects.filter(pk=self.pk).values_list("objectif_id", "date", "etat", "version").first()
                )
            if avant is not None:
                self.version = avant[3] + 1  # every change, from any path, shows in the validation queue as stale
            if self.etat == EtatRealisation.SOUMISE and self.soumise_le is None:
                self.soumise_le = timezone.now()
            super().save(*args, **kwargs)
            objectif_avant, date_avant, etat_avant, _version = avant or (None, self.date, self.etat, None)
            valides = EtatRealisation.VALIDEE in (self.etat, etat_avant)
            avancement.tenir_cumuls([self.objectif_id, objectif_avant], [self.date, date_avant], valides)
            verifier_objectifs_ouverts([self.objectif_id, objectif_avant])

    def delete(self, *args, **kwargs):
        pk = self.pk
        try:
            with transaction.atomic():
                resultat = super().delete(*args, **kwargs)
                avancement.tenir_cumuls([self.objectif_id], [self.date], self.etat == EtatRealisation.VALIDEE)
                verifier_objectifs_ouverts([self.objectif_id])
        except AnneeClose:
            self.pk = pk  # Django cleared it: the row is still there
            raise
        return resultat

    @property
    def en_attente(self):
        return self.etat == EtatRealisation.SOUMISE


class VersionAvancement(models.Model):
    """One row counting the writes that change progress figures; taking it in each write orders them."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("version des chiffres d'avancement")

    def __str__(self):
        return str(self.version)


class ModificationAvancement(models.Model):
    """A committed write that changed progress figures from `date_min` on (every date when empty).

    Figures computed for a date stay valid while no later modification reaches that date: staff recording
    this year's achievements do not invalidate the figures officials read for 2013.
    """

    version = models.BigIntegerField(_("version"), unique=True)
    date_min = models.DateField(_("à partir du"), null=True, blank=True)
    valides = models.BooleanField(_("chiffres validés"), default=True)

    class Meta:
        verbose_name = _("modification des chiffres d'avancement")

    def __str__(self):
        return f"{self.version} ({date_courte(self.date_min) if self.date_min else _('toutes dates')})"


class RevisionCible(models.Model):
    """A change of an objective's target, with its reason: a late objective is never made on time silently."""

    objectif = models.ForeignKey(
        Objectif, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("objectif")
    )
    ancienne_cible = models.PositiveIntegerField(_("ancienne cible"))
    nouvelle_cible = models.PositiveIntegerField(_("nouvelle cible"))
    motif = models.TextField(_("motif"))
    revisee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révisée par"),
    )
    revisee_le = models.DateTimeField(_("révisée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("révision de cible")
        verbose_name_plural = _("révisions de cible")
        ordering = ["objectif", "revisee_le", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(motif=""),
                name="revision_cible_avec_motif",
                violation_error_message=_("Indiquez le motif de la révision de la cible."),
            ),
        ]

    def __str__(self):
        return f"{self.objectif} : {self.ancienne_cible} → {self.nouvelle_cible}"


class ClotureAnneeQuerySet(models.QuerySet):
    def closes(self):
        return self.filter(close=True)

    def annees_closes(self):
        """The years whose figures are final, as a set: every write to their achievements is refused."""
        return set(self.closes().values_list("annee", flat=True))


class ClotureAnnee(models.Model):
    """A year of the protocol whose figures are final: its achievements can no longer change.

    One row per year ever closed; reopening keeps the row (closed = False) with its reason, and the history
    keeps every closing and reopening.
    """

    annee = models.PositiveSmallIntegerField(_("année"), unique=True)
    close = models.BooleanField(_("close"), default=True)
    close_le = models.DateTimeField(_("close le"))
    close_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("close par"),
    )
    rouverte_le = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    rouverte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rouverte par"),
    )
    motif_reouverture = models.TextField(_("motif de la réouverture"), blank=True)
    history = HistoricalRecords()

    objects = ClotureAnneeQuerySet.as_manager()

    class Meta:
        verbose_name = _("clôture d'année")
        verbose_name_plural = _("clôtures d'année")
        permissions = [("rouvrir_clotureannee", _("Peut rouvrir une année close"))]
        ordering = ["annee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annee__gte=ANNEE_DEBUT, annee__lte=ANNEE_FIN),
                name="cloture_annee_dans_la_periode",
                violation_error_message=_("L'année doit être comprise dans la période du protocole (2013 à 2015)."),
            ),
            models.CheckConstraint(
                condition=Q(close=True) | ~Q(motif_reouverture=""),
                name="cloture_reouverture_avec_motif",
                violation_error_message=_("Indiquez le motif de la réouverture de l'année."),
            ),
        ]

    def __str__(self):
        return str(self.annee)
