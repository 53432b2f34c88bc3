"""gunicorn settings for production serving (`make serve`); every value can be overridden by the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# PDF reports of the whole country take seconds: the default 30 s would kill them under load.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# WeasyPrint keeps memory: recycle workers now and then, with jitter so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# One JSON object per request, with the request's id as the response carries it (nginx's, or the application's).
logger_class = "partenariat.journaux.JournalAcces"
access_log_format = (
    '{"date": "%(t)s", "requete": "%(r)s", "statut": %(s)s, "octets": "%(b)s", "duree_us": %(D)s, '
    '"client": "%({x-forwarded-for}i)s", "request_id": "%({x-request-id}o)s"}'
)
