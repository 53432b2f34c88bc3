"""Table columns shared by the lists: numbers in the reader's language on screen, raw values in exports."""

import functools
import html

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from partenariat.commun import nombres


class NombreColumn(tables.Column):
    """An integer shown grouped as the reader's language writes it (12 223 100, 12,223,100), exported as a number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "nombre"}, "td": {"class": "nombre"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return nombres.nombre(value)

    def value(self, value):
        return value


class TauxColumn(tables.Column):
    """A completion rate in percent, one decimal; an empty cell when there is nothing to measure."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "nombre"}, "td": {"class": "nombre"}})
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return nombres.pourcentage(value, 1)

    def value(self, value):
        return None if value is None else round(value, 1)


@functools.cache
def prefixe_url(nom):
    """URL of a list page, resolved once per process: detail links are this prefix + the object's key."""
    return reverse(nom)


class Ligne(BoundRow):
    """django-tables2's row; the arguments a render function takes are read once per table, not for every cell."""

    def _call_render(self, bound_column, value=None):
        arguments = self._optional_cell_arguments(bound_column, value)
        noms, tous = self._table.arguments_de_rendu(bound_column)
        if not tous:
            if any(nom not in arguments for nom in noms):
                return None  # as django-tables2 does for a render function asking for an unknown argument
            arguments_voulus = {nom: arguments[nom] for nom in noms}
        contenu = bound_column.render(**(arguments if tous else arguments_voulus))
        return bound_column.link(contenu, **arguments) if bound_column.link else contenu

    def cellule(self, bound_column, default):
        """`get_cell()` given the column itself (finding a column by name walks all the columns) and its default."""
        return self._get_and_render_with(bound_column, render_func=self._call_render, default=default)


class Tableau(tables.Table):
    """The base of the product's lists: rows are assembled in Python, as the admin's changelist does.

    Every cell is still django-tables2's (`BoundRow.get_cell`: accessor, choices, empty values, links,
    `render_FOO`); only the `<tr><td>` around them skips the template engine, and the signature of each render
    function is inspected once per table: both cost more than the data on 100-row pages. `td` attributes are
    computed once per column and pinned rows are not shown: no list of the product has either.
    """

    @property
    def caption(self):
        """`Meta.caption`, the table's `<caption>`: django-tables2 keeps no such option itself."""
        return getattr(getattr(self, "Meta", None), "caption", None)

    @functools.cached_property
    def _signatures_de_rendu(self):
        return {}

    def arguments_de_rendu(self, bound_column):
        """django-tables2's reading of the render function's signature: (argument names, accepts **kwargs)."""
        if bound_column.name not in self._signatures_de_rendu:
            self._signatures_de_rendu[bound_column.name] = signature(bound_column.render)
        return self._signatures_de_rendu[bound_column.name]

    def lignes(self):
        """The cells of each row of the page as HTML, `{{ value }}` as a template would show it (localised, escaped)."""
        # A translated default (« Hors dispositif ») is translated once per table, not once per empty cell.
        colonnes = [
            (
                colonne,
                colonne.attrs["td"].as_html(),
                str(colonne.default) if isinstance(colonne.default, Promise) else colonne.default,
            )
            for colonne in self.columns
        ]
        for enregistrement in self.paginated_rows.data:
            ligne = Ligne(enregistrement, table=self)
            cellules = (
                f"<td {attrs}>{en_html(ligne.cellule(colonne, defaut))}</td>" for colonne, attrs, defaut in colonnes
            )
            yield mark_safe("".join(cellules))


def en_html(valeur):
    """`conditional_escape(localize(valeur))` without django.utils.html's lazy-argument check, paid on every cell."""
    if hasattr(valeur, "__html__"):
        return valeur.__html__()
    return html.escape(str(localize(valeur)))
