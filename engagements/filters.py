import datetime

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aires_urbaines.models import AireUrbaine, PhaseDeploiement
from conferences.models import ConferenceTerritoriale
from partenariat.commun.saisie import Formulaire
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN

from .avancement import EtatRealisation, Statut
from .models import Dispositif, Objectif, Realisation


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


def _auteurs_en_attente(request):
    """Only the people who have something waiting: the list stays short whatever the number of accounts."""
    soumises = Realisation.objects.filter(etat=EtatRealisation.SOUMISE).values("modifie_par")
    return get_user_model().objects.filter(pk__in=soumises).order_by("username")


class RealisationAValiderFilter(django_filters.FilterSet):
    """Filters of the validation queue; `lot_import` takes the import a confirmation message links to."""

    conference = django_filters.ModelChoiceFilter(
        label=_("Conférence"),
        queryset=ConferenceTerritoriale.objects.order_by("nom"),
        method="filtrer_conference",
        empty_label=_("Toutes"),
    )
    aire = django_filters.CharFilter(label=_("Aire urbaine"), method="filtrer_aire", help_text=_("Nom ou code"))
    dispositif = django_filters.ChoiceFilter(
        label=_("Dispositif"), field_name="objectif__dispositif", choices=Dispositif.choices, empty_label=_("Tous")
    )
    soumise_par = django_filters.ModelChoiceFilter(
        label=_("Soumise par"), field_name="modifie_par", queryset=_auteurs_en_attente, empty_label=_("Tous")
    )
    attente = django_filters.NumberFilter(
        label=_("En attente depuis plus de"),
        method="filtrer_attente",
        min_value=0,
        max_value=10_000,
        help_text=_("Nombre de jours"),
    )
    lot_import = django_filters.UUIDFilter(label=_("Import"), help_text=_("Identifiant de l'import"))

    class Meta:
        model = Realisation
        form = Formulaire
        fields = ["conference", "aire", "dispositif", "soumise_par", "attente", "lot_import"]

    def filtrer_conference(self, queryset, name, value):
        # As a conference's page lists its objectives: agreed by it, or on an area it covers.
        return queryset.filter(Q(objectif__conference=value) | Q(objectif__aire__in=value.aires.values("pk")))

    def filtrer_aire(self, queryset, name, value):
        value = value.strip()
        if AireUrbaine.objects.filter(code__iexact=value).exists():
            return queryset.filter(objectif__aire__code__iexact=value)
        return queryset.filter(objectif__aire__nom__icontains=value)

    def filtrer_attente(self, queryset, name, value):
        return queryset.filter(soumise_le__lt=timezone.now() - datetime.timedelta(days=int(value)))
