"""Every error of the API as a problem details document (RFC 9457), in the reader's language (French by default)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from partenariat.commun.saisie import ErreurMetier

CONTENT_TYPE = "application/problem+json"


class PreconditionRequise(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_requise"

    def __init__(self):
        super().__init__(
            _(
                "Indiquez la version que vous avez lue dans l'en-tête If-Match (la valeur de l'en-tête ETag de la "
                "lecture), pour qu'une modification faite entre-temps ne soit pas écrasée."
            )
        )


class VersionPerimee(exceptions.APIException):
    """A write based on a version someone else has changed since: nothing is written."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "version_perimee"

    def __init__(self, detail, etag=None, details=()):
        super().__init__(detail)
        self.etag = etag
        self.details = list(details)


class Refus(exceptions.APIException):
    """A change the domain refuses (closed year, objective already agreed…), with the services' message."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refus"

    def __init__(self, erreur):
        super().__init__(erreur.message)
        self.details = erreur.details


def _titres():
    return {
        400: _("Requête invalide"),
        401: _("Authentification requise"),
        403: _("Accès refusé"),
        404: _("Introuvable"),
        405: _("Méthode non permise"),
        406: _("Format de réponse non disponible"),
        409: _("Modification refusée"),
        412: _("Version périmée"),
        415: _("Type de contenu non pris en charge"),
        428: _("Version requise"),
        429: _("Trop de requêtes"),
        500: _("Erreur du serveur"),
    }


def _erreurs_de_champs(donnees, prefixe=""):
    """DRF's nested {field: [messages]} as a flat list of {champ, message}."""
    erreurs = []
    if isinstance(donnees, dict):
        for champ, valeur in donnees.items():
            nom = f"{prefixe}.{champ}" if prefixe else str(champ)
            erreurs.extend(_erreurs_de_champs(valeur, nom))
    elif isinstance(donnees, list):
        for valeur in donnees:
            erreurs.extend(_erreurs_de_champs(valeur, prefixe))
    else:
        erreurs.append({"champ": prefixe or None, "message": str(donnees)})
    return erreurs


def document(statut, detail, request=None, erreurs=(), code=None):
    corps = {
        "type": f"urn:partenariat:probleme:{code}" if code else "about:blank",
        "title": str(_titres().get(statut, _("Erreur"))),
        "status": statut,
        "detail": str(detail),
    }
    if request is not None:
        corps["instance"] = request.path
    if erreurs:
        corps["erreurs"] = list(erreurs)
    return corps


def gerer_exception(exc, context):
    """DRF's handler, then the body rewritten as a problem; the domain's refusals and Django's exceptions too."""
    if isinstance(exc, ErreurMetier):
        exc = (
            VersionPerimee(exc.message, etag=etag_de(exc.version_actuelle), details=exc.details)
            if exc.version_actuelle is not None
            else Refus(exc)
        )
    elif isinstance(exc, PermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc.args[0]))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("Le corps de la requête n'est pas un document JSON lisible."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Aucun enregistrement ne correspond à cette adresse."))
    reponse = exception_handler(exc, context)
    if reponse is None:
        return None
    request = context.get("request")
    donnees = reponse.data
    if isinstance(exc, exceptions.ValidationError):
        detail = _("Certaines valeurs sont invalides : rien n'a été enregistré.")
        erreurs = _erreurs_de_champs(donnees)
    else:
        detail = donnees.get("detail", "") if isinstance(donnees, dict) else donnees
        erreurs = [{"champ": None, "message": d} for d in getattr(exc, "details", ())]
    code = getattr(exc, "default_code", None)
    reponse.data = document(reponse.status_code, detail, request, erreurs, code)
    reponse.content_type = CONTENT_TYPE
    if isinstance(exc, VersionPerimee) and exc.etag:
        reponse["ETag"] = exc.etag
    return reponse


def etag_de(version):
    return f'"{version}"'


def _api(request):
    return request.path.startswith("/api/")


def introuvable(request, exception):
    """The site's 404: a problem document under /api/ (an address that matches no route), the page elsewhere."""
    if _api(request):
        corps = document(404, _("Aucune ressource de l'API ne correspond à cette adresse."), request, code="not_found")
        return JsonResponse(corps, status=404, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def erreur_serveur(request):
    if _api(request):
        corps = document(500, _("Erreur du serveur : l'équipe technique est prévenue. Réessayez plus tard."), request)
        return JsonResponse(corps, status=500, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)
