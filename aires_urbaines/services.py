"""Operations on the protocol's rollout: which areas enter which phase, and when."""

import datetime
import math

from django.db import transaction
from django.utils.translation import gettext as _

from aires_urbaines.models import AireUrbaine, EntreePhase
from partenariat.commun.dates import date_courte
from partenariat.commun.saisie import ErreurMetier
from partenariat.models import noter_changement


class ErreurTerritoire(ErreurMetier):
    """The territory's one error: a rollout operation or a reference import refused, with a French message.

    `ligne` is the 1-based line of the file at fault, when there is one.
    """

    def __init__(self, message, ligne=None):
        super().__init__(str(message))
        self.ligne = ligne

    def __str__(self):
        if self.ligne:
            return _("Ligne %(ligne)s : %(message)s") % {"ligne": self.ligne, "message": self.message}
        return self.message[:1].upper() + self.message[1:]


@transaction.atomic
def inscrire_aires_dans_phase(phase, dates_par_aire):
    """Enter areas into a phase on the given dates; an area already in a phase keeps it, whoever chose it.

    `dates_par_aire` maps AireUrbaine → date of entry. Returns the entries created.
    """
    trop_tot = sorted(aire.code for aire, date in dates_par_aire.items() if date < phase.date_debut)
    if trop_tot:
        raise ErreurTerritoire(
            _("Une aire ne peut pas entrer dans la phase « %(phase)s » avant le %(debut)s (aires %(codes)s).")
            % {"phase": phase, "debut": date_courte(phase.date_debut), "codes": ", ".join(trop_tot)}
        )
    deja_inscrites = set(EntreePhase.objects.filter(aire__in=list(dates_par_aire)).values_list("aire_id", flat=True))
    nouvelles = [
        EntreePhase(aire=aire, phase=phase, date_entree=date)
        for aire, date in sorted(dates_par_aire.items(), key=lambda item: item[0].code)
        if aire.pk not in deja_inscrites
    ]
    entrees = EntreePhase.objects.bulk_create(nouvelles)
    noter_changement()  # a bulk write sends no signal
    return entrees


def calendrier_extension_par_defaut(aires, annee_debut=2014, annee_fin=2015):
    """Default entry dates for the extension to the grandes aires urbaines, spread over its years by size.

    The protocol only says "then extend to all grandes aires urbaines" over 2014–2015. Areas are ranked
    by population (largest first, then by code) and split into as many equal groups as there are years:
    the larger half enters on 1 January 2014, the other half on 1 January 2015. Staff may change any entry.
    """
    aires = sorted(aires, key=lambda aire: (-aire.population, aire.code))
    annees = list(range(annee_debut, annee_fin + 1))
    taille = math.ceil(len(aires) / len(annees)) if aires else 0
    return {aire: datetime.date(annees[rang // taille], 1, 1) for rang, aire in enumerate(aires)}


def aires_extension_candidates(codes_exclus=()):
    """The metropolitan grandes aires urbaines not yet in any phase: those the extension is meant to reach."""
    return (
        AireUrbaine.objects.grandes()
        .metropolitaines()
        .filter(entree_phase__isnull=True)
        .exclude(code__in=list(codes_exclus))
        .order_by("code")
    )


@transaction.atomic
def appliquer_extension_par_defaut(phase, codes_exclus=()):
    """Put every metropolitan grande aire not yet in a phase into the extension phase, on the default dates.

    With only the priority areas loaded there is nothing to extend to; once the INSEE geography is imported,
    running it again reaches the other grandes aires without touching the entries already made.
    """
    calendrier = calendrier_extension_par_defaut(aires_extension_candidates(codes_exclus))
    return inscrire_aires_dans_phase(phase, calendrier)
