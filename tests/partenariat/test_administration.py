"""The admin carries the product's name, from its own site class rather than from edits to Django's site."""

import pytest
from django.contrib import admin

from partenariat.administration import SiteAdministration

pytestmark = pytest.mark.django_db


def test_administration_au_nom_du_produit(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "<title>Administration | Administration du suivi du protocole</title>" in page
    assert "Suivi du protocole-cadre Action Logement × élus" in page
    assert isinstance(admin.site, SiteAdministration)
    assert str(admin.AdminSite.site_header) == "Administration de Django"  # Django's class is left as it is
