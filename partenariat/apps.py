from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartenariatConfig(AppConfig):
    name = "partenariat"
    verbose_name = _("Partenariat")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import langues  # noqa: F401  (the sign-in signal that restores a person's language)
        from .models import _donnee_des_rapports

        # Every write to what a report shows moves the reports' data version (bulk writes call it themselves).
        for nom, signal in (("enregistrement", post_save), ("suppression", post_delete), ("liens", m2m_changed)):
            signal.connect(_donnee_des_rapports, dispatch_uid=f"version-des-rapports-{nom}")
