"""Account pages that need more than Django's own views configured in the urls."""

from axes.utils import reset as lever_blocages
from django.contrib.auth import views as auth_views


class ReinitialisationView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also lifts the login lockout of that account.

    Whoever holds the link has proved they own the mailbox; without this, someone locked out after guessing would
    reset their password and still be refused for the cool-off time.
    """

    def form_valid(self, form):
        reponse = super().form_valid(form)
        lever_blocages(username=self.user.get_username())
        return reponse
