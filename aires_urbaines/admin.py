from django.contrib import admin

from .models import AireUrbaine, BassinEmploi, Commune, EntreePhase, Intercommunalite, PhaseDeploiement, ZonageMillesime


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "nom", "departement", "population", "zone_abc", "aire_urbaine"]
    list_filter = ["zone_abc", "departement"]
    search_fields = ["code_insee", "nom"]
    list_select_related = ["aire_urbaine"]
    raw_id_fields = ["aire_urbaine", "bassin_emploi", "intercommunalite"]
    show_full_result_count = False


@admin.register(AireUrbaine)
class AireUrbaineAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "categorie", "population", "nb_communes", "tension", "zone_dominante"]
    list_filter = ["categorie", "tension", "zone_dominante"]
    search_fields = ["code", "nom"]
    raw_id_fields = ["zonage"]


@admin.register(BassinEmploi)
class BassinEmploiAdmin(admin.ModelAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]


@admin.register(Intercommunalite)
class IntercommunaliteAdmin(admin.ModelAdmin):
    list_display = ["siren", "nom", "nature"]
    list_filter = ["nature"]
    search_fields = ["siren", "nom"]


@admin.register(ZonageMillesime)
class ZonageMillesimeAdmin(admin.ModelAdmin):
    list_display = ["libelle", "importe_le", "nb_communes", "nb_non_appariees"]
    search_fields = ["libelle"]


@admin.register(PhaseDeploiement)
class PhaseDeploiementAdmin(admin.ModelAdmin):
    list_display = ["ordre", "libelle", "code", "date_debut"]
    search_fields = ["libelle", "code"]
    prepopulated_fields = {"code": ["libelle"]}


@admin.register(EntreePhase)
class EntreePhaseAdmin(admin.ModelAdmin):
    list_display = ["aire", "phase", "date_entree"]
    list_filter = ["phase"]
    search_fields = ["aire__nom", "aire__code"]
    list_select_related = ["aire", "phase"]
    autocomplete_fields = ["aire"]
    date_hierarchy = "date_entree"
