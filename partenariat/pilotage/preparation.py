"""National, conference and area reports, prepared by the task worker and kept for the version of the data they show.

A national PDF takes seconds to render, an area's more than one on the full data set: a web worker that rendered
them would be lost to everyone else meanwhile.
A request asks for the report (`demander`): if the same report of the same data is ready it is served at once;
otherwise one row is created (the unique constraint makes concurrent requests share it), one task is queued and
the page says the report is being prepared. The worker (`manage.py db_worker`) renders it into the row.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation

from aires_urbaines.models import AireUrbaine, EntreePhase
from conferences.models import ConferenceTerritoriale
from engagements.avancement import version_avancement
from partenariat.models import RapportPrepare

from .reports import MODELES_SUIVIS, render_aire_pdf, render_conference_pdf, render_national_pdf

journal = logging.getLogger(__name__)

Genre = RapportPrepare.Genre
Etat = RapportPrepare.Etat

# A report still waiting or in progress after this long was lost (a worker stopped mid-way): it is queued again.
DELAI_REPRISE = datetime.timedelta(minutes=10)


def version_des_donnees():
    """A fingerprint of everything a report shows: figures' version, each tracked table's latest change, the day.

    Every write to the figures bumps their version (the journal of `engagements.avancement`); every change to a
    conference, member, meeting, programming association or observation adds a row to its history. The day is
    part of it because a report shows progress as of today. A dozen indexed lookups: far below a millisecond each.
    """
    parties = [str(version_avancement()), timezone.localdate().isoformat()]
    for modele in MODELES_SUIVIS:
        parties.append(str(modele.history.order_by("-pk").values_list("pk", flat=True).first() or 0))
    # The rollout (areas entering a phase) has no history: its size and latest row stand for its changes.
    parties.append(str(EntreePhase.objects.count()))
    parties.append(str(EntreePhase.objects.order_by("-pk").values_list("pk", flat=True).first() or 0))
    return hashlib.sha256("|".join(parties).encode()).hexdigest()


def demander(genre, parametre="", provisoire=False, reessayer=False):
    """The prepared report for these arguments and today's data: ready, or queued now (once for everyone).

    The row comes without its bytes (`contenu` reads them): a page polling for progress never loads the PDF.
    A failed report is queued again only when someone asks to retry (`reessayer`).
    """
    cle = {
        "genre": genre,
        "parametre": str(parametre or ""),
        "provisoire": provisoire,
        "langue": translation.get_language() or settings.LANGUAGE_CODE,
        "version": version_des_donnees(),
    }
    try:
        with transaction.atomic():
            rapport, cree = RapportPrepare.objects.defer("contenu").get_or_create(**cle)
    except IntegrityError:  # another request created it between our lookup and our insert
        rapport, cree = RapportPrepare.objects.defer("contenu").get(**cle), False
    if cree or _a_reprendre(rapport, reessayer):
        _mettre_en_file(rapport, cree)
        rapport = RapportPrepare.objects.defer("contenu").get(pk=rapport.pk)
    return rapport


def contenu(rapport):
    """The PDF bytes of a ready report."""
    return bytes(RapportPrepare.objects.values_list("contenu", flat=True).get(pk=rapport.pk))


def _a_reprendre(rapport, reessayer=False):
    """A failed report (when asked), or one stuck waiting or in progress too long, is queued again."""
    if rapport.etat == Etat.ECHEC:
        return reessayer
    if rapport.etat in (Etat.EN_ATTENTE, Etat.EN_COURS):
        return rapport.demande_le < timezone.now() - DELAI_REPRISE and (
            rapport.commence_le is None or rapport.commence_le < timezone.now() - DELAI_REPRISE
        )
    return False


def _mettre_en_file(rapport, cree):
    # Only the request that moves the row back to "waiting" queues it again: two requests never both do.
    if not cree:
        repris = RapportPrepare.objects.filter(pk=rapport.pk, etat=rapport.etat, demande_le=rapport.demande_le)
        if not repris.update(etat=Etat.EN_ATTENTE, commence_le=None, erreur="", demande_le=timezone.now()):
            return
    preparer_rapport.enqueue(rapport.pk)


def rendre(rapport):
    """(file name, PDF bytes) of a prepared report's arguments, in its language."""
    with translation.override(rapport.langue):
        if rapport.genre == Genre.NATIONAL:
            annee = int(rapport.parametre) if rapport.parametre else None
            return render_national_pdf(annee, provisoire=rapport.provisoire)
        if rapport.genre == Genre.AIRE:
            return render_aire_pdf(AireUrbaine.objects.get(code=rapport.parametre), provisoire=rapport.provisoire)
        conference = ConferenceTerritoriale.objects.get(pk=int(rapport.parametre))
        return render_conference_pdf(conference, provisoire=rapport.provisoire)


@task
def preparer_rapport(rapport_id):
    """Render one prepared report. Safe to run twice: the row is taken (waiting → in progress) before rendering."""
    if not RapportPrepare.objects.filter(pk=rapport_id, etat=Etat.EN_ATTENTE).update(
        etat=Etat.EN_COURS, commence_le=timezone.now()
    ):
        return "deja_pris"
    rapport = RapportPrepare.objects.get(pk=rapport_id)
    try:
        nom, contenu = rendre(rapport)
    except Exception as erreur:
        RapportPrepare.objects.filter(pk=rapport_id).update(
            etat=Etat.ECHEC, termine_le=timezone.now(), erreur=f"{type(erreur).__name__}: {erreur}"[:2000]
        )
        raise
    with transaction.atomic():
        RapportPrepare.objects.filter(pk=rapport_id).update(
            etat=Etat.PRET, nom_fichier=nom, contenu=contenu, termine_le=timezone.now()
        )
        # Earlier versions of the same report are of no more use once this one is ready.
        RapportPrepare.objects.filter(
            genre=rapport.genre, parametre=rapport.parametre, provisoire=rapport.provisoire, langue=rapport.langue
        ).exclude(pk=rapport_id).exclude(etat__in=[Etat.EN_ATTENTE, Etat.EN_COURS]).delete()
    return "pret"


def duree_attendue(rapport):
    """How long the last ready version of this report took to render, for the progress shown while waiting."""
    precedent = (
        RapportPrepare.objects.filter(
            genre=rapport.genre, parametre=rapport.parametre, provisoire=rapport.provisoire, etat=Etat.PRET
        )
        .exclude(commence_le=None)
        .order_by("-termine_le")
        .values_list("commence_le", "termine_le")
        .first()
    )
    if precedent is None:
        return None
    return (precedent[1] - precedent[0]).total_seconds()
