"""Which conferences, areas and intercommunalities a user may record activity on: the conference rules, once.

Model permissions (given to the three groups by `partenariat.roles`) say what a role may do on a kind of record;
these rules say on which records. Scope is national for superusers and the UESL team; a conference's secretariat
works only on the conferences it is attached to (`ConferenceTerritoriale.secretariat`):
- the conference's own fields (name, basins, areas, installation date) stay with national staff;
- its members, meetings, programming associations and observations are the secretariat's, within the conference's
  own territory: an observation concerns only areas the conference covers, an association only intercommunalities
  with a commune in those areas (national staff tag and associate anywhere).
"""

from django.db.models import Q

from aires_urbaines.models import AireUrbaine, Intercommunalite
from partenariat.commun.acces import declarer_permissions
from partenariat.roles import a_portee_nationale, lit_tout

from .models import AssociationProgrammation, ConferenceTerritoriale


def ids_conferences_du_secretariat(user):
    """Primary keys of the conferences whose secretariat the user holds, read once per request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_ids_conferences_secretariat"):
        user._ids_conferences_secretariat = frozenset(user.conferences_secretariat.values_list("pk", flat=True))
    return user._ids_conferences_secretariat


def peut_modifier_conference(user, conference):
    """The conference's own fields and its creation: national staff only."""
    return a_portee_nationale(user)


def peut_gerer_conference(user, conference):
    """The conference's activity (members, meetings, associations, observations): staff, or its secretariat."""
    if a_portee_nationale(user):
        return True
    return conference is not None and conference.pk in ids_conferences_du_secretariat(user)


def aires_observables(user, conference, observation=None):
    """Areas an observation of `conference` may concern: any for national staff, that conference's for its secretariat.

    The conference the observation is attached to, not all of the secretariat's: the observation is shown on that
    conference's page and on each area's page and PDF, so an area outside it would speak for another conference.
    The areas `observation` already holds stay allowed (read from the database, not from the unsaved instance), so
    that editing a record made before this rule neither hides nor silently drops them; only new ones are judged.
    """
    if a_portee_nationale(user):
        return AireUrbaine.objects.all()
    permises = Q(pk__in=[])
    if conference is not None and peut_gerer_conference(user, conference):
        permises = Q(pk__in=conference.aires.values("pk"))
    if observation is not None and observation.pk:
        permises |= Q(pk__in=AireUrbaine.objects.filter(observations__pk=observation.pk).values("pk"))
    return AireUrbaine.objects.filter(permises)


def peut_rattacher_aires(user, observation, aires):
    """Every area of `aires` is among `aires_observables` for the observation's conference."""
    if a_portee_nationale(user):
        return True
    ids = {aire.pk for aire in aires}
    if not ids:
        return True
    permises = aires_observables(user, observation.conference, observation).filter(pk__in=ids)
    return permises.count() == len(ids)


def intercommunalites_associables(user, conference, association=None):
    """Intercommunalities `conference` may be associated with: any for national staff; for its secretariat, those
    with a commune in the conference's areas (the bodies writing the PLH and SCOT of its territory).

    As for observations, the intercommunality `association` holds in the database stays allowed, so an association
    recorded before this rule can still be corrected without being moved.
    """
    if a_portee_nationale(user):
        return Intercommunalite.objects.all()
    permises = Q(pk__in=[])
    if conference is not None and peut_gerer_conference(user, conference):
        du_territoire = Intercommunalite.objects.filter(communes__aire_urbaine__conferences=conference)
        permises = Q(pk__in=du_territoire.values("pk"))
    if association is not None and association.pk:
        permises |= Q(pk__in=AssociationProgrammation.objects.filter(pk=association.pk).values("intercommunalite_id"))
    return Intercommunalite.objects.filter(permises)


def peut_associer_intercommunalite(user, association):
    """The association's intercommunality is among `intercommunalites_associables` for its conference."""
    if a_portee_nationale(user):
        return True
    if association.intercommunalite_id is None:
        return False
    associables = intercommunalites_associables(user, association.conference, association)
    return associables.filter(pk=association.intercommunalite_id).exists()


def conferences_modifiables(user):
    """Conferences whose activity the user may record, for form choices."""
    if a_portee_nationale(user):
        return ConferenceTerritoriale.objects.all()
    return ConferenceTerritoriale.objects.filter(pk__in=ids_conferences_du_secretariat(user))


def ids_aires_modifiables(user):
    """Areas covered by the user's conferences (secretariat); read once per request."""
    if not hasattr(user, "_ids_aires_modifiables"):
        user._ids_aires_modifiables = frozenset(
            AireUrbaine.objects.filter(conferences__in=ids_conferences_du_secretariat(user)).values_list(
                "pk", flat=True
            )
        )
    return user._ids_aires_modifiables


def aires_modifiables(user):
    """Areas the user may set objectives on, for form choices."""
    if a_portee_nationale(user):
        return AireUrbaine.objects.all()
    return AireUrbaine.objects.filter(conferences__in=ids_conferences_du_secretariat(user)).distinct()


def gere_la_conference_de(user, objet):
    """A conference's activity: `objet` is the conference, or one of its records (saved or about to be)."""
    conference = objet if isinstance(objet, ConferenceTerritoriale) else getattr(objet, "conference", None)
    return peut_gerer_conference(user, conference)


def voit_les_pieces_de(user, objet):
    """Evidence files of a meeting, association or observation: every reader with national scope, or its secretariat."""
    return lit_tout(user) or gere_la_conference_de(user, objet)


def regle_de_modification(permission):
    """Depositing, replacing or deleting a record's files is changing the record: whatever its rule says."""

    def peut_modifier(user, objet):
        return user.has_perm(permission, objet)

    peut_modifier.__name__ = f"peut_{permission.replace('.', '_')}"
    return peut_modifier


MODELES_A_PIECES = ("reunion", "associationprogrammation", "observation")

PERMISSIONS = {
    "conferences.add_conferenceterritoriale": ("conferences.add_conferenceterritoriale", peut_modifier_conference),
    "conferences.change_conferenceterritoriale": (
        "conferences.change_conferenceterritoriale",
        peut_modifier_conference,
    ),
    # Members are edited on their conference's page: asked about the conference.
    **{
        f"conferences.{action}_membreconference": (f"conferences.{action}_membreconference", gere_la_conference_de)
        for action in ("add", "change", "delete")
    },
    **{
        f"conferences.{action}_{modele}": (f"conferences.{action}_{modele}", gere_la_conference_de)
        for action in ("add", "change")
        for modele in ("reunion", "associationprogrammation", "observation")
    },
    # Evidence files (partenariat.PieceJointe), asked about the record they document.
    **{
        f"conferences.voir_pieces_{modele}": ("partenariat.view_piecejointe", voit_les_pieces_de)
        for modele in MODELES_A_PIECES
    },
    **{
        f"conferences.gerer_pieces_{modele}": (
            "partenariat.add_piecejointe",
            regle_de_modification(f"conferences.change_{modele}"),
        )
        for modele in MODELES_A_PIECES
    },
}


def declarer():
    declarer_permissions(PERMISSIONS)
