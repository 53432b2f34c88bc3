from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Objectif, Realisation


class RealisationInline(admin.TabularInline):
    model = Realisation
    extra = 0
    fields = ["date", "quantite", "commentaire", "saisi_par"]
    raw_id_fields = ["saisi_par"]


@admin.register(Objectif)
class ObjectifAdmin(SimpleHistoryAdmin):
    list_display = ["aire", "dispositif", "annee", "cible", "unite", "conference"]
    list_filter = ["annee", "dispositif", "unite"]
    search_fields = ["aire__nom", "aire__code", "notes"]
    list_select_related = ["aire", "conference"]
    autocomplete_fields = ["aire", "conference"]
    inlines = [RealisationInline]


@admin.register(Realisation)
class RealisationAdmin(SimpleHistoryAdmin):
    list_display = ["objectif", "date", "quantite", "saisi_par"]
    list_filter = ["objectif__annee", "objectif__dispositif"]
    search_fields = ["objectif__aire__nom", "commentaire"]
    list_select_related = ["objectif__aire", "saisi_par"]
    raw_id_fields = ["objectif", "saisi_par"]
    date_hierarchy = "date"
