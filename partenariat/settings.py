"""Réglages du projet, lus dans l'environnement (DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS).

Sans variable, le projet tourne en démonstration locale sur un fichier SQLite.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
PRODUCTION = os.environ.get("DJANGO_ENV", "").lower() == "production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Commands that only compare or print the schema sign nothing: they run without the key.
COMMANDES_SANS_SIGNATURE = {"makemigrations", "showmigrations", "sqlmigrate"}
commande = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" else None
if not SECRET_KEY:
    if not DEBUG and commande not in COMMANDES_SANS_SIGNATURE:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire lorsque DEBUG est désactivé : "
            "définissez la variable d'environnement SECRET_KEY."
        )
    SECRET_KEY = "django-insecure-demo-locale-uniquement"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "partenariat.administration.AdministrationConfig",  # django.contrib.admin with the product's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "rules",
    "partenariat",
    "partenariat.commun",
    "aires_urbaines",
    "conferences",
    "engagements",
    "partenariat.alertes",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partenariat.api",
]

MIDDLEWARE = [
    # First: every log line of the request, and its response, carry the request's id.
    "partenariat.journaux.IdentifiantDeRequete",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here; static files are answered above by WhiteNoise, compressed ahead of time. Django pads
    # each gzip header with up to 100 random bytes ("Heal the Breach") and masks the CSRF token on every response,
    # which makes guessing a secret from compressed lengths (BREACH) impractically slow. Kept above every middleware
    # that reads or writes the body, as Django's documentation orders it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Interface language: a signed-in person's own choice wins over the cookie and Accept-Language.
    "partenariat.langues.LangueUtilisateurMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partenariat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partenariat.alertes.navigation.decompte_alertes",
                "partenariat.pilotage.donnees_ouvertes.lien_donnees_ouvertes",
            ],
        },
    },
]

WSGI_APPLICATION = "partenariat.wsgi.application"

DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the planner's estimates for the progress subqueries (rarely run) trigger ~0.5 s of compilation
    # per request on queries that execute in ~50 ms. Sorting a full-France list (50,000 objectives) fits in
    # 16 MB of memory instead of spilling to disk.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c work_mem=16MB")
    # A pool discards broken connections, so the app recovers by itself after a database restart.
    if env_bool("DB_POOL", default=True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        from psycopg_pool import ConnectionPool

        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_MAX", "8")),
            "timeout": 10,
            # Checked on checkout: after a database restart no request gets a dead connection.
            "check": ConnectionPool.check_connection,
        }
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # Writers queue instead of failing: a deferred transaction that reads, then writes, cannot wait for the lock
    # ("database is locked" at once), so every transaction takes the write lock when it begins; WAL lets readers
    # go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object rules of each app (`<app>/regles.py`): `user.has_perm(permission, record)`.
    "rules.permissions.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "connexion"

# Password reset links are valid for one hour: long enough to read the email, short enough that a link left in a
# mailbox or forwarded by mistake soon stops working. A link also dies once used (the token hashes the password).
# The reset email and pages say "une heure": change them with this value.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Outgoing email (password reset), through Django 6.1's MAILERS, from the usual EMAIL_* environment variables.
# In DEBUG without EMAIL_HOST, the console, so that `make run` prints the reset email in the terminal; otherwise SMTP,
# to a local relay on localhost when EMAIL_HOST is unset (never the console in production: reset links would end up in
# the logs). The port defaults to 25, or 587 with EMAIL_USE_TLS.
serveur_courriel = os.environ.get("EMAIL_HOST", "")
if DEBUG and not serveur_courriel:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": serveur_courriel or "localhost",
                "port": int(os.environ["EMAIL_PORT"]) if os.environ.get("EMAIL_PORT") else None,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                # A stalled mail server must not hold a worker: Django logs the failure, the page answers as usual.
                "timeout": 10,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Suivi du protocole <ne-pas-repondre@localhost>")

# The address of the site as its users reach it: emails (digests, unsubscribe links) are read outside any request.
URL_SITE = os.environ.get("URL_SITE", "http://127.0.0.1:8000").rstrip("/")

# Background work (email digests) runs as tasks of Django's Tasks framework, stored in the database and run by
# `manage.py db_worker` (django-tasks-db); `manage.py envoyer_resumes`, from cron or a systemd timer, queues them.
# The API (/api/v1/): personal tokens or the browser session, the pages' rules, problem details (RFC 9457).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partenariat.api.authentification.JetonAuthentication",
        "partenariat.api.authentification.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["partenariat.api.authentification.PorteeDuJeton"],
    "DEFAULT_THROTTLE_CLASSES": [
        "partenariat.api.authentification.DebitParJeton",
        "partenariat.api.authentification.DebitAnonyme",
    ],
    # Requests per token (or signed-in person) and per address without one.
    "DEFAULT_THROTTLE_RATES": {
        "jeton": os.environ.get("API_DEBIT", "600/minute"),
        "anonyme": os.environ.get("API_DEBIT_ANONYME", "60/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partenariat.api.problemes.gerer_exception",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Suivi du protocole-cadre Action Logement × élus",
    "DESCRIPTION": (
        "Les données du partenariat : protocole, déploiement, aires urbaines, conférences, objectifs et réalisations. "
        "Les chiffres sont ceux des pages pour la même date (`?date=`) : réalisations validées par défaut, "
        "`?en_attente=1` pour les chiffres provisoires. Authentification : `Authorization: Bearer <jeton>` (jeton "
        "personnel créé sur /comptes/jetons/). Modifications : en-tête `If-Match` avec l'ETag lu (412 si "
        "l'enregistrement a changé depuis). Erreurs : problèmes RFC 9457 (`application/problem+json`)."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# One cache for every server process when REDIS_URL is set (Django's Redis backend, tolerant of Redis being down: the
# pages are then computed uncached); otherwise each process's memory, enough for one server. Nothing in the cache is
# the only copy of anything: figures are checked against the database's journal of writes, reports live in the
# database, sessions and login attempts too.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "partenariat.commun.cache.CacheRedisTolerant",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIXE", "partenariat"),
            # A stalled Redis must not hold a request: a quarter of a second to connect, half a second to answer.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "partenariat"}}

# Alert thresholds (partenariat/alertes/calcul.py); each can be set from the environment, e.g. ALERTE_REUNION_MOIS=4.
ALERTES_SEUILS = {
    # An installed conference should meet at least this often during the period.
    "reunion_mois": int(os.environ.get("ALERTE_REUNION_MOIS", "6")),
    # Days into a year after which an objective without any achievement is flagged (a quarter by default).
    "sans_realisation_jours": int(os.environ.get("ALERTE_SANS_REALISATION_JOURS", "90")),
    # Days an achievement may wait for validation, or stay returned without correction, before it is flagged.
    "attente_validation_jours": int(os.environ.get("ALERTE_ATTENTE_VALIDATION_JOURS", "30")),
    "renvoi_jours": int(os.environ.get("ALERTE_RENVOI_JOURS", "15")),
    # Days after the end of a year before a year still open is flagged (time to validate its last figures).
    "cloture_jours": int(os.environ.get("ALERTE_CLOTURE_JOURS", "60")),
}

# Where users report an accessibility problem (the accessibility statement's contact, RGAA).
CONTACT_ACCESSIBILITE = os.environ.get("CONTACT_ACCESSIBILITE", "accessibilite@partenariat.example.org")

# The public open-data page and files (/donnees-ouvertes/), off unless DONNEES_OUVERTES=1 or true.
DONNEES_OUVERTES = env_bool("DONNEES_OUVERTES", default=False)

# French is the product's language and the default; each language is named in its own language (the switch).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Grouping is explicit (intcomma, NombreColumn) so that years and ids never render as "2 013".
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["partenariat.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files (justificatifs, comptes rendus…): a private folder that no URL serves, outside static files;
    # they are downloaded through a view that checks the user's right. For an S3-compatible store, see the README.
    "pieces_jointes": {
        "BACKEND": "partenariat.commun.fichiers.StockagePrive",
        "OPTIONS": {
            "location": os.environ.get("PIECES_JOINTES_DIR", str(BASE_DIR / "var" / "pieces_jointes")),
            "base_url": None,
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Or an S3-compatible object store (AWS S3, OVHcloud, Scaleway, MinIO…) through django-storages, when a bucket is
# named: `pip install ".[s3]"`; keys from these variables or boto3's usual ones. Objects stay private (no ACL, signed
# access only) and downloads still go through the application's view.
if os.environ.get("PIECES_JOINTES_S3_BUCKET"):
    STORAGES["pieces_jointes"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PIECES_JOINTES_S3_BUCKET"],
            "endpoint_url": os.environ.get("PIECES_JOINTES_S3_ENDPOINT") or None,
            "region_name": os.environ.get("PIECES_JOINTES_S3_REGION") or None,
            "access_key": os.environ.get("PIECES_JOINTES_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("PIECES_JOINTES_S3_SECRET_KEY") or None,
            "addressing_style": os.environ.get("PIECES_JOINTES_S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("PIECES_JOINTES_S3_PREFIXE", "pieces-jointes"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Largest evidence file accepted, in bytes (10 MB by default), checked while the upload streams in, before storage.
TAILLE_MAX_PIECE_JOINTE = int(os.environ.get("TAILLE_MAX_PIECE_JOINTE", str(10 * 1024 * 1024)))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DJANGO_TABLES2_TEMPLATE = "django_tables2/tableau.html"

# HTTPS-only settings are on in production (DJANGO_ENV=production) and can be forced with SECURE_HTTPS.
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=PRODUCTION)
SECURE_SSL_REDIRECT = SECURE_HTTPS
# A load balancer checks each server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
# Behind a reverse proxy (deploiement/nginx/partenariat.conf), the client's address is the NOMBRE_PROXYS-th entry
# from the right of X-Forwarded-For (each proxy appends the address it saw; entries further left are the client's
# own claims): login throttling and the API's anonymous rate (partenariat.commun.reseau) count people, not the proxy.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=PRODUCTION)
NOMBRE_PROXYS = int(os.environ.get("NOMBRE_PROXYS", "1"))
# The proxies' own addresses, as the server sees them (gunicorn's FORWARDED_ALLOW_IPS likewise): anyone else's
# X-Forwarded-For is ignored.
PROXYS_DE_CONFIANCE = env_list("PROXYS_DE_CONFIANCE", ["127.0.0.1", "::1"])
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The language cookie (header switch) is read by the server only.
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Brute force: lock a username from one address, never a whole office behind one IP.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_CLIENT_IP_CALLABLE = "partenariat.commun.reseau.adresse_client"

NIVEAU_JOURNAL = os.environ.get("LOG_LEVEL", "WARNING")
# One JSON object per line (JOURNAL_JSON=1, the default in production), each with the request's id: the one nginx
# sent in X-Request-ID behind the proxy, or a new one (partenariat/journaux.py), returned in the response's
# X-Request-ID so that a user's report of a problem leads to its lines.
JOURNAL_JSON = env_bool("JOURNAL_JSON", default=PRODUCTION)
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "date", "levelname": "niveau", "name": "journal"},
        },
        "texte": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    # The handler's level too: Django's own loggers (django.request…) pass their records up to it.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": NIVEAU_JOURNAL,
            "filters": ["request_id"],
            "formatter": "json" if JOURNAL_JSON else "texte",
        }
    },
    "root": {"handlers": ["console"], "level": NIVEAU_JOURNAL},
}
