import django_filters
from django.utils.translation import gettext_lazy as _

from aires_urbaines.models import AireUrbaine, PhaseDeploiement
from partenariat.commun.saisie import Formulaire
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN

from .avancement import Statut
from .models import Dispositif, Objectif


class ObjectifFilter(django_filters.FilterSet):
    """Filters of /objectifs/; `statut` reads the annotation of `avec_avancement`."""

    aire = django_filters.CharFilter(label=_("Aire urbaine"), method="filtrer_aire", help_text=_("Nom ou code"))
    dispositif = django_filters.ChoiceFilter(label=_("Dispositif"), choices=Dispositif.choices, empty_label=_("Tous"))
    annee = django_filters.ChoiceFilter(
        label=_("Année"), choices=[(str(a), str(a)) for a in range(ANNEE_DEBUT, ANNEE_FIN + 1)], empty_label=_("Toutes")
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        queryset=PhaseDeploiement.objects.all(),
        to_field_name="code",
        field_name="aire__entree_phase__phase",
        empty_label=_("Toutes"),
    )
    conference = django_filters.CharFilter(
        label=_("Conférence"),
        field_name="conference__nom",
        lookup_expr="icontains",
        help_text=_("Nom de la conférence"),
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Statut.choices, empty_label=_("Tous"), method="filtrer_statut"
    )

    class Meta:
        model = Objectif
        form = Formulaire
        fields = ["aire", "dispositif", "annee", "phase", "conference", "statut"]

    def filtrer_aire(self, queryset, name, value):
        value = value.strip()
        if AireUrbaine.objects.filter(code__iexact=value).exists():
            return queryset.filter(aire__code__iexact=value)
        return queryset.filter(aire__nom__icontains=value)

    def filtrer_statut(self, queryset, name, value):
        return queryset.de_statut(value, getattr(self, "au", None), provisoire=getattr(self, "provisoire", False))
