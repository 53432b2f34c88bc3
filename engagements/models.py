"""Shared housing objectives per area, scheme and year, and the achievements that measure them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partenariat.commun.dates import date_de_reference
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN, DATE_SIGNATURE


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


class Statut(models.TextChoices):
    """Progress against the share of the year elapsed (prorata), ±10 points of tolerance."""

    EN_AVANCE = "en_avance", _("En avance")
    DANS_LES_TEMPS = "dans_les_temps", _("Dans les temps")
    EN_RETARD = "en_retard", _("En retard")
    SANS_REALISATION = "sans_realisation", _("Sans réalisation")


TOLERANCE_STATUT = 10.0
CHAMPS_CUMULES = ("realise_cumule", "nb_realisations", "premiere_realisation", "derniere_realisation", "statut_final")


def prorata_annee(annee, au):
    """Share (0–100) of calendar year `annee` elapsed on date `au`: what should be achieved by then."""
    debut = datetime.date(annee, 1, 1)
    fin = datetime.date(annee, 12, 31)
    if au < debut:
        return 0.0
    if au >= fin:
        return 100.0
    return round(((au - debut).days + 1) * 100.0 / ((fin - debut).days + 1), 2)


def taux_realisation(realise, cible):
    """Completion rate in percent, None when there is no target to measure against."""
    if not cible:
        return None
    return realise * 100.0 / cible


def statut_pour(annee, cible, realise, a_realisation, au):
    """The rule of `ObjectifQuerySet.avec_avancement`'s `statut`, for figures already summed in Python."""
    if not a_realisation:
        return Statut.SANS_REALISATION
    taux = taux_realisation(realise, cible)
    if taux is None:
        return Statut.DANS_LES_TEMPS
    prorata = prorata_annee(annee, au) if ANNEE_DEBUT <= annee <= ANNEE_FIN else 100.0
    if taux >= prorata + TOLERANCE_STATUT:
        return Statut.EN_AVANCE
    if taux >= prorata - TOLERANCE_STATUT:
        return Statut.DANS_LES_TEMPS
    return Statut.EN_RETARD


def sous_requete_realisations(au, agregat):
    """`agregat` of an objective's achievements dated by `au`, as a subquery (no join, so no duplicated rows)."""
    realisations = Realisation.objects.filter(objectif=OuterRef("pk"), date__lte=au).order_by().values("objectif")
    return Coalesce(Subquery(realisations.annotate(v=agregat).values("v")[:1]), Value(0), output_field=IntegerField())


def expression_taux(realise, cible):
    return Case(
        When(**{f"{cible}__gt": 0}, then=F(realise) * 100.0 / F(cible)),
        default=None,
        output_field=FloatField(),
    )


def _sans_realisation(au):
    return Q(premiere_realisation__isnull=True) | Q(premiere_realisation__gt=au)


def expression_realise(au, cumul="realise_cumule", agregat=None):
    """Achieved quantity as of `au`, read from the objective's running totals whenever they answer.

    An objective whose last achievement is dated by `au` has achieved its running total, one without any
    achievement by `au` nothing; only objectives with achievements on both sides of `au` (a past reference date)
    sum their achievements, so today's figures never read the 500,000 achievements.
    """
    return Case(
        When(derniere_realisation__lte=au, then=F(cumul)),
        When(_sans_realisation(au), then=Value(0)),
        default=sous_requete_realisations(au, agregat or Sum("quantite")),
        output_field=IntegerField(),
    )


def expression_nb_realisations(au):
    """Number of achievements dated by `au`, from the running count like `expression_realise`."""
    return expression_realise(au, "nb_realisations", Count("pk"))


def expression_prorata(au):
    """`prorata_annee` of each objective's year on `au`, in SQL (100 outside the period)."""
    return Case(
        *[When(annee=annee, then=Value(prorata_annee(annee, au))) for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)],
        default=Value(100.0),
        output_field=FloatField(),
    )


def derniere_annee_close(au):
    """The last year wholly elapsed on `au`: its objectives' prorata is 100 %."""
    return au.year if (au.month, au.day) == (12, 31) else au.year - 1


def expression_statut_calcule(au):
    """`statut_pour`'s rule in SQL, on the running totals (a subquery only for past reference dates)."""
    realise = expression_realise(au)
    prorata = expression_prorata(au)
    # In floating point: PostgreSQL's numeric arithmetic costs more than the rest of the list's query.
    taux = Cast(realise, FloatField()) * Value(100.0) / Cast("cible", FloatField())
    return Case(
        When(_sans_realisation(au), then=Value(Statut.SANS_REALISATION)),
        When(cible=0, then=Value(Statut.DANS_LES_TEMPS)),  # before the rate: no division by zero
        When(GreaterThanOrEqual(taux, prorata + TOLERANCE_STATUT), then=Value(Statut.EN_AVANCE)),
        When(GreaterThanOrEqual(taux, prorata - TOLERANCE_STATUT), then=Value(Statut.DANS_LES_TEMPS)),
        default=Value(Statut.EN_RETARD),
        output_field=models.CharField(),
    )


def _a_terme(au):
    """Objectives whose status on `au` is their stored final status: year over, no achievement after `au`."""
    return Q(annee__lte=derniere_annee_close(au)) & (
        Q(premiere_realisation__isnull=True) | Q(derniere_realisation__lte=au)
    )


def expressions_avancement(au):
    """realise, a_realisation, prorata and statut as of `au`, as SQL expressions (annotate or filter).

    The status rule is `statut_pour`'s; objectives whose year is over read their stored final status instead
    of computing it again.
    """
    return {
        "realise": expression_realise(au),
        "a_realisation": Case(
            When(_sans_realisation(au), then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
        "prorata": expression_prorata(au),
        "statut": Case(
            When(_a_terme(au), then=F("statut_final")),
            default=expression_statut_calcule(au),
            output_field=models.CharField(),
        ),
    }


class ObjectifQuerySet(models.QuerySet):
    def avec_avancement(self, au=None):
        """Annotate realise, taux and statut as of date `au` (default today), all computed in SQL so they sort."""
        expressions = expressions_avancement(date_de_reference(au))
        return self.annotate(
            realise=expressions["realise"],
            a_realisation=expressions["a_realisation"],
            prorata=expressions["prorata"],
            statut=expressions["statut"],
        ).annotate(taux=expression_taux("realise", "cible"))

    def de_statut(self, statut, au=None):
        """Objectives in `statut` as of `au` (the rule of `avec_avancement`, without annotating the rows).

        Spelt out on the stored final status where it applies, so that the planner estimates the row count from
        the column's statistics: on the bare CASE it guessed 250 rows out of 14,000 and chose a nested loop.
        """
        au = date_de_reference(au)
        a_terme = _a_terme(au)
        return self.alias(statut_calcule=expression_statut_calcule(au)).filter(
            (a_terme & Q(statut_final=statut)) | (~a_terme & Q(statut_calcule=statut))
        )

    def nb_realisations_au(self, au):
        """Achievements of these objectives dated by `au`, from the running counts (no scan of achievements)."""
        somme = self.order_by().aggregate(n=Coalesce(Sum(expression_nb_realisations(au)), Value(0)))
        return somme["n"]

    def recalculer_cumuls(self, depuis=None):
        """Recompute the running totals and final status of these objectives from their achievements.

        Two UPDATEs: the final status reads the totals the first one wrote. Callers that may race lock the
        objectives first (see `engagements.signals`). `depuis`: the earliest achievement date the write touched
        (every date when unknown), for the journal of cached figures.
        """
        noter_modification(depuis)
        realisations = Realisation.objects.filter(objectif=OuterRef("pk")).order_by().values("objectif")
        self.order_by().update(
            realise_cumule=Coalesce(
                Subquery(realisations.annotate(total=Sum("quantite")).values("total")[:1]),
                Value(0),
                output_field=models.PositiveBigIntegerField(),
            ),
            nb_realisations=Coalesce(
                Subquery(realisations.annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
                output_field=models.PositiveIntegerField(),
            ),
            premiere_realisation=Subquery(realisations.annotate(d=Min("date")).values("d")[:1]),
            derniere_realisation=Subquery(realisations.annotate(d=Max("date")).values("d")[:1]),
        )
        return self.order_by().update(statut_final=expression_statut_calcule(datetime.date.max))

    def convenus_au(self, au):
        """Objectives agreed by `au`: an objective without an agreement date counts from the start of its year."""
        return self.filter(Q(date_accord__lte=au) | Q(date_accord__isnull=True, annee__lte=au.year))

    def non_convenus_au(self, au):
        return self.exclude(Q(date_accord__lte=au) | Q(date_accord__isnull=True, annee__lte=au.year))

    def pour_liste(self, au=None):
        return self.select_related("aire", "conference", "aire__entree_phase__phase").avec_avancement(au)

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
        super().save(*args, **kwargs)
        # A new objective has no achievement yet: its default final status is right.
        if not creation and (not kwargs.get("update_fields") or "cible" in kwargs["update_fields"]):
            type(self).objects.filter(pk=self.pk).update(statut_final=expression_statut_calcule(datetime.date.max))
        noter_modification()

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("engagements:objectif_detail", args=[self.pk])

    @property
    def statut_libelle(self):
        statut = getattr(self, "statut", None)
        return Statut(statut).label if statut else ""


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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réalisation")
        verbose_name_plural = _("réalisations")
        ordering = ["-date", "-pk"]
        # Progress sums an objective's achievements up to a date: this index answers it without reading the rows.
        indexes = [models.Index(fields=["objectif", "date", "quantite"], name="realisation_objectif_date")]
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
        return f"{self.quantite} — {self.date:%d/%m/%Y}"


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

    class Meta:
        verbose_name = _("modification des chiffres d'avancement")

    def __str__(self):
        return f"{self.version} ({self.date_min or 'toutes dates'})"


def noter_modification(date_min=None):
    """Record a write in the journal, inside the writer's transaction (the counter row lock orders commits)."""
    from django.db import transaction

    with transaction.atomic():
        if not VersionAvancement.objects.filter(pk=1).update(version=F("version") + 1):
            VersionAvancement.objects.get_or_create(pk=1)
            VersionAvancement.objects.filter(pk=1).update(version=F("version") + 1)
        version = VersionAvancement.objects.values_list("version", flat=True).get(pk=1)
        ModificationAvancement.objects.create(version=version, date_min=date_min)


def version_avancement():
    return VersionAvancement.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def modifie_depuis(version, au):
    """Whether a write committed after `version` changed the figures as of `au`."""
    return (
        ModificationAvancement.objects.filter(version__gt=version)
        .filter(Q(date_min__isnull=True) | Q(date_min__lte=au))
        .exists()
    )
