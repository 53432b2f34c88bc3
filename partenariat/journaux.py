"""The logs' request id, and gunicorn's access log as one JSON object per request.

The id: the proxy's (nginx's `$request_id`, sent as X-Request-ID) when behind it and shaped like one, otherwise a
new one; a client's own header is never trusted. gunicorn fills its log format with the request's values and only
escapes double quotes: a request line or a header carrying a backslash would break the line, so every value is
escaped as JSON here (`logger_class` of partenariat/gunicorn.conf.py).
"""

import json
import re

from django.conf import settings
from gunicorn.glogging import Logger, SafeAtoms
from log_request_id.middleware import RequestIDMiddleware

FORME_IDENTIFIANT = re.compile(r"[A-Za-z0-9-]{1,64}")


class IdentifiantDeRequete(RequestIDMiddleware):
    """django-log-request-id's middleware, reading the proxy's id on each request (BEHIND_PROXY)."""

    def _get_request_id(self, request):
        recu = request.META.get("HTTP_X_REQUEST_ID", "")
        if settings.BEHIND_PROXY and FORME_IDENTIFIANT.fullmatch(recu):
            return recu
        return self._generate_id()


class AtomesJson(SafeAtoms):
    def __init__(self, atoms):
        dict.__init__(self)
        for cle, valeur in atoms.items():
            self[cle] = json.dumps(valeur, ensure_ascii=False)[1:-1] if isinstance(valeur, str) else valeur


class JournalAcces(Logger):
    atoms_wrapper_class = AtomesJson
