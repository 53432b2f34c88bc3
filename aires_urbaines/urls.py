from django.urls import path

from . import views

app_name = "aires_urbaines"

urlpatterns = [
    path("", views.AireUrbaineListView.as_view(), name="aire_list"),
    path("carte/", views.CarteView.as_view(), name="carte"),
    path("<code_aire:code>/", views.AireUrbaineDetailView.as_view(), name="aire_detail"),
]
