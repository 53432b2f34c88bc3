from django.urls import path

from . import views

app_name = "conferences"

urlpatterns = [
    path("", views.ConferenceListView.as_view(), name="conference_list"),
    path("ajouter/", views.ConferenceCreateView.as_view(), name="conference_add"),
    path("<int:pk>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
    path("<int:pk>/modifier/", views.ConferenceUpdateView.as_view(), name="conference_edit"),
    path("<int:pk>/membres/modifier/", views.MembresUpdateView.as_view(), name="membres_edit"),
    path("<int:pk>/reunions.ics", views.ReunionsCalendrierView.as_view(), name="reunions_ics"),
    path("<int:pk>/reunions/ajouter/", views.ReunionCreateView.as_view(), name="reunion_add"),
    path("reunions/<int:pk>/", views.ReunionDetailView.as_view(), name="reunion_detail"),
    path("reunions/<int:pk>/modifier/", views.ReunionUpdateView.as_view(), name="reunion_edit"),
    path("<int:pk>/associations/ajouter/", views.AssociationCreateView.as_view(), name="association_add"),
    path("associations/<int:pk>/modifier/", views.AssociationUpdateView.as_view(), name="association_edit"),
    path("<int:pk>/observations/ajouter/", views.ObservationCreateView.as_view(), name="observation_add"),
    path("observations/<int:pk>/modifier/", views.ObservationUpdateView.as_view(), name="observation_edit"),
]
