from django.apps import AppConfig


class CommunConfig(AppConfig):
    """The shared template tags and the path converters every urls.py uses."""

    name = "partenariat.commun"
    label = "commun"
    verbose_name = "Socle commun"

    def ready(self):
        from . import convertisseurs

        convertisseurs.enregistrer()
