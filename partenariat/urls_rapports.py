from django.urls import path

from . import views_rapports

app_name = "rapports"

urlpatterns = [
    path("", views_rapports.RapportsView.as_view(), name="rapport_list"),
]
