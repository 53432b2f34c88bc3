"""Recording a conference and its activity: each operation checks who acts, runs in one transaction, writes history."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from conferences.regles import (
    peut_associer_intercommunalite,
    peut_rattacher_aires,
)
from partenariat.commun.acces import exiger
from partenariat.commun.dates import date_courte
from partenariat.commun.saisie import ErreurMetier, prendre_version
from partenariat.models import periode_courante

from .models import ConferenceTerritoriale, MembreConference

MESSAGE_AIRES_HORS_PERIMETRE = gettext_lazy(
    "Une observation ne peut concerner que des aires couvertes par sa conférence."
)
MESSAGE_INTERCOMMUNALITE_HORS_PERIMETRE = gettext_lazy(
    "Une conférence ne peut être associée qu'aux intercommunalités des aires qu'elle couvre."
)
MESSAGE_NOM_PRIS = gettext_lazy("Une conférence porte déjà ce nom.")


class ErreurConference(ErreurMetier):
    """Why a change to a conference or to its activity was refused."""


@contextmanager
def _refus_de_la_base(message):
    """A constraint the form could not check in time (two people at once) is refused in French, not with a 500."""
    try:
        yield
    except IntegrityError as erreur:
        raise ErreurConference(message) from erreur


def _historiser(objet, user, motif=None):
    objet._history_user = user
    if motif:
        objet._change_reason = motif


def _enregistrer_avec_relations(objet, user, relations, motif=None):
    """Save fields and many-to-many values as ONE history record (each m2m signal would write its own)."""
    creation = objet.pk is None
    objet.skip_history_when_saving = True
    try:
        if creation:
            objet.save()
        for nom, valeurs in relations.items():
            getattr(objet, nom).set(valeurs)
    finally:
        del objet.skip_history_when_saving
    _historiser(objet, user, motif)
    objet.save()
    if creation:
        # The only record is the snapshot just taken, with the relations: it is the creation.
        type(objet).history.filter(id=objet.pk).update(history_type="+")


def _enregistrer_membres(conference, user, membres, supprimes):
    for membre in supprimes:
        _historiser(membre, user)
        membre.delete()
    for membre in membres:
        membre.conference = conference
        _historiser(membre, user)
        membre.save()


def permission(modele, objet):
    """Adding or changing a conference's record: two permissions, one rule."""
    return f"conferences.{'change' if objet.pk else 'add'}_{modele}"


def _historique_des_membres(conference):
    """Members' history, quoted when a conference save is refused because its composition changed meanwhile."""
    return (
        (
            MembreConference.history.filter(conference_id=conference.pk),
            lambda e: _("Membre « %(nom)s »") % {"nom": e.nom},
        ),
    )


def installer_conference(conference, user, *, bassins=(), aires=(), membres=()):
    """Register a new conference with its perimeter and members (installed or not yet: its date may be empty)."""
    exiger(user, "conferences.add_conferenceterritoriale", conference)
    with transaction.atomic(), _refus_de_la_base(MESSAGE_NOM_PRIS):
        conference.version = 1
        conference.skip_history_when_saving = True
        try:
            conference.save()
        finally:
            del conference.skip_history_when_saving
        # Members first, so that their history precedes the conference's record of this change.
        _enregistrer_membres(conference, user, membres, ())
        _enregistrer_avec_relations(conference, user, {"bassins": bassins, "aires": aires})
        type(conference).history.filter(id=conference.pk).update(history_type="+")
    return conference


def modifier_conference(conference, user, version, *, bassins, aires, membres=(), membres_supprimes=()):
    """Change a conference's fields, perimeter and members, unless someone saved it since `version` was read."""
    exiger(user, "conferences.change_conferenceterritoriale", conference)
    with transaction.atomic(), _refus_de_la_base(MESSAGE_NOM_PRIS):
        prendre_version(
            ConferenceTerritoriale, conference, version, ErreurConference, lies=_historique_des_membres(conference)
        )
        _enregistrer_membres(conference, user, membres, membres_supprimes)
        _enregistrer_avec_relations(conference, user, {"bassins": bassins, "aires": aires})
    return conference


def modifier_membres(conference, user, version, *, membres=(), membres_supprimes=()):
    """Change a conference's members (its secretariat may); the conference takes a new version all the same."""
    exiger(user, "conferences.change_membreconference", conference)
    with transaction.atomic():
        prendre_version(
            ConferenceTerritoriale, conference, version, ErreurConference, lies=_historique_des_membres(conference)
        )
        _enregistrer_membres(conference, user, membres, membres_supprimes)
        # Stored in French (the msgid) and translated when the history is shown.
        _historiser(conference, user, gettext_noop("Composition modifiée"))
        conference.save()
    return conference


def avertissements_installation(conference):
    """Non-blocking remarks on a saved conference: installed after the protocol's deadline is allowed, but late."""
    date_limite = periode_courante().date_limite_installation
    if conference.date_installation and conference.date_installation > date_limite:
        return [
            _(
                "La date d'installation (%(installation)s) est postérieure à la date limite du protocole "
                "(%(limite)s) : la conférence est comptée comme installée en retard."
            )
            % {"installation": date_courte(conference.date_installation), "limite": date_courte(date_limite)}
        ]
    return []


def enregistrer_reunion(reunion, user):
    """Record or correct a meeting of a conference."""
    exiger(user, permission("reunion", reunion), reunion)
    with transaction.atomic():
        _historiser(reunion, user)
        reunion.save()
    return reunion


def enregistrer_association(association, user):
    """Record the association of a conference with an intercommunality's programming document, or its progress."""
    exiger(user, permission("associationprogrammation", association), association)
    if not peut_associer_intercommunalite(user, association):
        raise PermissionDenied(MESSAGE_INTERCOMMUNALITE_HORS_PERIMETRE)
    message = _("Cette conférence est déjà associée à ce document de cette intercommunalité.")
    with transaction.atomic(), _refus_de_la_base(message):
        _historiser(association, user)
        association.save()
    return association


def enregistrer_observation(observation, user, aires):
    """Record an observation or a study shared by a conference, with the areas it concerns."""
    exiger(user, permission("observation", observation), observation)
    if not peut_rattacher_aires(user, observation, aires):
        raise PermissionDenied(MESSAGE_AIRES_HORS_PERIMETRE)
    with transaction.atomic():
        _enregistrer_avec_relations(observation, user, {"aires": aires})
    return observation
