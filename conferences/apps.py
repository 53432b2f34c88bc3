from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = "Conférences territoriales"

    def ready(self):
        from . import regles

        regles.declarer()
