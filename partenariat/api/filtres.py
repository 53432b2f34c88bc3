"""The pages' filters, applied by the API with the date and the figures of the request."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from engagements.avancement import EtatRealisation
from engagements.models import Realisation
from partenariat.commun.saisie import Formulaire


class FiltresDesPages(DjangoFilterBackend):
    """The filter sets of the pages read the date and the figures' choice from attributes, set here as the list
    views do (`DateDeReferenceMixin`, `ChiffresMixin`)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            filterset.au = getattr(view, "au", None)
            filterset.provisoire = getattr(view, "provisoire", False)
        return filterset


class OrdreStable(OrderingFilter):
    """The order asked, then the primary key: two rows never swap between two pages."""

    def filter_queryset(self, request, queryset, view):
        ordre = self.get_ordering(request, queryset, view)
        if ordre:
            return queryset.order_by(*ordre, "pk")
        return queryset


class RealisationFilter(django_filters.FilterSet):
    objectif = django_filters.NumberFilter(label=_("Objectif"), min_value=1, max_value=2**63 - 1)
    aire = django_filters.CharFilter(label=_("Code de l'aire"), field_name="objectif__aire__code")
    etat = django_filters.ChoiceFilter(label=_("État"), choices=EtatRealisation.choices)
    lot_import = django_filters.UUIDFilter(label=_("Import"))
    depuis = django_filters.DateFilter(label=_("Depuis le"), field_name="date", lookup_expr="gte")
    jusqu_au = django_filters.DateFilter(label=_("Jusqu'au"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Realisation
        form = Formulaire
        fields = ["objectif", "aire", "etat", "lot_import", "depuis", "jusqu_au"]
