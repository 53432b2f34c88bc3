"""What text the product accepts, and how text it holds is written out safely (one place for every form and import).

Users paste from Word and spreadsheets: a manual line break arrives as a vertical tab, U+0085 or U+2028, and a
stray NUL or control character breaks PostgreSQL, XLSX exports and iCal feeds. Multi-line text turns the line
breaks of other tools into "\\n"; single-line text accepts none; other control characters are refused everywhere.
"""

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Line breaks other tools produce: VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR (plus CR LF and CR).
SAUTS_DE_LIGNE = "\x0b\x0c\x85\u2028\u2029"
_SAUTS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")

NOMS_CARACTERES = {
    "\x00": gettext_lazy("caractère nul"),
    "\t": gettext_lazy("tabulation"),
    "\n": gettext_lazy("saut de ligne"),
    "\r": gettext_lazy("retour chariot"),
    "\x0b": gettext_lazy("tabulation verticale"),
    "\x0c": gettext_lazy("saut de page"),
    "\x85": gettext_lazy("passage à la ligne suivante"),
    "\u2028": gettext_lazy("séparateur de ligne"),
    "\u2029": gettext_lazy("séparateur de paragraphe"),
    "\x7f": gettext_lazy("caractère de suppression"),
}


class TexteRefuse(ValueError):
    """Text holding a character the product cannot store or write out; the message is French and names it."""


def _est_controle(caractere):
    return unicodedata.category(caractere) == "Cc" or caractere in "\u2028\u2029"


def normaliser(texte):
    """Lower case without accents, so that « Etude » finds « Étude » and « ZONE B1 » reads « zone b1 »."""
    decompose = unicodedata.normalize("NFKD", str(texte))
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def nom_caractere(caractere):
    nom = NOMS_CARACTERES.get(caractere, _("caractère de contrôle"))
    return f"{nom} (U+{ord(caractere):04X})"


def normaliser_texte(valeur, *, multiligne=False):
    """Text as stored: line breaks of other tools unified in multi-line text; tab as a space on one line.

    Raises `TexteRefuse` for any other control character (NUL included), or a line break in single-line text.
    """
    if valeur is None:
        return valeur
    texte = str(valeur)
    if multiligne:
        texte = _SAUTS.sub("\n", texte)
        permis = "\n\t"
    else:
        texte = texte.replace("\t", " ")
        permis = ""
    interdits = sorted({c for c in texte if _est_controle(c) and c not in permis})
    if interdits:
        noms = ", ".join(nom_caractere(c) for c in interdits)
        if not multiligne and any(c in "\n\r" + SAUTS_DE_LIGNE for c in interdits):
            raise TexteRefuse(
                _("Ce champ tient sur une ligne : retirez le saut de ligne ou le caractère invisible (%(noms)s).")
                % {"noms": noms}
            )
        raise TexteRefuse(
            _("Ce texte contient un caractère invisible non autorisé (%(noms)s) : retirez-le.") % {"noms": noms}
        )
    return texte


# Characters XML 1.0 cannot hold (so neither XLSX nor ODS), and C1 controls no reader expects: C0 controls except
# tab, LF and CR (openpyxl's ILLEGAL_CHARACTERS_RE), DEL and C1, lone surrogates, the non-characters U+FFFE/U+FFFF.
_AUTRES_SAUTS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_CONTROLES = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def remplacer_controles(texte, remplacement=" "):
    """Text already stored, made writable: other tools' line breaks as "\\n", other controls as `remplacement`.

    Tab, LF and CR are kept. Rows written before text was checked on input may hold anything: output must not fail.
    """
    return _CONTROLES.sub(remplacement, _AUTRES_SAUTS.sub("\n", texte))


def texte_pour_tableur(valeur):
    """A value as written in a CSV, XLSX or ODS cell: text is inert (apostrophe before a formula) and writable.

    Numbers, dates and None are returned as they are, so spreadsheets keep them as numbers and dates.
    """
    if not isinstance(valeur, str):
        return valeur
    texte = remplacer_controles(valeur)
    if texte.startswith(DEBUTS_DE_FORMULE):
        texte = "'" + texte
    return texte
