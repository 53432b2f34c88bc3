from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Suivi du protocole-cadre Action Logement × élus"
admin.site.site_title = "Administration du suivi du protocole"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", include("partenariat.urls_app")),
    path("aires/", include("aires_urbaines.urls")),
    path("conferences/", include("conferences.urls")),
    path("objectifs/", include("engagements.urls")),
    path("rapports/", include("partenariat.urls_rapports")),
    path("comptes/connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="connexion"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("admin/", admin.site.urls),
]
