import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partenariat.commun.colonnes import NombreColumn, Tableau, TauxColumn, prefixe_url

from .avancement import Statut
from .models import Objectif


class ObjectifTable(Tableau):
    """Also the format of the bulk import of achievements: area code, scheme, year come first."""

    aire__code = tables.Column(verbose_name=_("Code aire"))
    aire = tables.Column(verbose_name=_("Aire urbaine"), order_by=("aire__nom",))
    dispositif = tables.Column(verbose_name=_("Dispositif"))
    annee = tables.Column(verbose_name=_("Année"))
    cible = NombreColumn(verbose_name=_("Cible"))
    # The baseline agreed first: a revised target shows beside it, in the list and in every export.
    cible_initiale = NombreColumn(verbose_name=_("Cible initiale"))
    unite = tables.Column(verbose_name=_("Unité"))
    realise = NombreColumn(verbose_name=_("Réalisé"))
    taux = TauxColumn(verbose_name=_("Taux de réalisation"))
    statut = tables.Column(verbose_name=_("Statut"))
    # Achievements awaiting validation, whatever the figures count: the work left before they are final.
    nb_en_attente = NombreColumn(verbose_name=_("En attente de validation"))

    class Meta:
        model = Objectif
        fields = ["aire__code", "aire", "dispositif", "annee", "cible", "cible_initiale", "unite"]
        sequence = [*fields, "realise", "taux", "statut"]
        caption = _("Objectifs partagés")
        empty_text = _("Aucun objectif ne correspond à ces filtres.")
        order_by = ("aire__code", "annee", "dispositif")

    # Links are built from the URL prefix once, not reverse()d for every cell of every row.
    def render_aire(self, record):
        return format_html(
            '<a href="{}{}/">{}</a>', prefixe_url("aires_urbaines:aire_list"), record.aire.code, record.aire.nom
        )

    def value_dispositif(self, value):
        return value

    def render_dispositif(self, value, record):
        return format_html('<a href="{}{}/">{}</a>', prefixe_url("engagements:objectif_list"), record.pk, value)

    def value_aire(self, record):
        return record.aire.nom

    def render_statut(self, value):
        return format_html('<span class="statut statut-{}">{}</span>', value, Statut(value).label)

    def value_statut(self, value):
        return Statut(value).label
