"""Following areas and conferences, choosing one's digest, and whose alerts concern whom."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from conferences.models import ConferenceTerritoriale
from conferences.regles import ids_aires_modifiables, ids_conferences_du_secretariat
from partenariat.models import FrequenceResume, PreferencesUtilisateur
from partenariat.roles import a_portee_nationale, lit_tout

from .calcul import NATIONALE, Portee, calculer_alertes
from .models import Suivi

# The navigation's count is kept a few minutes per person: computing it on every page would cost every page.
DUREE_DECOMPTE = 5 * 60


def url_absolue(chemin):
    """A link for outside a request (emails, exports): the site's address, `URL_SITE`."""
    return f"{settings.URL_SITE}{chemin}"


def peut_tout_voir(user):
    """Elected officials (and staff) may ask for every alert; a secretariat sees its own conferences' only."""
    return lit_tout(user)


def portee_de(user, tout=False):
    """The alerts that concern `user`: everything for UESL staff (and élus asking for it); otherwise their
    conferences' (secretariat) and what they follow.

    Following widens the scope only for those who read everything: a secretariat never sees another
    conference's alerts.
    """
    if a_portee_nationale(user) or (tout and peut_tout_voir(user)):
        return NATIONALE
    conferences = set(ids_conferences_du_secretariat(user))
    aires = set(ids_aires_modifiables(user)) if conferences else set()
    if peut_tout_voir(user):
        conferences_suivies = set()
        for aire_id, conference_id in Suivi.objects.filter(utilisateur=user).values_list("aire_id", "conference_id"):
            if aire_id:
                aires.add(aire_id)
            else:
                conferences_suivies.add(conference_id)
        if conferences_suivies:
            conferences |= conferences_suivies
            aires |= set(
                ConferenceTerritoriale.aires.through.objects.filter(
                    conferenceterritoriale_id__in=conferences_suivies
                ).values_list("aireurbaine_id", flat=True)
            )
    return Portee(frozenset(aires), frozenset(conferences), globales=False)


def ouvre_la_file(user):
    return user.has_perm("engagements.ouvrir_file_validation")


def alertes_de(user, au=None, tout=False, **options):
    """The alerts on `au` (default today) that concern `user`, with links they can follow."""
    return calculer_alertes(
        au or timezone.localdate(), portee_de(user, tout), file_validation=ouvre_la_file(user), **options
    )


def _cle_decompte(user):
    return f"alertes:decompte:{user.pk}:{timezone.localdate().isoformat()}"


def nb_alertes(user):
    """How many alerts concern `user` today, as the navigation shows it (kept `DUREE_DECOMPTE` seconds)."""
    return cache.get_or_set(_cle_decompte(user), lambda: len(alertes_de(user)), DUREE_DECOMPTE)


def retenir_decompte(user, nombre):
    """The alerts page computes the same list: the navigation shows its count at once."""
    cache.set(_cle_decompte(user), nombre, DUREE_DECOMPTE)


def oublier_decompte(user):
    cache.delete(_cle_decompte(user))


# --- Following ------------------------------------------------------------------------------------------------------


def suivre(user, aire=None, conference=None):
    """Follow an area or a conference; following it again changes nothing."""
    try:
        with transaction.atomic():
            suivi, _cree = Suivi.objects.get_or_create(utilisateur=user, aire=aire, conference=conference)
    except IntegrityError:  # the same follow recorded meanwhile, by a second click
        suivi = Suivi.objects.get(utilisateur=user, aire=aire, conference=conference)
    oublier_decompte(user)
    return suivi


def ne_plus_suivre(user, aire=None, conference=None):
    Suivi.objects.filter(utilisateur=user, aire=aire, conference=conference).delete()
    oublier_decompte(user)


def suit(user, aire=None, conference=None):
    if not user.is_authenticated:
        return False
    return Suivi.objects.filter(utilisateur=user, aire=aire, conference=conference).exists()


# --- Digest preferences ---------------------------------------------------------------------------------------------


def preferences_de(user):
    return PreferencesUtilisateur.objects.filter(utilisateur=user).first() or PreferencesUtilisateur(utilisateur=user)


@transaction.atomic
def choisir_resume(user, frequence, email):
    """Store how often `user` wants a digest and where; a digest needs an address."""
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    PreferencesUtilisateur.objects.update_or_create(utilisateur=user, defaults={"frequence_resume": frequence})


def desabonner(user):
    """The unsubscribe link: no more digests (the person can choose again on their preferences page)."""
    PreferencesUtilisateur.objects.update_or_create(
        utilisateur=user, defaults={"frequence_resume": FrequenceResume.AUCUN}
    )
