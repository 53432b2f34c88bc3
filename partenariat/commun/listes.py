"""The one list view every list page shares: filters in the URL, sortable paginated table, CSV/XLSX/ODS export."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .dates import date_de_reference, lire_date

FORMATS_EXPORT = ("csv", "xlsx", "ods")


class DateDeReferenceMixin:
    """Pages that can show the partnership as it stood on a past date (`?date=`), today by default."""

    def dispatch(self, request, *args, **kwargs):
        self.date_choisie = lire_date(request)
        self.au = date_de_reference(self.date_choisie)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.au = self.au  # filters on computed progress use the same date as the columns
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["au"] = self.au
        context["date_choisie"] = self.date_choisie
        return context


class ListeView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """Set `model`/`queryset`, `table_class`, `filterset_class`, `titre` and `export_name`; nothing else is needed."""

    template_name = "liste.html"
    taille_page = 25
    export_formats = FORMATS_EXPORT
    titre = ""
    introduction = ""

    def get_table_pagination(self, table):
        # Not `paginate_by`: ListView would then paginate the queryset a second time (one more COUNT).
        return {"per_page": self.taille_page}

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        kwargs.setdefault("attrs", {"class": "table"})
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = self.titre
        context["introduction"] = self.introduction
        context["formats_export"] = self.export_formats
        return context
