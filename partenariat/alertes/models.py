"""What a person follows, and the email digests sent to them: the alerts themselves are computed, never stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenariat.models import FrequenceResume


class SuiviQuerySet(models.QuerySet):
    def de(self, user):
        return self.filter(utilisateur=user) if user.is_authenticated else self.none()


class Suivi(models.Model):
    """A person follows an urban area or a conference: its alerts and changes reach their page and their digest."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suivis", verbose_name=_("utilisateur")
    )
    aire = models.ForeignKey(
        "aires_urbaines.AireUrbaine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suivis",
        verbose_name=_("aire urbaine"),
    )
    conference = models.ForeignKey(
        "conferences.ConferenceTerritoriale",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suivis",
        verbose_name=_("conférence"),
    )
    cree_le = models.DateTimeField(_("suivi depuis le"), auto_now_add=True)

    objects = SuiviQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["utilisateur", "aire__code", "conference__nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aire__isnull=False, conference__isnull=True)
                | Q(aire__isnull=True, conference__isnull=False),
                name="suivi_une_aire_ou_une_conference",
                violation_error_message=_("On suit une aire urbaine ou une conférence, une seule à la fois."),
            ),
            models.UniqueConstraint(
                fields=["utilisateur", "aire"],
                condition=Q(aire__isnull=False),
                name="suivi_unique_par_aire",
                violation_error_message=_("Vous suivez déjà cette aire urbaine."),
            ),
            models.UniqueConstraint(
                fields=["utilisateur", "conference"],
                condition=Q(conference__isnull=False),
                name="suivi_unique_par_conference",
                violation_error_message=_("Vous suivez déjà cette conférence."),
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} → {self.aire or self.conference}"

    @property
    def objet(self):
        return self.aire or self.conference


class EtatResume(models.TextChoices):
    EN_COURS = "en_cours", _("En préparation")
    ENVOYE = "envoye", _("Envoyé")
    RIEN = "rien", _("Rien de nouveau : pas d'envoi")
    ECHEC = "echec", _("Échec de l'envoi, à reprendre")


class Resume(models.Model):
    """One digest per person and period: the row is taken before sending, so that no period is sent twice.

    It keeps the keys of the alerts it reported, the starting point of the next digest's "new" and "resolved".
    """

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes", verbose_name=_("utilisateur")
    )
    frequence = models.CharField(_("fréquence"), max_length=12, choices=FrequenceResume.choices)
    periode = models.DateField(_("période"), help_text=_("Le jour, ou le lundi de la semaine, du résumé."))
    au = models.DateField(_("date de référence des alertes"))
    etat = models.CharField(_("état"), max_length=10, choices=EtatResume.choices, default=EtatResume.EN_COURS)
    alertes = models.JSONField(_("alertes signalées"), default=list)
    nb_entrees = models.PositiveIntegerField(_("nombre d'entrées"), default=0)
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    erreur = models.TextField(_("dernière erreur"), blank=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("résumé par courriel")
        verbose_name_plural = _("résumés par courriel")
        ordering = ["-periode", "utilisateur"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "frequence", "periode"],
                name="resume_unique_par_periode",
                violation_error_message=_("Un résumé existe déjà pour cette personne et cette période."),
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} — {self.get_frequence_display()} {self.periode}"
