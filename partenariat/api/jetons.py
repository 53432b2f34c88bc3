"""Creating, finding and revoking personal API tokens; the one place that knows how a token is made and kept."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.regles import peut_saisir_objectifs
from partenariat.roles import VALIDER

from .models import JetonApi, Portee

# "pal_" tells a leaked token apart in a scan of code or logs; 32 random bytes follow.
PREFIXE = "pal_"
DUREES_JOURS = (30, 90, 180, 365)
LONGUEUR_PREFIXE_AFFICHE = 12
# How often the last use is written: once every few minutes, not a write per request.
INTERVALLE_UTILISATION = datetime.timedelta(minutes=5)

MESSAGE_LECTURE_SEULE = _("Votre rôle ne permet que la lecture : un jeton en écriture ne peut pas vous être délivré.")


def empreinte(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def peut_ecrire(user):
    """Whoever may record something through the pages: staff, secretariats, validators (never a read-only élu)."""
    return user.is_active and (peut_saisir_objectifs(user) or user.has_perm(VALIDER))


def creer_jeton(user, nom, portee, duree_jours):
    """A new token for `user`; returns (token record, the secret), the secret shown once and never stored."""
    if portee == Portee.ECRITURE and not peut_ecrire(user):
        raise PermissionDenied(MESSAGE_LECTURE_SEULE)
    if duree_jours not in DUREES_JOURS:
        raise ValueError(duree_jours)
    secret = PREFIXE + secrets.token_urlsafe(32)
    maintenant = timezone.now()
    jeton = JetonApi.objects.create(
        utilisateur=user,
        nom=nom,
        prefixe=secret[:LONGUEUR_PREFIXE_AFFICHE],
        empreinte=empreinte(secret),
        portee=portee,
        cree_le=maintenant,
        expire_le=maintenant + datetime.timedelta(days=duree_jours),
    )
    return jeton, secret


def revoquer_jeton(user, pk):
    """Revoke one of `user`'s tokens (another person's is not found); revoking twice changes nothing."""
    return JetonApi.objects.filter(utilisateur=user, pk=pk, revoque_le__isnull=True).update(revoque_le=timezone.now())


def jeton_valide(secret):
    """The active token whose secret this is, with its active owner, or None."""
    if not secret or not secret.startswith(PREFIXE) or len(secret) > 100:
        return None
    maintenant = timezone.now()
    jeton = (
        JetonApi.objects.actifs(maintenant)
        .select_related("utilisateur")
        .filter(empreinte=empreinte(secret), utilisateur__is_active=True)
        .first()
    )
    if jeton is not None and (
        jeton.derniere_utilisation is None or jeton.derniere_utilisation < maintenant - INTERVALLE_UTILISATION
    ):
        JetonApi.objects.filter(pk=jeton.pk).update(derniere_utilisation=maintenant)
        jeton.derniere_utilisation = maintenant
    return jeton


def jetons_de(user):
    return JetonApi.objects.filter(utilisateur=user)
