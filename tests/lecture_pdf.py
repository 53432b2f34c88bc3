"""Reading the PDF reports back as text, as a reader would copy it, to check their figures against the data."""

import csv
import io
import re

import pypdf

from partenariat.commun.graphiques import format_nombre

ESPACE_FINE = "\u202f"


def lire_pdf(contenu):
    assert contenu.startswith(b"%PDF-"), contenu[:20]
    return pypdf.PdfReader(io.BytesIO(contenu))


def texte_pdf(contenu):
    """All pages' text; French no-break spaces are kept, so numbers read `12 345` with a narrow one."""
    return "\n".join(page.extract_text() for page in lire_pdf(contenu).pages)


def une_ligne(texte):
    """The text with its line breaks (and the spaces around them) turned into single spaces; no-break ones kept."""
    return re.sub(r" ?\n ?", " ", texte)


def nombre(valeur):
    """An integer as the reports print it (narrow no-break space between thousands)."""
    return format_nombre(valeur)


def taux(valeur):
    return "—" if valeur is None else f"{format_nombre(valeur, 1)}{ESPACE_FINE}%"


def lignes_csv(response):
    """The rows of a django-tables2 CSV export, as dictionaries keyed by column title."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def sommes_csv(lignes, *colonnes):
    return tuple(sum(int(ligne[colonne]) for ligne in lignes) for colonne in colonnes)
