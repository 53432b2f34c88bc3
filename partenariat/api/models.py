"""Personal API tokens: only a digest is stored, the token itself is shown once to its owner."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Portee(models.TextChoices):
    LECTURE = "lecture", _("Lecture seule")
    ECRITURE = "ecriture", _("Lecture et écriture")


class JetonQuerySet(models.QuerySet):
    def actifs(self, maintenant=None):
        maintenant = maintenant or timezone.now()
        return self.filter(revoque_le__isnull=True, expire_le__gt=maintenant)


class JetonApi(models.Model):
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons_api", verbose_name=_("utilisateur")
    )
    nom = models.CharField(_("nom"), max_length=100)
    # The first characters of the token, shown in the list so that its owner recognises it; never enough to use it.
    prefixe = models.CharField(_("début du jeton"), max_length=12)
    # SHA-256 of the token: a random 256-bit secret needs no slow hash, and the digest finds it in one lookup.
    empreinte = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    portee = models.CharField(_("portée"), max_length=10, choices=Portee.choices, default=Portee.LECTURE)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    expire_le = models.DateTimeField(_("expire le"))
    revoque_le = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    derniere_utilisation = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = JetonQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(portee__in=Portee.values),
                name="jeton_portee_connue",
                violation_error_message=_("Choisissez la lecture seule ou la lecture et l'écriture."),
            ),
            models.CheckConstraint(
                condition=Q(expire_le__gt=models.F("cree_le")),
                name="jeton_expire_apres_creation",
                violation_error_message=_("Un jeton expire après sa création."),
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def actif(self):
        return self.revoque_le is None and self.expire_le > timezone.now()

    @property
    def ecriture(self):
        return self.portee == Portee.ECRITURE
