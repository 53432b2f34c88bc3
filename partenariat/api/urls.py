from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

routeur = DefaultRouter()
routeur.register("phases", views.PhaseViewSet, basename="phase")
routeur.register("aires", views.AireViewSet, basename="aire")
routeur.register("conferences", views.ConferenceViewSet, basename="conference")
routeur.register("objectifs", views.ObjectifViewSet, basename="objectif")
routeur.register("realisations", views.RealisationViewSet, basename="realisation")

urlpatterns = [
    path("protocole/", views.ProtocoleView.as_view(), name="protocole"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The interface's script is served as a file of its own (`?script`): the strict CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/documentation.html"),
        name="docs",
    ),
    path("", include(routeur.urls)),
]
