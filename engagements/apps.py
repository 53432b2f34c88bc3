from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = _("Objectifs partagés")

    def ready(self):
        from . import regles

        regles.declarer()
