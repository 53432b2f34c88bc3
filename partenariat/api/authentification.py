"""Bearer tokens for programs, the browser session for the interactive documentation; throttling per token."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from partenariat.commun.reseau import adresse_client

from .jetons import MESSAGE_LECTURE_SEULE, jeton_valide, peut_ecrire
from .models import JetonApi

MOT_CLE = "Bearer"


class JetonAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer pal_…`. Never read from the query string, which servers write to their logs."""

    def authenticate(self, request):
        entete = authentication.get_authorization_header(request).split()
        if not entete or entete[0].lower() != MOT_CLE.lower().encode():
            return None
        if len(entete) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide : « Bearer <jeton> » attendu."))
        try:
            secret = entete[1].decode()
        except UnicodeDecodeError:
            secret = ""
        jeton = jeton_valide(secret)
        if jeton is None:
            raise exceptions.AuthenticationFailed(_("Jeton inconnu, expiré ou révoqué."))
        return jeton.utilisateur, jeton

    def authenticate_header(self, request):
        # A 401 (not a 403) names the scheme expected.
        return f'{MOT_CLE} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser (interactive documentation); a write needs the CSRF token, as every form does."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _("Jeton CSRF absent ou invalide : rechargez la page de la documentation, puis recommencez.")
            ) from None


class PorteeDuJeton(permissions.BasePermission):
    """Signed in; a write needs a read-write token (or the browser session). What a role may write is then the
    services' rule, the same as the pages'."""

    message = _("Ce jeton ne permet que la lecture : créez un jeton en lecture et écriture pour modifier.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, JetonApi) and not request.auth.ecriture:
            if not peut_ecrire(request.user):
                self.message = MESSAGE_LECTURE_SEULE  # a write token would not help: the role reads only
            return False
        return True


class DebitMixin:
    def get_rate(self):
        # Read at each request rather than once at import, so that a change of the settings applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class DebitParJeton(DebitMixin, throttling.SimpleRateThrottle):
    """Requests per token (per person for the browser session); see `API_DEBIT`."""

    scope = "jeton"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, JetonApi):
            ident = f"jeton-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"session-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class DebitAnonyme(DebitMixin, throttling.AnonRateThrottle):
    scope = "anonyme"

    def get_ident(self, request):
        # The person's address as login throttling counts it (behind the proxy, from trusted proxies only).
        return adresse_client(request)


class JetonScheme(OpenApiAuthenticationExtension):
    target_class = JetonAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("Jeton personnel créé sur la page « Jetons d'API » de votre compte, envoyé dans Authorization.")
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
