from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conférences territoriales")

    def ready(self):
        from . import regles

        regles.declarer()
