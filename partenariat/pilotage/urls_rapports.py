from django.urls import path

from . import views_rapports

app_name = "rapports"

urlpatterns = [
    path("", views_rapports.RapportsView.as_view(), name="rapport_list"),
    path("national.pdf", views_rapports.RapportNationalView.as_view(), name="rapport_national"),
    path("aires/<code_aire:code>.pdf", views_rapports.RapportAireView.as_view(), name="rapport_aire"),
    path("conferences/<id:pk>.pdf", views_rapports.RapportConferenceView.as_view(), name="rapport_conference"),
]
