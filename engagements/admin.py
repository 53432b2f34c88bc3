from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Objectif, Realisation, RevisionCible


class RealisationInline(admin.TabularInline):
    model = Realisation
    extra = 0
    fields = ["date", "quantite", "commentaire", "saisi_par"]
    raw_id_fields = ["saisi_par"]


class RevisionCibleInline(admin.TabularInline):
    """The record of each revision, read only: it is written by the objective form with its reason, never here."""

    model = RevisionCible
    extra = 0
    fields = ["revisee_le", "revisee_par", "ancienne_cible", "nouvelle_cible", "motif"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Objectif)
class ObjectifAdmin(SimpleHistoryAdmin):
    """The target of an existing objective is read only here: revising it needs a reason, given in the form."""

    list_display = ["aire", "dispositif", "annee", "cible", "cible_initiale", "unite", "conference"]
    list_filter = ["annee", "dispositif", "unite"]
    search_fields = ["aire__nom", "aire__code", "notes"]
    list_select_related = ["aire", "conference"]
    autocomplete_fields = ["aire", "conference"]
    inlines = [RevisionCibleInline, RealisationInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("cible", "cible_initiale", "reviser_la_cible")

    def revert_disabled(self, request, obj=None):
        return True  # a revert would bring an old target back without a reason

    def save_model(self, request, obj, form, change):
        """Whatever the path (change form, history revert), an existing objective keeps its stored target here."""
        if change:
            stockee = Objectif.objects.filter(pk=obj.pk).values_list("cible", "cible_initiale").first()
            if stockee and (obj.cible, obj.cible_initiale) != stockee:
                obj.cible, obj.cible_initiale = stockee
                self.message_user(
                    request,
                    _("La cible n'a pas été modifiée : révisez-la depuis le formulaire de l'objectif, avec un motif."),
                    messages.WARNING,
                )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Révision de la cible"))
    def reviser_la_cible(self, obj):
        return format_html(
            '{} <a href="{}">{}</a>',
            _("La cible ne se modifie pas ici : une révision demande un motif, conservé avec l'objectif."),
            reverse("engagements:objectif_edit", args=[obj.pk]),
            _("Réviser la cible depuis le formulaire de l'objectif"),
        )


@admin.register(Realisation)
class RealisationAdmin(SimpleHistoryAdmin):
    list_display = ["objectif", "date", "quantite", "saisi_par"]
    list_filter = ["objectif__annee", "objectif__dispositif"]
    search_fields = ["objectif__aire__nom", "commentaire"]
    list_select_related = ["objectif__aire", "saisi_par"]
    raw_id_fields = ["objectif", "saisi_par"]
    date_hierarchy = "date"
