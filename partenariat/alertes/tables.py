import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partenariat.commun.colonnes import Tableau

from .services import url_absolue


class AlerteTable(Tableau):
    """The alerts, most severe first; each links to the page where one acts."""

    gravite = tables.Column(verbose_name=_("Gravité"), accessor="gravite_libelle", orderable=False)
    genre = tables.Column(verbose_name=_("Type"), accessor="genre_libelle", orderable=False)
    libelle = tables.Column(verbose_name=_("Alerte"), orderable=False)
    aire = tables.Column(verbose_name=_("Aire urbaine"), accessor="aire_nom", orderable=False, default="—")
    conference = tables.Column(verbose_name=_("Conférence"), accessor="conference_nom", orderable=False, default="—")
    depuis = tables.DateColumn(verbose_name=_("Depuis le"), short=True, orderable=False, default="—")
    lien = tables.Column(verbose_name=_("Adresse"), orderable=False, visible=False)

    class Meta:
        caption = _("Alertes")
        empty_text = _("Aucune alerte ne correspond à ces filtres.")
        exclude = ()

    def render_gravite(self, record):
        return format_html('<span class="gravite gravite-{}">{}</span>', record.gravite, record.gravite_libelle)

    def value_gravite(self, record):
        return record.gravite_libelle

    def render_libelle(self, record):
        return format_html('<a href="{}">{}</a>', record.lien, record.libelle)

    def value_libelle(self, record):
        return record.libelle

    def render_aire(self, record):
        return format_html("{} ({})", record.aire_nom, record.aire_code)

    def value_aire(self, record):
        return f"{record.aire_nom} ({record.aire_code})"

    def value_lien(self, record):
        return url_absolue(record.lien)
