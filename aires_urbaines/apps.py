from django.apps import AppConfig


class AiresUrbainesConfig(AppConfig):
    name = "aires_urbaines"
    verbose_name = "Aires urbaines et déploiement"
