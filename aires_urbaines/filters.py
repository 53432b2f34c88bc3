import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partenariat.commun.saisie import Formulaire

from .models import AireUrbaine, Commune, PhaseDeploiement, Tension

REGIONS_2012 = [
    ("11", _("Île-de-France")),
    ("21", _("Champagne-Ardenne")),
    ("22", _("Picardie")),
    ("23", _("Haute-Normandie")),
    ("24", _("Centre")),
    ("25", _("Basse-Normandie")),
    ("26", _("Bourgogne")),
    ("31", _("Nord-Pas-de-Calais")),
    ("41", _("Lorraine")),
    ("42", _("Alsace")),
    ("43", _("Franche-Comté")),
    ("52", _("Pays de la Loire")),
    ("53", _("Bretagne")),
    ("54", _("Poitou-Charentes")),
    ("72", _("Aquitaine")),
    ("73", _("Midi-Pyrénées")),
    ("74", _("Limousin")),
    ("82", _("Rhône-Alpes")),
    ("83", _("Auvergne")),
    ("91", _("Languedoc-Roussillon")),
    ("93", _("Provence-Alpes-Côte d'Azur")),
    ("94", _("Corse")),
    ("01", _("Guadeloupe")),
    ("02", _("Martinique")),
    ("03", _("Guyane")),
    ("04", _("La Réunion")),
]


class AireUrbaineFilter(django_filters.FilterSet):
    """Filters of /aires/; phase and conference read the annotations of `engagements.annotations.annoter_aires`."""

    q = django_filters.CharFilter(label=_("Recherche"), method="filtrer_texte", help_text=_("Nom ou code de l'aire"))
    categorie = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=AireUrbaine.Categorie.choices, empty_label=_("Toutes")
    )
    tension = django_filters.ChoiceFilter(
        label=_("Tension du marché"), choices=Tension.choices, empty_label=_("Toutes")
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        queryset=PhaseDeploiement.objects.all(),
        to_field_name="code",
        method="filtrer_phase",
        empty_label=_("Toutes"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Région (2012)"), choices=REGIONS_2012, method="filtrer_region", empty_label=_("Toutes")
    )
    departement = django_filters.CharFilter(
        label=_("Département"), method="filtrer_departement", help_text=_("Code, par exemple 69 ou 2A")
    )
    avec_conference = django_filters.ChoiceFilter(
        label=_("Couverte par une conférence"),
        choices=[("oui", _("Oui")), ("non", _("Non"))],
        empty_label=_("Indifférent"),
        method="filtrer_conference",
    )

    class Meta:
        model = AireUrbaine
        form = Formulaire
        fields = ["q", "categorie", "tension", "phase", "region", "departement", "avec_conference"]

    def filtrer_texte(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value) | Q(code__iexact=value.strip()))

    def filtrer_phase(self, queryset, name, value: PhaseDeploiement):
        return queryset.filter(phase_code=value.code)

    def filtrer_region(self, queryset, name, value):
        return queryset.filter(Exists(Commune.objects.filter(aire_urbaine=OuterRef("pk"), region=value)))

    def filtrer_departement(self, queryset, name, value):
        code = value.strip().upper().zfill(2)
        return queryset.filter(Exists(Commune.objects.filter(aire_urbaine=OuterRef("pk"), departement=code)))

    def filtrer_conference(self, queryset, name, value):
        return queryset.filter(conference_nom__isnull=value != "oui")
