"""Territorial conferences installed by the social partners, and what they do: meetings, programming, observations."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partenariat.commun.dates import date_courte
from partenariat.models import DATE_SIGNATURE, NaturePiece


class EtatInstallation(models.TextChoices):
    A_L_HEURE = "a_l_heure", _("Installée dans les délais")
    EN_RETARD = "en_retard", _("Installée en retard")
    NON_INSTALLEE = "non_installee", _("Pas encore installée")


class ConferenceQuerySet(models.QuerySet):
    def avec_etat_installation(self, date_limite, au=None):
        """Annotate `etat_installation` against the protocol's deadline, as things stood on date `au`."""
        installee = Q(date_installation__isnull=False)
        if au is not None:
            installee &= Q(date_installation__lte=au)
        return self.annotate(
            etat_installation=Case(
                When(installee & Q(date_installation__lte=date_limite), then=Value(EtatInstallation.A_L_HEURE)),
                When(installee, then=Value(EtatInstallation.EN_RETARD)),
                default=Value(EtatInstallation.NON_INSTALLEE),
                output_field=models.CharField(),
            )
        )

    def installees_au(self, date):
        return self.filter(date_installation__lte=date)

    def pour_liste(self, date_limite, au=None):
        """Everything the list and dashboard show, in a constant number of queries whatever the row count."""
        return (
            self.avec_etat_installation(date_limite, au)
            .annotate(
                nb_membres=_compte(MembreConference),
                nb_reunions=_compte(Reunion),
            )
            .prefetch_related("bassins", "aires")
        )


def _compte(model):
    """Rows of `model` per conference, as a subquery: counts that stay one query whatever the number of rows."""
    lignes = model.objects.filter(conference=OuterRef("pk")).order_by().values("conference")
    return Coalesce(Subquery(lignes.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=models.IntegerField())


def avec_conference(aires):
    """Annotate each area with the first of the conferences covering it (by name): what the lists show."""
    conferences = ConferenceTerritoriale.objects.filter(aires=OuterRef("pk")).order_by("nom")
    return aires.annotate(
        conference_nom=Subquery(conferences.values("nom")[:1]),
        conference_id=Subquery(conferences.values("pk")[:1]),
    )


class ConferenceTerritoriale(models.Model):
    """A conference of the social partners representing Action Logement on its employment basins."""

    nom = models.CharField(_("nom"), max_length=200, unique=True)
    bassins = models.ManyToManyField(
        "aires_urbaines.BassinEmploi", related_name="conferences", verbose_name=_("bassins d'emploi"), blank=True
    )
    aires = models.ManyToManyField(
        "aires_urbaines.AireUrbaine", related_name="conferences", verbose_name=_("aires urbaines"), blank=True
    )
    date_installation = models.DateField(
        _("date d'installation"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Laisser vide tant que la conférence n'est pas installée."),
    )
    secretariat = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="conferences_secretariat",
        verbose_name=_("secrétariat"),
        blank=True,
        help_text=_("Comptes qui tiennent le secrétariat de la conférence."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[bassins, aires])

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("conférence territoriale")
        verbose_name_plural = _("conférences territoriales")
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_installation__isnull=True) | Q(date_installation__gte=DATE_SIGNATURE),
                name="conference_installee_apres_signature",
                violation_error_message=_(
                    "Une conférence ne peut pas être installée avant la signature du protocole (27 juin 2012)."
                ),
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("conferences:conference_detail", args=[self.pk])

    def etat_installation_pour(self, date_limite):
        if self.date_installation is None:
            return EtatInstallation.NON_INSTALLEE
        if self.date_installation <= date_limite:
            return EtatInstallation.A_L_HEURE
        return EtatInstallation.EN_RETARD


class MembreConference(models.Model):
    """A member of a conference, sitting for an employers' organisation or an employees' union."""

    class College(models.TextChoices):
        EMPLOYEURS = "employeurs", _("Collège employeurs")
        SALARIES = "salaries", _("Collège salariés")

    class Organisation(models.TextChoices):
        MEDEF = "MEDEF", "MEDEF"
        CGPME = "CGPME", "CGPME"
        UPA = "UPA", "UPA"
        CGT = "CGT", "CGT"
        CFDT = "CFDT", "CFDT"
        CGT_FO = "CGT-FO", "CGT-FO"
        CFTC = "CFTC", "CFTC"
        CFE_CGC = "CFE-CGC", "CFE-CGC"

    COLLEGE_DES_ORGANISATIONS = {
        "MEDEF": "employeurs",
        "CGPME": "employeurs",
        "UPA": "employeurs",
        "CGT": "salaries",
        "CFDT": "salaries",
        "CGT-FO": "salaries",
        "CFTC": "salaries",
        "CFE-CGC": "salaries",
    }

    conference = models.ForeignKey(
        ConferenceTerritoriale, on_delete=models.CASCADE, related_name="membres", verbose_name=_("conférence")
    )
    nom = models.CharField(_("nom"), max_length=150)
    college = models.CharField(_("collège"), max_length=12, choices=College.choices)
    organisation = models.CharField(_("organisation"), max_length=10, choices=Organisation.choices)
    fonction = models.CharField(_("fonction"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre de conférence")
        verbose_name_plural = _("membres de conférence")
        ordering = ["conference", "college", "organisation", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(college="employeurs", organisation__in=["MEDEF", "CGPME", "UPA"])
                    | Q(college="salaries", organisation__in=["CGT", "CFDT", "CGT-FO", "CFTC", "CFE-CGC"])
                ),
                name="membre_organisation_du_college",
                violation_error_message=_("L'organisation ne siège pas dans ce collège."),
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.organisation})"


class Reunion(models.Model):
    """A meeting of a conference, with its agenda, minutes and attendance."""

    conference = models.ForeignKey(
        ConferenceTerritoriale, on_delete=models.CASCADE, related_name="reunions", verbose_name=_("conférence")
    )
    date = models.DateField(_("date"), db_index=True)
    lieu = models.CharField(_("lieu"), max_length=200, blank=True)
    ordre_du_jour = models.TextField(_("ordre du jour"), blank=True)
    compte_rendu = models.TextField(_("compte rendu"), blank=True)
    nb_participants = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True, help_text=_("Un nom par ligne."))
    pieces_jointes = GenericRelation("partenariat.PieceJointe", related_query_name="reunion")
    history = HistoricalRecords()

    NATURES_PIECES = (NaturePiece.COMPTE_RENDU, NaturePiece.FEUILLE_PRESENCE)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__gte=DATE_SIGNATURE),
                name="reunion_apres_signature",
                violation_error_message=_("Une réunion ne peut pas précéder la signature du protocole (27 juin 2012)."),
            ),
        ]

    def __str__(self):
        return f"{self.conference} — {date_courte(self.date)}"


class AssociationProgrammation(models.Model):
    """The association of a conference with an intercommunality's programming document (SCOT, PLH, PDU, PLUi…)."""

    class Document(models.TextChoices):
        SCOT = "SCOT", _("Schéma de cohérence territoriale (SCOT)")
        PLH = "PLH", _("Programme local de l'habitat (PLH)")
        PDU = "PDU", _("Plan de déplacements urbains (PDU)")
        PLUI = "PLUi", _("Plan local d'urbanisme intercommunal (PLUi)")
        AUTRE = "autre", _("Autre document")

    class Etat(models.TextChoices):
        SOLLICITEE = "sollicitee", _("Sollicitée")
        ASSOCIEE = "associee", _("Associée")
        AVIS_RENDU = "avis_rendu", _("Avis rendu")

    conference = models.ForeignKey(
        ConferenceTerritoriale,
        on_delete=models.CASCADE,
        related_name="associations",
        verbose_name=_("conférence"),
    )
    intercommunalite = models.ForeignKey(
        "aires_urbaines.Intercommunalite",
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("intercommunalité"),
    )
    document = models.CharField(_("document"), max_length=10, choices=Document.choices)
    etat = models.CharField(_("état"), max_length=12, choices=Etat.choices, default=Etat.SOLLICITEE)
    date_sollicitation = models.DateField(_("date de sollicitation"))
    date_association = models.DateField(_("date d'association"), null=True, blank=True)
    date_avis = models.DateField(_("date de l'avis"), null=True, blank=True)
    commentaire = models.TextField(_("commentaire"), blank=True)
    pieces_jointes = GenericRelation("partenariat.PieceJointe", related_query_name="association")
    history = HistoricalRecords()

    NATURES_PIECES = (NaturePiece.DELIBERATION, NaturePiece.AVIS)

    class Meta:
        verbose_name = _("association aux travaux de programmation")
        verbose_name_plural = _("associations aux travaux de programmation")
        ordering = ["-date_sollicitation"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "intercommunalite", "document"],
                name="association_unique_par_document",
                violation_error_message=_(
                    "Cette conférence est déjà associée à ce document de cette intercommunalité."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_association__isnull=True) | Q(date_association__gte=models.F("date_sollicitation")),
                name="association_apres_sollicitation",
                violation_error_message=_("La date d'association ne peut pas précéder la sollicitation."),
            ),
            models.CheckConstraint(
                condition=Q(date_avis__isnull=True) | Q(date_avis__gte=models.F("date_sollicitation")),
                name="avis_apres_sollicitation",
                violation_error_message=_("La date de l'avis ne peut pas précéder la sollicitation."),
            ),
            models.CheckConstraint(
                condition=~Q(etat="avis_rendu") | Q(date_avis__isnull=False),
                name="avis_rendu_date",
                violation_error_message=_("Un avis rendu doit avoir sa date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_document_display()} — {self.intercommunalite}"


class Observation(models.Model):
    """A result of the observation of companies' housing needs, or a study, shared locally."""

    class Nature(models.TextChoices):
        OBSERVATION = "observation", _("Observation des besoins")
        ETUDE = "etude", _("Étude spécifique")

    conference = models.ForeignKey(
        ConferenceTerritoriale,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("conférence"),
        null=True,
        blank=True,
    )
    aires = models.ManyToManyField(
        "aires_urbaines.AireUrbaine", related_name="observations", verbose_name=_("aires urbaines"), blank=True
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices, default=Nature.OBSERVATION)
    titre = models.CharField(_("titre"), max_length=250)
    date = models.DateField(_("date"), db_index=True)
    resume = models.TextField(_("résumé"), blank=True)
    chiffres_cles = models.TextField(_("chiffres clés"), blank=True, help_text=_("Un chiffre par ligne."))
    pieces_jointes = GenericRelation("partenariat.PieceJointe", related_query_name="observation")
    history = HistoricalRecords(m2m_fields=[aires])

    NATURES_PIECES = (NaturePiece.ETUDE,)

    class Meta:
        verbose_name = _("observation partagée")
        verbose_name_plural = _("observations partagées")
        ordering = ["-date"]

    def __str__(self):
        return self.titre
