"""What a URL may name: an id the database can hold, an area code as INSEE writes it; anything else is a 404.

A NUL or an out-of-range number must never reach a lookup: PostgreSQL refuses NUL in text (a 500 where SQLite
says 404), and SQLite cannot bind an integer beyond 64 bits. The same checks read the query parameters.
"""

import re

from django.urls import register_converter

# Ids are BigAutoField: 18 digits always fit in 63 bits (19 may not).
MOTIF_IDENTIFIANT = "[0-9]{1,18}"
# AU2010 codes are three characters: digits, or a letter for the overseas areas (« 9A1 »). Lower case is let
# through so that a badly typed code still has a link (its page then says 404), never a NoReverseMatch.
MOTIF_CODE_AIRE = "[0-9A-Za-z]{3}"


class IdentifiantConverter:
    regex = MOTIF_IDENTIFIANT

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class CodeAireConverter:
    regex = MOTIF_CODE_AIRE

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


def enregistrer():
    """`<id:pk>` and `<code_aire:code>` in every urls.py, registered once when the apps are ready."""
    register_converter(IdentifiantConverter, "id")
    register_converter(CodeAireConverter, "code_aire")


def lire_identifiant(valeur):
    """An id from a query parameter (`?conference=12`), or None when it cannot name a record."""
    valeur = (valeur or "").strip()
    return int(valeur) if re.fullmatch(MOTIF_IDENTIFIANT, valeur) else None


def lire_code_aire(valeur):
    """An area code from a query parameter (`?aire=002`), or None when no area can have it."""
    valeur = (valeur or "").strip()
    return valeur if re.fullmatch(MOTIF_CODE_AIRE, valeur) else None
