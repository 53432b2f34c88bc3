from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = "Objectifs partagés"

    def ready(self):
        from . import regles

        regles.declarer()
