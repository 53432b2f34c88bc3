from django.contrib import admin

from .models import Resume, Suivi


@admin.register(Suivi)
class SuiviAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "aire", "conference", "cree_le"]
    list_select_related = ["utilisateur", "aire", "conference"]
    search_fields = ["utilisateur__username", "aire__nom", "aire__code", "conference__nom"]
    raw_id_fields = ["utilisateur", "aire", "conference"]


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    """Read only: the digest task writes these rows; an administrator reads what was sent, failed or skipped."""

    list_display = ["utilisateur", "frequence", "periode", "etat", "nb_entrees", "tentatives", "envoye_le"]
    list_filter = ["etat", "frequence"]
    list_select_related = ["utilisateur"]
    search_fields = ["utilisateur__username"]
    date_hierarchy = "periode"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
