from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartenariatConfig(AppConfig):
    name = "partenariat"
    verbose_name = _("Partenariat")

    def ready(self):
        from . import langues  # noqa: F401  (the sign-in signal that restores a person's language)
