from django.apps import AppConfig


class CommunConfig(AppConfig):
    """An app only so that Django finds the shared template tags (`{% load tableaux %}`)."""

    name = "partenariat.commun"
    label = "commun"
    verbose_name = "Socle commun"
