"""France's urban geography (INSEE 2010 zonings) and the protocol's rollout across it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from partenariat.commun.dates import date_courte


class ZoneABC(models.TextChoices):
    """Housing-market zoning of communes: A bis, A and B1 are tight markets."""

    A_BIS = "Abis", _("A bis")
    A = "A", _("A")
    B1 = "B1", _("B1")
    B2 = "B2", _("B2")
    C = "C", _("C")


ZONES_TENDUES = (ZoneABC.A_BIS, ZoneABC.A, ZoneABC.B1)
# An area is tight when at least this share of its population lives in a tight zone.
SEUIL_TENSION = 0.5


class Tension(models.TextChoices):
    TENDUE = "tendue", _("Marché tendu")
    NON_TENDUE = "non_tendue", _("Marché non tendu")


class BassinEmploi(models.Model):
    """A zone d'emploi (ZE2010): where people live and work; conferences are organised on them."""

    code = models.CharField(_("code ZE2010"), max_length=4, unique=True)
    nom = models.CharField(_("nom"), max_length=150)

    class Meta:
        verbose_name = _("bassin d'emploi")
        verbose_name_plural = _("bassins d'emploi")
        ordering = ["nom", "code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"


class Intercommunalite(models.Model):
    """An EPCI, identified by SIREN: the body that writes the PLH and the SCOT."""

    class Nature(models.TextChoices):
        CU = "CU", _("Communauté urbaine")
        CA = "CA", _("Communauté d'agglomération")
        CC = "CC", _("Communauté de communes")
        MET = "MET", _("Métropole")
        SAN = "SAN", _("Syndicat d'agglomération nouvelle")

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    nom = models.CharField(_("nom"), max_length=200)
    nature = models.CharField(_("nature"), max_length=3, choices=Nature.choices)

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = ["nom", "siren"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siren__regex=r"^[0-9]{9}$"),
                name="intercommunalite_siren_9_chiffres",
                violation_error_message=_("Le SIREN doit comporter exactement 9 chiffres."),
            ),
        ]

    def __str__(self):
        return self.nom


class ZonageMillesime(models.Model):
    """One imported A/B/C zoning list, so that every area's tension says which list it came from."""

    libelle = models.CharField(_("libellé"), max_length=200, unique=True)
    importe_le = models.DateTimeField(_("importé le"), auto_now=True)
    nb_communes = models.PositiveIntegerField(_("communes du fichier"), default=0)
    nb_non_appariees = models.PositiveIntegerField(_("communes non appariées"), default=0)

    class Meta:
        verbose_name = _("millésime du zonage A/B/C")
        verbose_name_plural = _("millésimes du zonage A/B/C")
        ordering = ["-importe_le"]

    def __str__(self):
        return self.libelle


class AireUrbaineQuerySet(models.QuerySet):
    def grandes(self):
        return self.filter(categorie=AireUrbaine.Categorie.GRANDE)

    def metropolitaines(self):
        """Overseas area codes start with 9 (INSEE convention)."""
        return self.exclude(code__startswith="9")

    def en_tension(self):
        return self.filter(tension=Tension.TENDUE)

    def dans_le_dispositif_au(self, au):
        return self.filter(entree_phase__date_entree__lte=au)

    def avec_phase(self, au):
        """Annotate the rollout phase the area is in on `au` (none before its entry date), in SQL so it sorts."""
        dans_dispositif = models.Q(entree_phase__date_entree__lte=au)
        return self.annotate(
            phase_libelle=models.Case(
                models.When(dans_dispositif, then=models.F("entree_phase__phase__libelle")),
                output_field=models.CharField(),
            ),
            phase_code=models.Case(
                models.When(dans_dispositif, then=models.F("entree_phase__phase__code")),
                output_field=models.CharField(),
            ),
            phase_ordre=models.Case(
                models.When(dans_dispositif, then=models.F("entree_phase__phase__ordre")),
                output_field=models.IntegerField(),
            ),
            date_entree=models.Case(
                models.When(dans_dispositif, then=models.F("entree_phase__date_entree")),
                output_field=models.DateField(),
            ),
        )


class AireUrbaine(models.Model):
    """An INSEE 2010 urban area (pôle and commuter belt), the protocol's unit of rollout and objectives."""

    class Categorie(models.TextChoices):
        GRANDE = "grande", _("Grande aire urbaine")
        MOYENNE = "moyenne", _("Moyenne aire")
        PETITE = "petite", _("Petite aire")

    code = models.CharField(_("code AU2010"), max_length=3, unique=True)
    nom = models.CharField(_("nom"), max_length=150)
    categorie = models.CharField(_("catégorie"), max_length=10, choices=Categorie.choices, db_index=True)
    population = models.PositiveIntegerField(_("population (2010)"), default=0)
    nb_communes = models.PositiveIntegerField(_("nombre de communes"), default=0)
    tension = models.CharField(
        _("tension du marché"), max_length=12, choices=Tension.choices, blank=True, db_index=True
    )
    part_population_tendue = models.FloatField(
        _("part de la population en zone tendue"), null=True, blank=True, help_text=_("Zones A bis, A et B1.")
    )
    zone_dominante = models.CharField(_("zone A/B/C dominante"), max_length=4, choices=ZoneABC.choices, blank=True)
    zonage = models.ForeignKey(
        ZonageMillesime,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aires",
        verbose_name=_("millésime du zonage"),
    )

    objects = AireUrbaineQuerySet.as_manager()

    class Meta:
        verbose_name = _("aire urbaine")
        verbose_name_plural = _("aires urbaines")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(part_population_tendue__isnull=True)
                | models.Q(part_population_tendue__gte=0, part_population_tendue__lte=1),
                name="aire_part_tendue_entre_0_et_1",
                violation_error_message=_("La part de population en zone tendue doit être comprise entre 0 et 1."),
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("aires_urbaines:aire_detail", args=[self.code])

    def departements(self):
        """Départements its communes lie in, largest population first."""
        return list(
            self.communes.order_by()
            .values("departement")
            .annotate(population=models.Sum("population"))
            .order_by("-population")
            .values_list("departement", flat=True)
        )

    def intercommunalites(self):
        return Intercommunalite.objects.filter(communes__aire_urbaine=self).distinct().order_by("nom")


class Commune(models.Model):
    """A commune (COG 2012): links an area, a basin, an intercommunality and a zone A/B/C."""

    code_insee = models.CharField(_("code INSEE"), max_length=5, unique=True)
    nom = models.CharField(_("nom"), max_length=150)
    departement = models.CharField(_("département"), max_length=3, db_index=True)
    region = models.CharField(_("région"), max_length=2, db_index=True)
    population = models.PositiveIntegerField(_("population (2010)"), default=0)
    zone_abc = models.CharField(_("zone A/B/C"), max_length=4, choices=ZoneABC.choices, blank=True)
    aire_urbaine = models.ForeignKey(
        AireUrbaine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("aire urbaine"),
    )
    categorie_aire = models.CharField(_("catégorie dans le zonage en aires (CATAEU2010)"), max_length=3, blank=True)
    bassin_emploi = models.ForeignKey(
        BassinEmploi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("bassin d'emploi"),
    )
    intercommunalite = models.ForeignKey(
        Intercommunalite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("intercommunalité"),
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code_insee"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code_insee__regex=r"^[0-9][0-9AB][0-9]{3}$"),
                name="commune_code_insee_valide",
                violation_error_message=_("Le code INSEE doit comporter 5 caractères (ex. 69123, 2A004)."),
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code_insee})"


class PhaseDeploiementQuerySet(models.QuerySet):
    def commencees_au(self, date):
        return self.filter(date_debut__lte=date)

    def avec_nb_aires(self, au):
        """Annotate `nb_aires`, the areas that had entered each phase by `au`."""
        return self.annotate(nb_aires=models.Count("entrees", filter=models.Q(entrees__date_entree__lte=au)))


class PhaseDeploiement(models.Model):
    """A rollout wave (2013 priority, then extension); phases are data, chosen by staff."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    date_debut = models.DateField(_("date de début"))
    description = models.TextField(_("description"), blank=True)

    objects = PhaseDeploiementQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase de déploiement")
        verbose_name_plural = _("phases de déploiement")
        ordering = ["ordre", "date_debut"]

    def __str__(self):
        return self.libelle


class EntreePhaseQuerySet(models.QuerySet):
    def au(self, date):
        """Entries effective at `date`: the areas in the scheme on that day."""
        return self.filter(date_entree__lte=date)


class EntreePhase(models.Model):
    """The dated entry of an area into the scheme, in one phase; an area is in at most one phase."""

    aire = models.OneToOneField(
        AireUrbaine, on_delete=models.CASCADE, related_name="entree_phase", verbose_name=_("aire urbaine")
    )
    phase = models.ForeignKey(
        PhaseDeploiement, on_delete=models.PROTECT, related_name="entrees", verbose_name=_("phase")
    )
    date_entree = models.DateField(_("date d'entrée dans le dispositif"), db_index=True)

    objects = EntreePhaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée dans une phase")
        verbose_name_plural = _("entrées dans les phases")
        ordering = ["date_entree", "aire__code"]

    def __str__(self):
        return f"{self.aire} — {self.phase} ({date_courte(self.date_entree)})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.phase_id and self.date_entree and self.date_entree < self.phase.date_debut:
            raise ValidationError(
                {"date_entree": _("Une aire ne peut pas entrer dans une phase avant le début de celle-ci.")}
            )


class Departement(models.Model):
    """A département outline, already projected and simplified, so drawing the national map is plain string output."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    nom = models.CharField(_("nom"), max_length=100)
    contour = models.TextField(
        _("contour"), help_text=_("Tracé SVG (attribut « d ») dans le repère de la carte, coordonnées au dixième.")
    )
    centre_x = models.FloatField(_("centre (x)"))
    centre_y = models.FloatField(_("centre (y)"))

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"
