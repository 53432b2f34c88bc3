from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccordNational, Clause, Protocole, Signataire


@admin.register(Signataire)
class SignataireAdmin(admin.ModelAdmin):
    list_display = ["sigle", "nom", "nature"]
    list_filter = ["nature"]
    search_fields = ["sigle", "nom"]


class ClauseInline(admin.StackedInline):
    model = Clause
    extra = 0


class AccordNationalInline(admin.TabularInline):
    model = AccordNational
    extra = 0


@admin.register(Protocole)
class ProtocoleAdmin(admin.ModelAdmin):
    list_display = ["titre", "date_signature", "annee_debut", "annee_fin", "date_limite_installation"]
    search_fields = ["titre"]
    filter_horizontal = ["signataires"]
    inlines = [ClauseInline, AccordNationalInline]

    @admin.display(description=_("date limite d'installation des conférences"))
    def date_limite_installation(self, obj):
        return obj.date_limite_installation


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["numero", "titre", "code", "protocole"]
    list_filter = ["code"]
    search_fields = ["titre", "texte"]


@admin.register(AccordNational)
class AccordNationalAdmin(admin.ModelAdmin):
    list_display = ["intitule", "date_signature"]
    search_fields = ["intitule", "objet"]
    date_hierarchy = "date_signature"
