"""Which objectives and achievements a user may change: a secretariat's are those of its conferences' areas.

An objective is the secretariat's when it was agreed by one of its conferences (`objectif.conference`) or when its
area is covered by one of them (`conference.aires`), the way the conference page lists its objectives; an
achievement follows its objective.
"""

import rules
from django.db.models import Q

from conferences.regles import ids_aires_modifiables, ids_conferences_du_secretariat, regle_de_modification
from partenariat.commun.acces import declarer_permissions
from partenariat.roles import a_portee_nationale, lit_tout

from .avancement import EtatRealisation
from .models import Objectif


def peut_modifier_objectif(user, objectif):
    """Staff, or the secretariat of the conference that agreed it or of a conference covering its area.

    Works on an unsaved objective too, so a form can check the record the user is about to create.
    """
    if a_portee_nationale(user):
        return True
    mes_conferences = ids_conferences_du_secretariat(user)
    if not mes_conferences:
        return False
    if objectif.conference_id in mes_conferences:
        return True
    return objectif.aire_id is not None and objectif.aire_id in ids_aires_modifiables(user)


def peut_saisir_objectifs(user, objet=None):
    """Opening the objective or import forms: staff, or a secretariat of at least one conference."""
    return a_portee_nationale(user) or bool(ids_conferences_du_secretariat(user))


def peut_modifier_realisation(user, realisation):
    return peut_modifier_objectif(user, realisation.objectif)


def voit_les_pieces_de(user, realisation):
    """An achievement's evidence: every reader with national scope, or the secretariat its objective belongs to."""
    return lit_tout(user) or peut_modifier_realisation(user, realisation)


def objectifs_modifiables(user):
    """Objectives the user may change or record achievements on: the queryset form of `peut_modifier_objectif`."""
    if a_portee_nationale(user):
        return Objectif.objects.all()
    mes_conferences = ids_conferences_du_secretariat(user)
    return Objectif.objects.filter(
        Q(conference__in=mes_conferences) | Q(aire__conferences__in=mes_conferences)
    ).distinct()


def peut_cloturer_annee(user, annee=None):
    """Closing needs both model permissions (creating the year's row the first time, changing it after)."""
    return "engagements.change_clotureannee" in user.get_all_permissions()


def peut_rouvrir_annee(user, annee=None):
    """Held by administrators only: the model permission `rouvrir_clotureannee` belongs to no group."""
    return True


def respecte_quatre_yeux(user, realisation):
    """Four eyes: nobody examines an achievement they recorded or last changed."""
    return user.pk is not None and user.pk not in (realisation.saisi_par_id, realisation.modifie_par_id)


def est_a_examiner(realisation):
    return realisation.etat == EtatRealisation.SOUMISE


def peut_valider_realisation(user, realisation):
    """Validate or return this achievement: a submitted one, recorded and last changed by someone else."""
    return realisation is not None and est_a_examiner(realisation) and respecte_quatre_yeux(user, realisation)


def peut_ouvrir_file_validation(user, objet=None):
    """The validation queue: whoever holds the validation permission (UESL staff, administrators)."""
    return True


def peut_valider(user, realisation):
    """`engagements.valider_realisation` on `realisation`, superusers included.

    `user.has_perm` answers yes to a superuser before any rule: pages ask this instead, so that an administrator
    is not offered to validate what they recorded.
    """
    return rules.has_perm("engagements.valider_realisation", user, realisation)


PERMISSIONS = {
    # Opening the objective form or the import: staff, or the secretariat of at least one conference.
    "engagements.saisir_objectifs": ("engagements.add_objectif", peut_saisir_objectifs),
    "engagements.importer_realisations": ("engagements.add_realisation", peut_saisir_objectifs),
    "engagements.add_objectif": ("engagements.add_objectif", peut_modifier_objectif),
    "engagements.change_objectif": ("engagements.change_objectif", peut_modifier_objectif),
    "engagements.add_realisation": ("engagements.add_realisation", peut_modifier_realisation),
    "engagements.change_realisation": ("engagements.change_realisation", peut_modifier_realisation),
    # Evidence files (partenariat.PieceJointe), asked about the achievement they document.
    "engagements.voir_pieces_realisation": ("partenariat.view_piecejointe", voit_les_pieces_de),
    "engagements.gerer_pieces_realisation": (
        "partenariat.add_piecejointe",
        regle_de_modification("engagements.change_realisation"),
    ),
    # Closing a year (UESL staff, administrators) and reopening it (administrators only).
    "engagements.cloturer_annee": ("engagements.add_clotureannee", peut_cloturer_annee),
    "engagements.rouvrir_annee": ("engagements.rouvrir_clotureannee", peut_rouvrir_annee),
    # Validation: the model permission, four eyes and a submitted achievement; the queue needs the permission only.
    "engagements.valider_realisation": ("engagements.valider_realisation", peut_valider_realisation),
    "engagements.ouvrir_file_validation": ("engagements.valider_realisation", peut_ouvrir_file_validation),
}


def declarer():
    declarer_permissions(PERMISSIONS)
