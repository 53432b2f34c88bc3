"""Account pages that need more than Django's own views configured in the urls."""

from axes.utils import reset as lever_blocages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from partenariat.langues import est_proposee, retenir_langue


class ReinitialisationView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also lifts the login lockout of that account.

    Whoever holds the link has proved they own the mailbox; without this, someone locked out after guessing would
    reset their password and still be refused for the cool-off time.
    """

    def form_valid(self, form):
        reponse = super().form_valid(form)
        lever_blocages(username=self.user.get_username())
        return reponse


@require_POST
def changer_langue(request):
    """The header's language switch: Django's set_language (cookie, safe return), kept for a signed-in person."""
    langue = request.POST.get("language", "")
    if not est_proposee(langue):
        message = _("Cette langue n'est pas proposée : choisissez le français ou l'anglais.")
        return render(request, "400.html", {"message": message}, status=400)
    reponse = set_language(request)
    retenir_langue(request, langue)
    return reponse
