"""The access rule of every write view and service: signed in, the model permission, and the record's own rule."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied


class AccesMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A write view: signed in, holding `permission_required`, and allowed by `regle` on the record it works on.

    `regle(user, objet)` is one of the rules above; `objet_controle()` returns the record it judges (the record
    edited, or the conference or objective a new record is added to). Anonymous users are sent to the sign-in page,
    signed-in users refused get a 403. Both are looked up on the view class, so mixins listed after this one may
    provide them.
    """

    def has_permission(self):
        if not super().has_permission():
            return False
        regle = getattr(type(self), "regle", None)
        if regle is None:
            return True
        objet_controle = getattr(self, "objet_controle", None)
        return regle(self.request.user, objet_controle() if objet_controle else None)

    def get_permission_denied_message(self):
        return "Vous n'avez pas le droit de modifier cet enregistrement."


def exiger(regle, user, objet, *args, message="Vous n'avez pas le droit de modifier cet enregistrement."):
    """For services: the same rule, refused with a PermissionDenied whatever the caller."""
    if not regle(user, objet, *args):
        raise PermissionDenied(message)
