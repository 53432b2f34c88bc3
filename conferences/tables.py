import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partenariat.commun.colonnes import NombreColumn, Tableau

from .models import ConferenceTerritoriale, EtatInstallation


class ConferenceTable(Tableau):
    nom = tables.Column(verbose_name=_("Conférence"), linkify=True)
    bassins = tables.ManyToManyColumn(verbose_name=_("Bassins d'emploi"), orderable=False)
    aires = tables.ManyToManyColumn(verbose_name=_("Aires urbaines"), orderable=False, linkify_item=True)
    date_installation = tables.DateColumn(verbose_name=_("Installation"), short=True, default="—")
    etat_installation = tables.Column(verbose_name=_("Délai"))
    nb_membres = NombreColumn(verbose_name=_("Membres"))
    nb_reunions = NombreColumn(verbose_name=_("Réunions"))
    nb_objectifs = NombreColumn(verbose_name=_("Objectifs"))
    # Achievements awaiting validation, whatever the figures count: the work left before they are final.
    nb_en_attente = NombreColumn(verbose_name=_("En attente de validation"))

    class Meta:
        model = ConferenceTerritoriale
        fields = ["nom", "bassins", "aires", "date_installation"]
        sequence = [*fields, "etat_installation", "nb_membres", "nb_reunions", "nb_objectifs"]
        caption = _("Conférences territoriales")
        empty_text = _("Aucune conférence ne correspond à ces filtres.")
        order_by = "nom"

    def render_etat_installation(self, value):
        return format_html('<span class="etat etat-{}">{}</span>', value, EtatInstallation(value).label)

    def value_etat_installation(self, value):
        return EtatInstallation(value).label

    def value_bassins(self, record):
        return ", ".join(str(b) for b in record.bassins.all())

    def value_aires(self, record):
        return ", ".join(str(a) for a in record.aires.all())
