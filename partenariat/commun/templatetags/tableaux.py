"""Table body rendered in Python: the template engine and django-tables2's per-cell machinery cost more than the
data on 100-row pages."""

import inspect

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django_tables2 import ManyToManyColumn

register = template.Library()

ARGUMENTS_DE_RENDU = {"value", "record", "column", "bound_column", "table"}


def _lecteur(accesseur, modele):
    """A function record -> value doing what django-tables2's accessor does for a plain field path: follow the
    relations, use get_FOO_display() for a field with choices, call a callable. None when the path is not plain."""
    parties = accesseur.replace(".", "__").split("__")
    meta = modele._meta
    for partie in parties[:-1]:
        try:
            champ = meta.get_field(partie)
        except FieldDoesNotExist:
            return None
        if not champ.is_relation or champ.many_to_many or champ.one_to_many:
            return None
        meta = champ.related_model._meta
    dernier = parties[-1]
    try:
        choix = bool(getattr(meta.get_field(dernier), "choices", None))
    except FieldDoesNotExist:
        choix = False

    def lire(record):
        objet = record
        for partie in parties[:-1]:
            objet = getattr(objet, partie, None)
            if objet is None:
                return None
        if choix:
            return getattr(objet, f"get_{dernier}_display")()
        valeur = getattr(objet, dernier, None)
        if callable(valeur) and not getattr(valeur, "alters_data", False):
            valeur = valeur()
        return valeur

    return lire


def _rendu_direct(colonne, modele):
    """(read, render) for a column django-tables2 would render by a plain read and a call; None otherwise."""
    if modele is None or colonne.link or isinstance(colonne.column, ManyToManyColumn):
        return None
    lire = _lecteur(str(colonne.accessor), modele)
    if lire is None:
        return None
    rendu = colonne.render
    parametres = inspect.signature(rendu).parameters
    noms = set(parametres)
    if not noms <= ARGUMENTS_DE_RENDU:  # **kwargs or the bound row: django-tables2 renders it
        return None
    vides = colonne.column.empty_values
    defaut = colonne.default
    arguments = {"column": colonne.column, "bound_column": colonne, "table": colonne._table}

    def cellule(record):
        valeur = lire(record)
        if valeur in vides:
            return defaut
        contexte = {**arguments, "value": valeur, "record": record}
        return rendu(**{nom: contexte[nom] for nom in noms})

    return cellule


@register.simple_tag
def corps_tableau(table):
    """The <tbody> of a django-tables2 table; cell attributes and renderers are prepared once per column."""
    return rendre_corps(table)


def rendre_corps(table, direct=True):
    """`direct=False` renders every cell through django-tables2: the reference the direct path must equal."""
    colonnes = list(table.columns)
    attributs = [
        mark_safe(colonne.attrs.get("td", {}).as_html() if hasattr(colonne.attrs.get("td", {}), "as_html") else "")
        for colonne in colonnes
    ]
    modele = getattr(table._meta, "model", None)
    directs = [_rendu_direct(colonne, modele) if direct else None for colonne in colonnes]
    lignes = []
    for ligne in table.paginated_rows:
        if not isinstance(ligne.record, modele or ()):
            cellules = [ligne.get_cell(colonne.name) for colonne in colonnes]
        else:
            cellules = [
                rendu(ligne.record) if rendu else ligne.get_cell(colonne.name)
                for rendu, colonne in zip(directs, colonnes, strict=True)
            ]
        contenu = "".join(
            f"<td {attribut}>{conditional_escape(cellule)}</td>"
            for attribut, cellule in zip(attributs, cellules, strict=True)
        )
        lignes.append(f"<tr>{contenu}</tr>")
    if not lignes and table.empty_text:
        lignes.append(format_html_join("", '<tr><td colspan="{}">{}</td></tr>', [(len(colonnes), table.empty_text)]))
    return mark_safe(f"<tbody>{''.join(lignes)}</tbody>")
