from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AiresUrbainesConfig(AppConfig):
    name = "aires_urbaines"
    verbose_name = _("Aires urbaines et déploiement")
