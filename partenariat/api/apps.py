from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "partenariat.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        # The schema generator learns the token authentication from its extension, found by import.
        from . import authentification  # noqa: F401
