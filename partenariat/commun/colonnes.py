"""Table columns shared by the lists: French numbers on screen, raw values in exports."""

import functools

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import number_format


class NombreColumn(tables.Column):
    """An integer shown with French grouping (12 223 100) and exported as a plain number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "nombre"}, "td": {"class": "nombre"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return number_format(value, force_grouping=True)

    def value(self, value):
        return value


class TauxColumn(tables.Column):
    """A completion rate in percent, one decimal; an empty cell when there is nothing to measure."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "nombre"}, "td": {"class": "nombre"}})
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"{number_format(value, decimal_pos=1)} %"

    def value(self, value):
        return None if value is None else round(value, 1)


@functools.cache
def prefixe_url(nom):
    """URL of a list page, resolved once per process: detail links are this prefix + the object's key."""
    return reverse(nom)
