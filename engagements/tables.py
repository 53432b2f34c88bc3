import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from partenariat.commun import nombres
from partenariat.commun.colonnes import NombreColumn, Tableau, TauxColumn, prefixe_url
from partenariat.commun.dates import date_courte

from .avancement import Statut
from .models import Objectif, Realisation


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


class RealisationAValiderTable(Tableau):
    """The validation queue: each row's box carries the version displayed, so a batch never applies to stale rows."""

    selection = tables.Column(
        verbose_name=_("Sélection"), accessor="pk", orderable=False, exclude_from_export=True, empty_values=()
    )
    date = tables.Column(verbose_name=_("Date"))
    objectif = tables.Column(verbose_name=_("Objectif"), order_by=("objectif__dispositif", "objectif__annee"))
    aire = tables.Column(verbose_name=_("Aire urbaine"), accessor="objectif__aire__nom")
    conference = tables.Column(verbose_name=_("Conférence"), accessor="objectif__conference__nom", default="—")
    quantite = NombreColumn(verbose_name=_("Quantité"))
    soumise_par = tables.Column(
        verbose_name=_("Soumise par"), accessor="modifie_par__username", order_by=("modifie_par__username",)
    )
    age = tables.Column(verbose_name=_("En attente depuis"), accessor="soumise_le", order_by=("-soumise_le",))
    lot_import = tables.Column(verbose_name=_("Import"), orderable=False, default="—")
    # The evidence the examiner weighs, one download link per file; the queue's queryset prefetches them.
    justificatifs = tables.Column(
        verbose_name=_("Justificatifs"), accessor="pk", orderable=False, empty_values=(), default="—"
    )

    class Meta:
        model = Realisation
        fields = ["date", "quantite", "lot_import"]
        sequence = [
            *("selection", "date", "objectif", "aire", "conference"),
            *("quantite", "soumise_par", "age", "justificatifs", "lot_import"),
        ]
        caption = _("Réalisations soumises, en attente de validation")
        empty_text = _("Aucune réalisation n'attend de validation pour ces filtres.")
        order_by = ("soumise_le",)

    def __init__(self, *args, cochees=(), aujourd_hui=None, examinateur=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cochees = set(cochees)  # "pk:version" values ticked before a refused batch
        self.aujourd_hui = aujourd_hui or timezone.localdate()
        self.examinateur = examinateur  # four eyes: their own submissions get no box

    def render_selection(self, record):
        valeur = f"{record.pk}:{record.version}"
        if self.examinateur is not None and self.examinateur.pk in (record.saisi_par_id, record.modifie_par_id):
            return format_html(
                '<span class="visuellement-cache">{}</span><span aria-hidden="true">—</span>',
                gettext("Votre saisie : une autre personne doit l'examiner"),
            )
        return format_html(
            '<input type="checkbox" name="selection" value="{}" id="selection-{}"{}>'
            '<label for="selection-{}" class="visuellement-cache">{}</label>',
            valeur,
            record.pk,
            " checked" if valeur in self.cochees else "",
            record.pk,
            gettext("Sélectionner la réalisation du %(date)s (%(objectif)s)")
            % {"date": date_courte(record.date), "objectif": record.objectif},
        )

    def render_date(self, record):
        prefixe = prefixe_url("engagements:objectif_list")
        return format_html('<a href="{}realisations/{}/">{}</a>', prefixe, record.pk, date_courte(record.date))

    def value_date(self, value):
        return value

    def render_objectif(self, record):
        objectif = record.objectif
        return format_html(
            '<a href="{}{}/">{} {}</a>',
            prefixe_url("engagements:objectif_list"),
            objectif.pk,
            objectif.get_dispositif_display(),
            objectif.annee,
        )

    def value_objectif(self, record):
        return f"{record.objectif.get_dispositif_display()} {record.objectif.annee}"

    def render_age(self, value):
        jours = (self.aujourd_hui - timezone.localtime(value).date()).days
        return ngettext("%(jours)s jour", "%(jours)s jours", jours) % {"jours": nombres.nombre(jours)}

    def value_age(self, value):
        return (self.aujourd_hui - timezone.localtime(value).date()).days

    def render_justificatifs(self, record):
        pieces = record.pieces_jointes.all()
        if not pieces:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}" download>{}</a>',
            ((reverse("piece_jointe_detail", args=[piece.pk]), piece.nom_original) for piece in pieces),
        )

    def value_justificatifs(self, record):
        return ", ".join(piece.nom_original for piece in record.pieces_jointes.all())

    def render_lot_import(self, value):
        return format_html(
            '<a href="?lot_import={}">{}</a>', value, gettext("Import %(debut)s…") % {"debut": str(value)[:8]}
        )
