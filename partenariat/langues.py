"""The interface language: French by default, English on request, a signed-in person's choice kept for them.

Anonymous visitors get Django's choice (the language cookie set by the header switch, else `Accept-Language`, else
French). A signed-in person's stored choice is copied into the session when they sign in and whenever they switch,
so that every later request activates it without a query, and the language cookie follows it for the pages seen
after signing out.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

CLE_SESSION = "langue_utilisateur"


def langues_proposees():
    """The choices of a stored language, read from the settings (a migration does not freeze them)."""
    return settings.LANGUAGES


def est_proposee(langue):
    return langue in dict(settings.LANGUAGES)


def retenir_langue(request, langue):
    """Store `langue` for the signed-in person (kept across sessions and browsers) and for this session."""
    from partenariat.models import PreferencesUtilisateur

    if request.user.is_authenticated:
        PreferencesUtilisateur.objects.update_or_create(utilisateur=request.user, defaults={"langue": langue})
        request.session[CLE_SESSION] = langue


@receiver(user_logged_in, dispatch_uid="langue_a_la_connexion")
def langue_a_la_connexion(sender, request, user, **kwargs):
    """Signing in brings back the language the person chose last time, in any browser."""
    from partenariat.models import PreferencesUtilisateur

    if request is None or not hasattr(request, "session"):
        return
    langue = PreferencesUtilisateur.objects.filter(utilisateur=user).values_list("langue", flat=True).first()
    if langue and est_proposee(langue):
        request.session[CLE_SESSION] = langue


class LangueUtilisateurMiddleware:
    """After LocaleMiddleware: the session's stored choice overrides the cookie and Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        langue = request.session.get(CLE_SESSION)
        if langue and est_proposee(langue):
            translation.activate(langue)
            request.LANGUAGE_CODE = langue
        response = self.get_response(request)
        langue = request.session.get(CLE_SESSION)  # again: the view may have signed the person in or out
        if langue and est_proposee(langue) and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != langue:
            # After signing out (the session is emptied), the same browser keeps the person's language.
            poser_cookie_langue(response, langue)
        return response


def poser_cookie_langue(response, langue):
    """The cookie Django's LocaleMiddleware reads, with the settings Django's own set_language view uses."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        langue,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
