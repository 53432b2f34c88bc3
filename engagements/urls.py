from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.ObjectifListView.as_view(), name="objectif_list"),
    path("<int:pk>/", views.ObjectifDetailView.as_view(), name="objectif_detail"),
]
