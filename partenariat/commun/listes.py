"""The one list view every list page shares: filters in the URL, sortable paginated table, CSV/XLSX/ODS export."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from .dates import date_de_reference, lire_date
from .textes import texte_pour_tableur

FORMATS_EXPORT = ("csv", "xlsx", "ods")
TAILLES_PAGE = (25, 50, 100)


class ExportTableur(TableExport):
    """Spreadsheet exports only, with every cell inert and writable whatever the database holds.

    The library serves any format tablib knows (JSON, YAML, LaTeX…) and writes text as it is: a name starting with
    "=" becomes a live formula, and one control character makes openpyxl fail the whole XLSX.
    """

    FORMATS = {format_: TableExport.FORMATS[format_] for format_ in FORMATS_EXPORT}

    @classmethod
    def is_valid_format(cls, export_format):
        # The parent checks against its own FORMATS, not the class's.
        return export_format in cls.FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        if dataset.headers:
            dataset.headers = [texte_pour_tableur(entete) for entete in dataset.headers]
        # A formatter runs on each cell when the file is written: no second copy of a large export in memory.
        dataset.add_formatter(None, texte_pour_tableur)
        return dataset


class PaginateurPlafonne(Paginator):
    """Pages of at most the largest offered size: `?per_page=100000` would otherwise load every row at once."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        # RequestConfig passes any integer of the URL; below 1 (or beyond the int range of the database) is junk.
        per_page = TAILLES_PAGE[0] if per_page < 1 else min(per_page, TAILLES_PAGE[-1])
        super().__init__(object_list, per_page, *args, **kwargs)


PARAMETRE_PROVISOIRE = "en_attente"


def lire_provisoire(request):
    """Whether `?en_attente=1` asks for the provisional figures (pending achievements counted): validated by default."""
    return request.GET.get(PARAMETRE_PROVISOIRE) == "1"


class ChiffresMixin:
    """Pages and downloads whose figures count validated achievements, or with `?en_attente=1` pending ones too.

    The switch is read here only; `self.provisoire` is then passed explicitly to every figure the page computes.
    """

    def dispatch(self, request, *args, **kwargs):
        self.provisoire = lire_provisoire(request)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.provisoire = self.provisoire  # a filter on computed progress counts what the columns count
        return filterset

    def parametres_chiffres(self):
        """The parameters that decide the page's figures, for links to other pages showing the same ones."""
        return {PARAMETRE_PROVISOIRE: "1"} if self.provisoire else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provisoire"] = self.provisoire
        context["interrupteur_provisoire"] = True
        context["parametres_chiffres"] = urlencode(self.parametres_chiffres())
        return context


class DateDeReferenceMixin(ChiffresMixin):
    """Pages that can show the partnership as it stood on a past date (`?date=`), today by default."""

    def dispatch(self, request, *args, **kwargs):
        self.date_choisie = lire_date(request)
        self.au = date_de_reference(self.date_choisie)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.au = self.au  # filters on computed progress use the same date as the columns
        return filterset

    def parametres_chiffres(self):
        date = {"date": self.au.isoformat()} if self.date_choisie else {}
        return {**date, **super().parametres_chiffres()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["au"] = self.au
        context["date_choisie"] = self.date_choisie
        return context


class ListeView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """Set `model`/`queryset`, `table_class`, `filterset_class`, `titre` and `export_name`; nothing else is needed."""

    template_name = "liste.html"
    taille_page = TAILLES_PAGE[0]
    export_class = ExportTableur
    export_formats = FORMATS_EXPORT
    titre = ""
    introduction = ""

    def get_table_pagination(self, table):
        # Not `paginate_by`: ListView would then paginate the queryset a second time (one more COUNT).
        return {"per_page": self.taille_page, "paginator_class": PaginateurPlafonne}

    def get(self, request, *args, **kwargs):
        # Refused before the list is computed: an unknown format is a wrong address, never a download or a 500.
        export_format = request.GET.get(self.export_trigger_param)
        if export_format and not self.export_class.is_valid_format(export_format):
            message = _("Ce format d'export n'est pas proposé : choisissez CSV, XLSX ou ODS.")
            return render(request, "400.html", {"message": message, "retour": request.path}, status=400)
        return super().get(request, *args, **kwargs)

    def get_export_filename(self, export_format):
        # Provisional figures never pass for validated ones once the file has left the page (see `ChiffresMixin`).
        suffixe = "-provisoire" if getattr(self, "provisoire", False) else ""
        return f"{self.export_name}{suffixe}.{export_format}"

    def get_dataset_kwargs(self):
        """XLSX and ODS sheets of provisional figures are titled so; CSV keeps only its file name's suffix, so that
        machines read the same columns either way."""
        if getattr(self, "provisoire", False):
            return {**(super().get_dataset_kwargs() or {}), "title": _("Chiffres provisoires")}
        return super().get_dataset_kwargs()

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        kwargs.setdefault("attrs", {"class": "table"})
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = self.titre
        context["introduction"] = self.introduction
        context["formats_export"] = self.export_formats
        context["tailles_page"] = TAILLES_PAGE
        return context
