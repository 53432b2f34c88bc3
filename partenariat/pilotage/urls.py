from django.urls import path

from . import views

app_name = "partenariat"

urlpatterns = [
    path("", views.TableauDeBordView.as_view(), name="tableau_de_bord"),
    path("deploiement/", views.DeploiementView.as_view(), name="deploiement"),
]
