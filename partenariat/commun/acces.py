"""Access to every write: signed in, the role's model permission, and the record's own rule, checked as one.

Each app declares its object rules once (`<app>/regles.py`, registered when the app is ready), so that
`user.has_perm("conferences.change_reunion", reunion)` answers the same question in views, templates and services.
A permission asked about a new record is asked about the unsaved record with its parent set
(`Reunion(conference=…)`): the rule reads the parent.
"""

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rules.contrib.views import PermissionRequiredMixin

MESSAGE_REFUS = _("Vous n'avez pas le droit de modifier cet enregistrement.")


def permission_et_regle(permission, regle):
    """A predicate: the role holds the model `permission` (through its group) and `regle(user, objet)` allows it."""

    @rules.predicate(name=f"{permission} × {regle.__name__}")
    def predicat(user, objet=None):
        return user.is_active and permission in user.get_all_permissions() and bool(regle(user, objet))

    return predicat


def declarer_permissions(permissions):
    """Register `{name: (model permission, rule)}`; `user.has_perm(name, objet)` then applies both."""
    for nom, (permission, regle) in permissions.items():
        rules.set_perm(nom, permission_et_regle(permission, regle))


class AccesMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A write view: `permission_required` asked with `user.has_perms(…, get_permission_object())`.

    Anonymous users are sent to the sign-in page, signed-in users refused get a 403.
    """

    def get_permission_denied_message(self):
        return MESSAGE_REFUS


def exiger(user, permission, objet, message=MESSAGE_REFUS):
    """For services: the same permission, refused with a PermissionDenied whatever the caller."""
    if not user.has_perm(permission, objet):
        raise PermissionDenied(message)
