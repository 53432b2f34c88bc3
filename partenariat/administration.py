"""The admin under the product's name, made Django's default site (`admin.site`) through its app config."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SiteAdministration(admin.AdminSite):
    """Kept out of admin.py and apps.py: admin.py registers on this site, and apps.py may hold one config only."""

    site_header = _("Suivi du protocole-cadre Action Logement × élus")
    site_title = _("Administration du suivi du protocole")
    index_title = _("Administration")


class AdministrationConfig(AdminConfig):
    """django.contrib.admin, whose `admin.site` is the product's site (Django's documented `default_site`)."""

    default_site = "partenariat.administration.SiteAdministration"
