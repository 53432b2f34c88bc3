from django.urls import path

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale

from . import views

app_name = "alertes"
urlpatterns = [
    path("", views.AlerteListView.as_view(), name="alerte_list"),
]

# Under /comptes/: what a person follows and how they are told (names without namespace, as the other account pages).
comptes = [
    path("comptes/suivis/", views.SuivisView.as_view(), name="suivis"),
    path("comptes/suivis/aires/<code_aire:code>/", views.SuivreView.as_view(modele=AireUrbaine), name="suivre_aire"),
    path(
        "comptes/suivis/conferences/<id:pk>/",
        views.SuivreView.as_view(modele=ConferenceTerritoriale),
        name="suivre_conference",
    ),
    path("comptes/preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("comptes/desabonnement/<str:jeton>/", views.DesabonnementView.as_view(), name="desabonnement"),
]
