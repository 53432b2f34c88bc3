"""The accessibility statement (RGAA): public, since whoever cannot sign in must still find how to report it."""

from django.conf import settings
from django.views.generic import TemplateView


class DeclarationAccessibiliteView(TemplateView):
    """No login: the statement and its contact are owed to everyone, signed in or not (RGAA, article 47)."""

    template_name = "partenariat/accessibilite.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact"] = settings.CONTACT_ACCESSIBILITE
        return context
