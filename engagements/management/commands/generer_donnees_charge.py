"""Reproducible large data set on top of the INSEE import, to measure pages, reports and load at full-France scale."""

import contextlib
import datetime
import itertools
import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aires_urbaines.models import AireUrbaine, BassinEmploi, Commune
from conferences.models import ConferenceTerritoriale, MembreConference, Reunion
from engagements.avancement import EtatRealisation, noter_modification
from engagements.models import ClotureAnnee, Dispositif, Objectif, Realisation, Unite

PREFIXE = "Charge – "
NOTE_OBJECTIF = PREFIXE + "objectif généré"
# Shares of achievements awaiting validation and returned, as a busy network has them: the validation queue and
# the pending counts are measured on realistic volumes; the others are validated.
PART_SOUMISES = 0.02
PART_RENVOYEES = 0.005
AGE_MAX_JOURS = 90
COMMENTAIRE_RENVOI = PREFIXE + "merci de joindre le justificatif"
ORGANISATIONS = [("employeurs", o) for o in ("MEDEF", "CGPME", "UPA")] + [
    ("salaries", o) for o in ("CGT", "CFDT", "CGT-FO", "CFTC", "CFE-CGC")
]


class Command(BaseCommand):
    help = (
        "Crée un jeu de données de charge reproductible : une conférence par zone d'emploi, leurs membres et "
        "réunions, des objectifs et des réalisations en masse (après importer_communes), dont 2 % en attente de "
        "validation et 0,5 % renvoyées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--objectifs", type=int, default=50_000, help=_("Nombre d'objectifs (défaut 50 000)."))
        parser.add_argument(
            "--realisations", type=int, default=500_000, help=_("Nombre de réalisations (défaut 500 000).")
        )
        parser.add_argument("--graine", type=int, default=2012, help=_("Graine du tirage aléatoire (reproductible)."))

    def handle(self, *args, objectifs, realisations, graine, **options):
        if objectifs < 0 or realisations < 0:
            raise CommandError(_("Les nombres d'objectifs et de réalisations doivent être positifs."))
        aires = list(AireUrbaine.objects.order_by("code").values_list("pk", flat=True))
        if not aires:
            raise CommandError(_("Aucune aire urbaine : lancez d'abord importer_communes."))
        debut = time.perf_counter()
        with transaction.atomic(), annees_ouvertes_le_temps_du_chargement():
            nb_conf, nb_objectifs, nb_realisations, par_etat = generer(
                aires, objectifs, realisations, random.Random(graine)
            )
        if connection.vendor == "postgresql":
            # Fresh statistics (the planner misjudges bulk-loaded tables) and a visibility map, so that sums over
            # an objective's achievements read the covering index only; VACUUM cannot run in a transaction.
            with connection.cursor() as curseur:
                curseur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            _(
                "%(conferences)s conférences, %(objectifs)s objectifs et %(realisations)s réalisations créés "
                "en %(duree).1f s."
            )
            % {
                "conferences": nb_conf,
                "objectifs": nb_objectifs,
                "realisations": nb_realisations,
                "duree": time.perf_counter() - debut,
            }
        )
        self.stdout.write(
            _("Dont %(soumises)s en attente de validation et %(renvoyees)s renvoyées.")
            % {"soumises": par_etat[EtatRealisation.SOUMISE], "renvoyees": par_etat[EtatRealisation.RENVOYEE]}
        )


@contextlib.contextmanager
def annees_ouvertes_le_temps_du_chargement():
    """The generated rows are the history of every year of the period, closed years included (the demo closes
    2013): their closings are lifted inside the loading transaction, then restored as they were."""
    closes = list(ClotureAnnee.objects.filter(close=True).values_list("pk", "rouverte_le", "motif_reouverture"))
    ClotureAnnee.objects.filter(pk__in=[pk for pk, *_ in closes]).update(
        close=False, rouverte_le=timezone.now(), motif_reouverture=PREFIXE + "chargement des données de charge"
    )
    yield
    for pk, rouverte_le, motif in closes:
        ClotureAnnee.objects.filter(pk=pk).update(close=True, rouverte_le=rouverte_le, motif_reouverture=motif)


def supprimer_le_jeu_precedent():
    """The previous generated rows go in two plain DELETEs: they have no history to keep, and the ORM would load
    and historise the 500,000 achievements one by one (over ten minutes)."""
    objectifs, realisations = Objectif._meta.db_table, Realisation._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute(
            f"DELETE FROM {realisations} WHERE objectif_id IN (SELECT id FROM {objectifs} WHERE notes = %s)",
            [NOTE_OBJECTIF],
        )
        curseur.execute(f"DELETE FROM {objectifs} WHERE notes = %s", [NOTE_OBJECTIF])
    noter_modification()


def generer(aires, nb_objectifs, nb_realisations, hasard):
    """Bulk inserts only (no per-row history): these rows measure speed, they are not a partnership's record."""
    supprimer_le_jeu_precedent()
    ConferenceTerritoriale.objects.filter(nom__startswith=PREFIXE).delete()

    bassins = list(BassinEmploi.objects.order_by("code"))
    conferences = ConferenceTerritoriale.objects.bulk_create(
        ConferenceTerritoriale(
            nom=f"{PREFIXE}{bassin.nom} ({bassin.code})",
            date_installation=datetime.date(2012, 7, 1) + datetime.timedelta(days=hasard.randrange(0, 400)),
        )
        for bassin in bassins
    )
    par_bassin = {c.nom: c for c in conferences}
    Liens = ConferenceTerritoriale.bassins.through
    Liens.objects.bulk_create(
        Liens(conferenceterritoriale=par_bassin[f"{PREFIXE}{b.nom} ({b.code})"], bassinemploi=b) for b in bassins
    )
    couples = (
        Commune.objects.filter(bassin_emploi__isnull=False, aire_urbaine__isnull=False)
        .order_by()
        .values_list("bassin_emploi_id", "aire_urbaine_id")
        .distinct()
    )
    conference_du_bassin = {b.pk: par_bassin[f"{PREFIXE}{b.nom} ({b.code})"] for b in bassins}
    AiresLiees = ConferenceTerritoriale.aires.through
    AiresLiees.objects.bulk_create(
        AiresLiees(conferenceterritoriale=conference_du_bassin[bassin_id], aireurbaine_id=aire_id)
        for bassin_id, aire_id in couples
    )
    MembreConference.objects.bulk_create(
        MembreConference(conference=c, nom=f"Membre {i + 1}", college=college, organisation=organisation)
        for c in conferences
        for i, (college, organisation) in enumerate(hasard.sample(ORGANISATIONS, 6))
    )
    Reunion.objects.bulk_create(
        Reunion(conference=c, date=datetime.date(2013, 1, 15) + datetime.timedelta(days=120 * k), lieu="Préfecture")
        for c in conferences
        for k in range(4)
    )

    existants = set(Objectif.objects.values_list("unite", "annee", "dispositif", "aire_id"))
    combinaisons = (
        c for c in itertools.product(Unite.values, range(2013, 2016), Dispositif.values, aires) if c not in existants
    )
    objectifs = Objectif.objects.bulk_create(
        (
            Objectif(
                aire_id=aire_id,
                dispositif=dispositif,
                annee=annee,
                unite=unite,
                cible=hasard.randrange(10, 2_000),
                date_accord=datetime.date(annee - 1, 12, 1),
                notes=NOTE_OBJECTIF,
            )
            for unite, annee, dispositif, aire_id in itertools.islice(combinaisons, nb_objectifs)
        ),
        batch_size=5_000,
    )
    total, par_etat = 0, Counter()
    if objectifs and nb_realisations:
        tirages = []
        for n in range(nb_realisations):
            rang = n % len(objectifs)
            jour = hasard.randrange(0, 365)
            tirages.append((rang, jour, hasard.randrange(0, objectifs[rang].cible // 5 + 2)))
        examens = _etats_et_anciennetes(nb_realisations, hasard)
        # Inserted objective by objective: each lot's `bulk_create` then recomputes the running totals of a few
        # thousand objectives, not of every objective in each of the 25 lots. Same draws, so the same figures.
        tirages.sort(key=lambda tirage: tirage[0])
        analyser()
        maintenant = timezone.now().replace(microsecond=0)
        for debut in range(0, len(tirages), 20_000):
            lot = []
            for n, (rang, jour, quantite) in enumerate(tirages[debut : debut + 20_000], start=debut):
                etat, age = examens.get(n, (EtatRealisation.VALIDEE, None))
                soumise_le = maintenant - datetime.timedelta(minutes=age) if age is not None else None
                renvoyee = etat == EtatRealisation.RENVOYEE
                lot.append(
                    Realisation(
                        objectif=objectifs[rang],
                        date=datetime.date(objectifs[rang].annee, 1, 1) + datetime.timedelta(days=jour),
                        quantite=quantite,
                        etat=etat,
                        soumise_le=soumise_le,
                        examinee_le=soumise_le + datetime.timedelta(minutes=age // 2) if renvoyee else None,
                        commentaire_examen=COMMENTAIRE_RENVOI if renvoyee else "",
                    )
                )
            total += len(Realisation.objects.bulk_create(lot))
            par_etat.update(realisation.etat for realisation in lot)
            if debut % 100_000 == 0:
                analyser()
    return len(conferences), len(objectifs), total, par_etat


def analyser():
    """PostgreSQL statistics of the rows inserted so far in this transaction: without them the planner, which
    believes the tables nearly empty, reads every achievement for each objective whose running totals a lot
    recomputes (one lot took minutes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute(f"ANALYZE {Realisation._meta.db_table}, {Objectif._meta.db_table}")


def _etats_et_anciennetes(nb_realisations, hasard):
    """Rank of each achievement not validated → (state, minutes since its submission): exact shares, spread over
    every objective and over the last `AGE_MAX_JOURS` days, drawn after the figures so these stay the same."""
    nb_soumises = round(nb_realisations * PART_SOUMISES)
    nb_renvoyees = round(nb_realisations * PART_RENVOYEES)
    rangs = hasard.sample(range(nb_realisations), nb_soumises + nb_renvoyees)
    return {
        n: (
            EtatRealisation.SOUMISE if i < nb_soumises else EtatRealisation.RENVOYEE,
            hasard.randrange(60, AGE_MAX_JOURS * 24 * 60),
        )
        for i, n in enumerate(rangs)
    }
