from django.urls import path

from . import views

app_name = "conferences"

# The list and the conference page compose other apps: partenariat/pilotage/urls.py adds them.
urlpatterns = [
    path("ajouter/", views.ConferenceCreateView.as_view(), name="conference_add"),
    path("<id:pk>/modifier/", views.ConferenceUpdateView.as_view(), name="conference_edit"),
    path("<id:pk>/membres/modifier/", views.MembresUpdateView.as_view(), name="membres_edit"),
    path("<id:pk>/reunions.ics", views.ReunionsCalendrierView.as_view(), name="reunions_ics"),
    path("<id:pk>/reunions/ajouter/", views.ReunionCreateView.as_view(), name="reunion_add"),
    path("reunions/<id:pk>/", views.ReunionDetailView.as_view(), name="reunion_detail"),
    path("reunions/<id:pk>/modifier/", views.ReunionUpdateView.as_view(), name="reunion_edit"),
    path("<id:pk>/associations/ajouter/", views.AssociationCreateView.as_view(), name="association_add"),
    path("associations/<id:pk>/modifier/", views.AssociationUpdateView.as_view(), name="association_edit"),
    path("<id:pk>/observations/ajouter/", views.ObservationCreateView.as_view(), name="observation_add"),
    path("observations/<id:pk>/modifier/", views.ObservationUpdateView.as_view(), name="observation_edit"),
]
