"""National, conference and area reports, prepared by the task worker and kept for the version of the data they show.

A national PDF takes seconds to render, an area's more than one on the full data set: a web worker that rendered
them would be lost to everyone else meanwhile. A request asks for the report (`demander`): if the same report of
the same data is ready it is served at once; otherwise one row is created with its task (the unique constraint
makes concurrent requests share them) and the page says the report is being prepared. The worker
(`manage.py db_worker`) renders it into the row. The waiting page then follows that row (`suivre`): writes made
meanwhile do not send it after a newer version.
"""

import datetime
import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from engagements.avancement import version_avancement
from partenariat.models import RapportPrepare, version_donnees

from .reports import render_aire_pdf, render_conference_pdf, render_national_pdf

journal = logging.getLogger(__name__)

Genre = RapportPrepare.Genre
Etat = RapportPrepare.Etat

# A report still waiting or in progress after this long was lost (a worker stopped mid-way): it is queued again.
DELAI_REPRISE = datetime.timedelta(minutes=10)
# Ahead of the email digests in the same queue: someone is waiting on the page for a report.
PRIORITE = 50
# What a report's layout comes from: a new release of any of it makes new reports.
SOURCES_DES_RAPPORTS = (
    "partenariat/pilotage/reports.py",
    "partenariat/pilotage/contextes.py",
    "partenariat/pilotage/tableau.py",
    "partenariat/commun/pdf.py",
    "partenariat/commun/graphiques.py",
    "templates/partenariat/pdf/base.html",
    "templates/partenariat/pdf/national.html",
    "templates/aires_urbaines/pdf/aire.html",
    "templates/conferences/pdf/conference.html",
    "locale/en/LC_MESSAGES/django.mo",
)


@functools.cache
def version_du_code():
    empreinte = hashlib.sha256()
    for chemin in SOURCES_DES_RAPPORTS:
        empreinte.update((Path(settings.BASE_DIR) / chemin).read_bytes())
    return empreinte.hexdigest()[:16]


def version_des_donnees():
    """What a report shows changes with: the figures' version, every other write's, the day, the code.

    Both versions are counters: the figures' one bumped inside the writers' transactions (engagements.avancement's
    journal), the other right after each write commits (`partenariat.models.noter_changement`); the day because a
    report shows progress as of today. Two indexed lookups.
    """
    parties = [version_avancement(), version_donnees(), timezone.localdate().isoformat(), version_du_code()]
    return hashlib.sha256("|".join(map(str, parties)).encode()).hexdigest()


def _cle(genre, parametre, provisoire):
    return {
        "genre": genre,
        "parametre": str(parametre or ""),
        "provisoire": provisoire,
        "langue": translation.get_language() or settings.LANGUAGE_CODE,
    }


def demander(genre, parametre="", provisoire=False, reessayer=False):
    """The prepared report for these arguments and today's data: ready, or queued now (once for everyone).

    The row comes without its bytes (`contenu` reads them): a page polling for progress never loads the PDF.
    A failed report is queued again only when someone asks to retry (`reessayer`).
    """
    cle = {**_cle(genre, parametre, provisoire), "version": version_des_donnees()}
    rapports = RapportPrepare.objects.defer("contenu")
    rapport = rapports.filter(**cle).first()  # most requests end here, without a write (nor SQLite's write lock)
    if rapport is None:
        # A version not yet started will be rendered from data at least as recent as this request's: it serves
        # this request too. While staff keep writing, each report then has at most one rendering waiting.
        attente = rapports.filter(**_cle(genre, parametre, provisoire), etat=Etat.EN_ATTENTE).order_by("-pk").first()
        if attente is not None and not _a_reprendre(attente):
            return attente
        try:
            with transaction.atomic():
                # The row and its task together: no row is ever left waiting for a task that was never queued.
                rapport = RapportPrepare.objects.create(**cle)
                preparer_rapport.using(priority=PRIORITE).enqueue(rapport.pk)
        except IntegrityError:  # another request created it between our lookup and our insert
            rapport = rapports.get(**cle)
        return rapports.get(pk=rapport.pk)
    if _a_reprendre(rapport, reessayer):
        _remettre_en_file(rapport)
        rapport = rapports.get(pk=rapport.pk)
    return rapport


def suivre(genre, parametre, provisoire, pk, reessayer=False):
    """The report a waiting page follows, by its row, or None once it is gone (a newer version replaced it)."""
    rapport = RapportPrepare.objects.defer("contenu").filter(pk=pk, **_cle(genre, parametre, provisoire)).first()
    if rapport is not None and _a_reprendre(rapport, reessayer):
        _remettre_en_file(rapport)
        rapport = RapportPrepare.objects.defer("contenu").filter(pk=pk).first()
    return rapport


def contenu(rapport):
    """The PDF bytes of a ready report, or None if a newer version has just replaced it."""
    octets = RapportPrepare.objects.filter(pk=rapport.pk, etat=Etat.PRET).values_list("contenu", flat=True).first()
    return None if octets is None else bytes(octets)


def _a_reprendre(rapport, reessayer=False):
    """A failed report (when asked), or one stuck waiting or in progress too long, is queued again."""
    if rapport.etat == Etat.ECHEC:
        return reessayer
    if rapport.etat in (Etat.EN_ATTENTE, Etat.EN_COURS):
        limite = timezone.now() - DELAI_REPRISE
        return rapport.demande_le < limite and (rapport.commence_le is None or rapport.commence_le < limite)
    return False


def _remettre_en_file(rapport):
    # Only the request that moves the row back to "waiting" queues it again: two requests never both do.
    with transaction.atomic():
        repris = RapportPrepare.objects.filter(pk=rapport.pk, etat=rapport.etat, demande_le=rapport.demande_le)
        if repris.update(etat=Etat.EN_ATTENTE, commence_le=None, erreur="", demande_le=timezone.now()):
            preparer_rapport.using(priority=PRIORITE).enqueue(rapport.pk)


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
    """Render one prepared report. Safe to run twice: the row is taken (waiting → in progress) before rendering,
    and every later write to it is conditional on that taking, so a late duplicate run changes nothing."""
    debut = timezone.now()
    if not RapportPrepare.objects.filter(pk=rapport_id, etat=Etat.EN_ATTENTE).update(
        etat=Etat.EN_COURS, commence_le=debut
    ):
        return "deja_pris"
    le_mien = RapportPrepare.objects.filter(pk=rapport_id, etat=Etat.EN_COURS, commence_le=debut)
    rapport = RapportPrepare.objects.defer("contenu").get(pk=rapport_id)
    try:
        nom, octets = rendre(rapport)
        with transaction.atomic():
            if not le_mien.update(etat=Etat.PRET, nom_fichier=nom, contenu=octets, termine_le=timezone.now()):
                return "repris"
            # Earlier versions of the same report are of no more use once this one is ready; a newer one, or one
            # a worker is rendering, stays.
            RapportPrepare.objects.filter(
                genre=rapport.genre, parametre=rapport.parametre, provisoire=rapport.provisoire, langue=rapport.langue
            ).filter(pk__lt=rapport_id).exclude(etat=Etat.EN_COURS).delete()
    except Exception as erreur:
        le_mien.update(etat=Etat.ECHEC, termine_le=timezone.now(), erreur=f"{type(erreur).__name__}: {erreur}"[:2000])
        raise
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
