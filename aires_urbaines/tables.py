import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partenariat.commun.colonnes import NombreColumn, Tableau, TauxColumn, prefixe_url

from .models import AireUrbaine


class AireUrbaineTable(Tableau):
    code = tables.Column(verbose_name=_("Code"))
    nom = tables.Column(verbose_name=_("Aire urbaine"))
    categorie = tables.Column(verbose_name=_("Catégorie"))
    population = NombreColumn(verbose_name=_("Population"))
    tension = tables.Column(verbose_name=_("Tension"))
    phase_libelle = tables.Column(
        verbose_name=_("Phase"), order_by=("phase_ordre", "date_entree"), default=_("Hors dispositif")
    )
    conference_nom = tables.Column(verbose_name=_("Conférence"), default="—")
    nb_objectifs = NombreColumn(verbose_name=_("Objectifs"))
    taux = TauxColumn(verbose_name=_("Taux de réalisation"))
    # Achievements awaiting validation, whatever the figures count: the work left before they are final.
    nb_en_attente = NombreColumn(verbose_name=_("En attente de validation"))

    class Meta:
        model = AireUrbaine
        fields = ["code", "nom", "categorie", "population", "tension", "phase_libelle", "conference_nom"]
        sequence = [*fields, "nb_objectifs", "taux"]
        caption = _("Aires urbaines")
        empty_text = _("Aucune aire urbaine ne correspond à ces filtres.")
        order_by = "code"

    # Links are built from the URL prefix once, not reverse()d for every cell of every row.
    def value_code(self, value):
        return value

    def value_nom(self, value):
        return value

    def render_code(self, value):
        return format_html('<a href="{}{}/">{}</a>', prefixe_url("aires_urbaines:aire_list"), value, value)

    def render_nom(self, value, record):
        return format_html('<a href="{}{}/">{}</a>', prefixe_url("aires_urbaines:aire_list"), record.code, value)

    def render_conference_nom(self, value, record):
        return format_html(
            '<a href="{}{}/">{}</a>', prefixe_url("conferences:conference_list"), record.conference_id, value
        )

    def value_conference_nom(self, value):
        return value
