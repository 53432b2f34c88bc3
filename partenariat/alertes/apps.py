from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertesConfig(AppConfig):
    name = "partenariat.alertes"
    label = "alertes"
    verbose_name = _("Alertes et résumés")
