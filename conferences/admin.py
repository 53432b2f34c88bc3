from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion


class MembreInline(admin.TabularInline):
    model = MembreConference
    extra = 0


@admin.register(ConferenceTerritoriale)
class ConferenceTerritorialeAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "date_installation"]
    list_filter = ["date_installation"]
    search_fields = ["nom", "aires__nom", "bassins__nom"]
    autocomplete_fields = ["bassins", "aires"]
    filter_horizontal = ["secretariat"]
    inlines = [MembreInline]
    date_hierarchy = "date_installation"


@admin.register(MembreConference)
class MembreConferenceAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "conference", "college", "organisation", "fonction"]
    list_filter = ["college", "organisation"]
    search_fields = ["nom", "conference__nom"]
    list_select_related = ["conference"]


@admin.register(Reunion)
class ReunionAdmin(SimpleHistoryAdmin):
    list_display = ["conference", "date", "lieu", "nb_participants"]
    list_filter = ["conference"]
    search_fields = ["conference__nom", "ordre_du_jour", "compte_rendu"]
    list_select_related = ["conference"]
    date_hierarchy = "date"


@admin.register(AssociationProgrammation)
class AssociationProgrammationAdmin(SimpleHistoryAdmin):
    list_display = ["conference", "intercommunalite", "document", "etat", "date_sollicitation", "date_avis"]
    list_filter = ["document", "etat"]
    search_fields = ["conference__nom", "intercommunalite__nom", "intercommunalite__siren"]
    list_select_related = ["conference", "intercommunalite"]
    autocomplete_fields = ["intercommunalite"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["titre", "nature", "date", "conference"]
    list_filter = ["nature"]
    search_fields = ["titre", "resume"]
    list_select_related = ["conference"]
    autocomplete_fields = ["aires"]
    date_hierarchy = "date"
