from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunConfig(AppConfig):
    """The shared template tags and the path converters every urls.py uses."""

    name = "partenariat.commun"
    label = "commun"
    verbose_name = _("Socle commun")

    def ready(self):
        from . import convertisseurs

        convertisseurs.enregistrer()
