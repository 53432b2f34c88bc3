import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenariat.commun.saisie import Formulaire

from .models import ConferenceTerritoriale, EtatInstallation


class ConferenceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"), method="filtrer_texte", help_text=_("Conférence, aire ou bassin")
    )
    etat_installation = django_filters.ChoiceFilter(
        label=_("Installation"), choices=EtatInstallation.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = ConferenceTerritoriale
        form = Formulaire
        fields = ["q", "etat_installation"]

    def filtrer_texte(self, queryset, name, value):
        correspondances = ConferenceTerritoriale.objects.filter(
            Q(nom__icontains=value) | Q(aires__nom__icontains=value) | Q(bassins__nom__icontains=value)
        )
        return queryset.filter(pk__in=correspondances.values("pk"))
