"""Background work run by the database-backed worker (`manage.py db_worker`)."""

import datetime

from django.contrib.auth import get_user_model
from django.tasks import task

from .resumes import envoyer_resume


@task
def envoyer_resume_tache(utilisateur_id, frequence, periode, au, lot=""):
    """One person's digest for one period: safe to run twice (the period's row is taken before sending)."""
    user = get_user_model().objects.filter(pk=utilisateur_id, is_active=True).select_related("preferences").first()
    if user is None:
        return "absent"
    resume = envoyer_resume(
        user, frequence, datetime.date.fromisoformat(au), datetime.date.fromisoformat(periode), lot=lot or None
    )
    return resume.etat if resume else "deja_pris"
