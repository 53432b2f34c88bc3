from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from conferences import urls as urls_conferences
from engagements import urls as urls_engagements
from partenariat import pieces_jointes, sante
from partenariat.accessibilite import DeclarationAccessibiliteView
from partenariat.alertes import urls as urls_alertes
from partenariat.api.comptes import JetonsView, RevoquerJetonView
from partenariat.comptes import ReinitialisationView, changer_langue
from partenariat.pilotage import donnees_ouvertes
from partenariat.pilotage import urls as urls_pilotage

urlpatterns = [
    # For a load balancer: the process answers; it can serve (database and task queue reachable).
    path("sante/", sante.vivant, name="sante"),
    path("sante/pret/", sante.pret, name="sante_pret"),
    path("", include("partenariat.pilotage.urls")),
    # The area and conference pages compose every app: built in the pilotage layer, named in the apps' namespaces.
    path("aires/", include((urls_pilotage.aires, "aires_urbaines"))),
    path("conferences/", include(([*urls_conferences.urlpatterns, *urls_pilotage.conferences], "conferences"))),
    path("objectifs/", include("engagements.urls")),
    path("validation/", include((urls_engagements.validation, "validation"))),
    path("rapports/", include("partenariat.pilotage.urls_rapports")),
    path("alertes/", include("partenariat.alertes.urls")),
    *urls_alertes.comptes,
    path("comptes/jetons/", JetonsView.as_view(), name="jetons"),
    path("comptes/jetons/<id:pk>/revoquer/", RevoquerJetonView.as_view(), name="jeton_revoquer"),
    path("comptes/connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="connexion"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    # Django's own password views, under French paths and templates of their own (the admin keeps its pages).
    # The reset form answers the same for any address and writes only to active accounts that have a password.
    path(
        "comptes/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/changement_mot_de_passe.html",
            success_url=reverse_lazy("mot_de_passe_modifie"),
        ),
        name="mot_de_passe",
    ),
    path(
        "comptes/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/changement_mot_de_passe_fait.html"),
        name="mot_de_passe_modifie",
    ),
    path(
        "comptes/mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/reinitialisation_demande.html",
            subject_template_name="registration/reinitialisation_sujet.txt",
            email_template_name="registration/reinitialisation_courriel.txt",
            success_url=reverse_lazy("mot_de_passe_oublie_envoye"),
        ),
        name="mot_de_passe_oublie",
    ),
    path(
        "comptes/mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/reinitialisation_envoyee.html"),
        name="mot_de_passe_oublie_envoye",
    ),
    path(
        "comptes/reinitialiser/<uidb64>/<token>/",
        # No sign-in after the reset: the person signs in with the new password, through the login throttling.
        ReinitialisationView.as_view(
            template_name="registration/reinitialisation_nouveau.html",
            reset_url_token="nouveau-mot-de-passe",
            success_url=reverse_lazy("reinitialisation_terminee"),
        ),
        name="reinitialisation",
    ),
    path(
        "comptes/reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/reinitialisation_terminee.html"),
        name="reinitialisation_terminee",
    ),
    # Evidence files: downloaded only here, after the record's rule (never from a public media address).
    path("pieces-jointes/<id:pk>/", pieces_jointes.TelechargementView.as_view(), name="piece_jointe_detail"),
    path(
        "pieces-jointes/ajouter/<slug:app_label>/<slug:modele>/<id:pk>/",
        pieces_jointes.DepotView.as_view(),
        name="piece_jointe_add",
    ),
    path("pieces-jointes/<id:pk>/remplacer/", pieces_jointes.RemplacementView.as_view(), name="piece_jointe_edit"),
    path("pieces-jointes/<id:pk>/supprimer/", pieces_jointes.SuppressionView.as_view(), name="piece_jointe_delete"),
    path("accessibilite/", DeclarationAccessibiliteView.as_view(), name="accessibilite"),
    # Open data, public when settings.DONNEES_OUVERTES is on (404 otherwise).
    path("donnees-ouvertes/", donnees_ouvertes.DonneesOuvertesView.as_view(), name="donnees_ouvertes"),
    path("donnees-ouvertes/avancement.csv", donnees_ouvertes.AvancementCsvView.as_view(), name="donnees_ouvertes_csv"),
    path(
        "donnees-ouvertes/avancement.json", donnees_ouvertes.AvancementJsonView.as_view(), name="donnees_ouvertes_json"
    ),
    # The header's language switch (POST only), named as Django's set_language view.
    path("langue/", changer_langue, name="set_language"),
    path("api/v1/", include("partenariat.api.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ errors are problem documents (RFC 9457); elsewhere the site's pages.
handler404 = "partenariat.api.problemes.introuvable"
handler500 = "partenariat.api.problemes.erreur_serveur"
