import django_tables2 as tables

from partenariat.colonnes import NombreColumn, TauxColumn

from .models import AireUrbaine


class AireUrbaineTable(tables.Table):
    code = tables.Column(verbose_name="Code", linkify=True)
    nom = tables.Column(verbose_name="Aire urbaine", linkify=True)
    categorie = tables.Column(verbose_name="Catégorie")
    population = NombreColumn(verbose_name="Population")
    tension = tables.Column(verbose_name="Tension")
    phase_libelle = tables.Column(
        verbose_name="Phase", order_by=("phase_ordre", "date_entree"), default="Hors dispositif"
    )
    conference_nom = tables.Column(verbose_name="Conférence", default="—")
    nb_objectifs = NombreColumn(verbose_name="Objectifs")
    taux = TauxColumn(verbose_name="Taux de réalisation")

    class Meta:
        model = AireUrbaine
        fields = ["code", "nom", "categorie", "population", "tension", "phase_libelle", "conference_nom"]
        sequence = [*fields, "nb_objectifs", "taux"]
        caption = "Aires urbaines"
        empty_text = "Aucune aire urbaine ne correspond à ces filtres."
        order_by = "code"

    def render_conference_nom(self, value, record):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a>', reverse("conferences:conference_detail", args=[record.conference_id]), value
        )

    def value_conference_nom(self, value):
        return value
