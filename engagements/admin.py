from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partenariat.commun.saisie import ErreurMetier

from .models import (
    AnneeClose,
    ClotureAnnee,
    Objectif,
    Realisation,
    RevisionCible,
    verifier_objectif_modifiable,
    verifier_objectifs_ouverts,
)


class RefusMetierAdminMixin:
    """A write the models refuse (a closed year…) is shown as a message on the page, never as an error 500.

    The admin's views run in a transaction: the refusal rolls back everything the request had written.
    """

    def _refuser(self, request, erreur):
        self.message_user(request, " ".join([erreur.message, *erreur.details]), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ErreurMetier as erreur:
            return self._refuser(request, erreur)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ErreurMetier as erreur:
            return self._refuser(request, erreur)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except ErreurMetier as erreur:
            return self._refuser(request, erreur)

    def history_form_view(self, request, *args, **kwargs):
        try:
            return super().history_form_view(request, *args, **kwargs)
        except ErreurMetier as erreur:
            return self._refuser(request, erreur)


class RealisationAdminForm(forms.ModelForm):
    """Says on the form, with the input kept, that the achievement's year (before or after the change) is closed."""

    def clean(self):
        donnees = super().clean()
        if self.instance.pk and not self.has_changed():
            return donnees  # an untouched row of the objective's inline: saving the objective's notes stays possible
        objectif = donnees.get("objectif")
        try:
            verifier_objectifs_ouverts([self.instance.objectif_id, objectif.pk if objectif else None])
        except AnneeClose as refus:
            raise forms.ValidationError(refus.message) from None
        return donnees


class ObjectifAdminForm(forms.ModelForm):
    def clean(self):
        donnees = super().clean()
        try:
            verifier_objectif_modifiable(self.instance, donnees.get("annee"), self.changed_data)
        except AnneeClose as refus:
            raise forms.ValidationError(refus.message) from None
        return donnees


class RealisationInline(admin.TabularInline):
    model = Realisation
    form = RealisationAdminForm
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
class ObjectifAdmin(RefusMetierAdminMixin, SimpleHistoryAdmin):
    """The target of an existing objective is read only here: revising it needs a reason, given in the form."""

    form = ObjectifAdminForm
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
class RealisationAdmin(RefusMetierAdminMixin, SimpleHistoryAdmin):
    form = RealisationAdminForm
    list_display = ["objectif", "date", "quantite", "saisi_par"]
    list_filter = ["objectif__annee", "objectif__dispositif"]
    search_fields = ["objectif__aire__nom", "commentaire"]
    list_select_related = ["objectif__aire", "saisi_par"]
    raw_id_fields = ["objectif", "saisi_par"]
    date_hierarchy = "date"


@admin.register(ClotureAnnee)
class ClotureAnneeAdmin(SimpleHistoryAdmin):
    """Read only: closing and reopening go through the page of the years, which checks who may and asks why."""

    list_display = ["annee", "close", "close_le", "close_par", "rouverte_le", "rouverte_par"]
    list_select_related = ["close_par", "rouverte_par"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
