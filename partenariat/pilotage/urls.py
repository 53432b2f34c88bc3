from django.urls import path

from . import views

app_name = "partenariat"

urlpatterns = [
    path("", views.TableauDeBordView.as_view(), name="tableau_de_bord"),
    path("deploiement/", views.DeploiementView.as_view(), name="deploiement"),
]

# Pages under /aires/ and /conferences/ that show several apps; the root urls put them in those namespaces.
aires = [
    path("", views.AireUrbaineListView.as_view(), name="aire_list"),
    path("carte/", views.CarteView.as_view(), name="carte"),
    path("<code_aire:code>/", views.AireUrbaineDetailView.as_view(), name="aire_detail"),
]
conferences = [
    path("", views.ConferenceListView.as_view(), name="conference_list"),
    path("<id:pk>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
]
