from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.ObjectifListView.as_view(), name="objectif_list"),
    path("ajouter/", views.ObjectifCreateView.as_view(), name="objectif_add"),
    path("pilote/", views.ObjectifPiloteView.as_view(), name="objectif_pilote"),
    path("importer/", views.ImportRealisationsView.as_view(), name="realisation_import"),
    path("importer/<uuid:jeton>/", views.ConfirmationImportView.as_view(), name="realisation_import_confirm"),
    path("annees/", views.AnneesView.as_view(), name="annees"),
    path("annees/<int:annee>/clore/", views.CloturerAnneeView.as_view(), name="annee_clore"),
    path("annees/<int:annee>/rouvrir/", views.RouvrirAnneeView.as_view(), name="annee_rouvrir"),
    path("<id:pk>/", views.ObjectifDetailView.as_view(), name="objectif_detail"),
    path("<id:pk>/modifier/", views.ObjectifUpdateView.as_view(), name="objectif_edit"),
    path("<id:pk>/realisations/ajouter/", views.RealisationCreateView.as_view(), name="realisation_add"),
    path("realisations/<id:pk>/", views.RealisationDetailView.as_view(), name="realisation_detail"),
    path("realisations/<id:pk>/modifier/", views.RealisationUpdateView.as_view(), name="realisation_edit"),
]

# The validation queue, mounted at /validation/ under its own namespace (`validation:file`).
validation = [
    path("", views.FileValidationView.as_view(), name="file"),
    path("<id:pk>/valider/", views.ExamenRealisationView.as_view(), name="valider"),
    path("<id:pk>/renvoyer/", views.ExamenRealisationView.as_view(renvoi=True), name="renvoyer"),
]
