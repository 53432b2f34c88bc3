"""The one reader of tabular files (CSV, optionally gzipped, or XLSX) behind every import of the product.

Reference files come from INSEE and the housing ministry, uploads from the spreadsheets of local staff: both are
decoded by the same rule, split on the separator their first line uses, and numbered as a spreadsheet numbers its
rows, so that a report's « Ligne 12 » is the row the user sees. The work is bounded by the caller before anything
is inflated or parsed: the inflated size, the rows read, the non-empty rows kept.
"""

import csv
import gzip
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.utils.translation import gettext as _

from partenariat.commun.nombres import nombre

# Separators French spreadsheets and INSEE write; on a tie the first wins (RFC 4180's comma).
SEPARATEURS = (",", ";", "\t")
# Characters no CSV text file holds: controls other than tab and line breaks (C0, DEL, C1), and the replacement
# character, left behind by a conversion that already lost the original characters.
RE_CARACTERE_INTERDIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
# Deflate cannot exceed about 1,030 to 1: past that a zip directory lies or the member is built to explode.
RATIO_COMPRESSION_MAX = 1_000
# Cells read per row of a workbook: a sheet may declare itself 16,384 columns wide.
COLONNES_MAX = 50
# A sheet that does not declare its size is read whole by openpyxl to look for it (about 0.2 s per inflated MB):
# such sheets are held to a size that costs a worker under a second. Excel, LibreOffice and openpyxl declare it.
FEUILLE_SANS_DIMENSION_MAX = 4 * 1024 * 1024
_DEBUT_FEUILLE = 64 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b")
_DONNEES_FEUILLE = re.compile(rb"<(?:\w+:)?sheetData\b")
UTF8_BOM = b"\xef\xbb\xbf"


class ErreurTableur(Exception):
    """The file cannot be read as a table, or is larger than the caller allows (`limite`); French message.

    `message` is a clause (« structure CSV invalide »), `ligne` the 1-based row at fault when there is one.
    """

    def __init__(self, message, ligne=None, *, limite=False):
        self.message = str(message)
        self.ligne = ligne
        self.limite = limite
        super().__init__(
            _("Ligne %(ligne)s : %(message)s") % {"ligne": ligne, "message": self.message}
            if ligne
            else self.message[:1].upper() + self.message[1:]
        )


@dataclass
class Tableau:
    """The headings (first non-empty row), then the non-empty rows, each with its row number in the file."""

    nom: str
    format: str
    encodage: str
    separateur: str
    ligne_entete: int | None
    entetes: list
    lignes: list[tuple[int, list]]

    @property
    def libelle_separateur(self):
        return _("tabulation") if self.separateur == "\t" else self.separateur

    def description(self):
        if self.format == "XLSX":
            return _("%(nom)s (classeur Excel)") % {"nom": self.nom}
        return _("%(nom)s (%(encodage)s, séparateur « %(separateur)s »)") % {
            "nom": self.nom,
            "encodage": self.encodage,
            "separateur": self.libelle_separateur,
        }


def lire_tableau(
    source,
    *,
    nom=None,
    xlsx=True,
    taille_max=None,
    rangees_max=None,
    lignes_max=None,
    controles_refuses=True,
):
    """Read a path, a file object or bytes (then `nom` tells the format) into a Tableau; raise ErreurTableur.

    `.gz` is inflated, `.xlsx` read as a workbook when `xlsx`, anything else as CSV text. Bounds (None: none):
    `taille_max` bytes once inflated, `rangees_max` rows read (blank ones included, headings too), `lignes_max`
    non-empty rows after the headings. `controles_refuses` refuses the whole file at the first control character;
    a caller that checks each cell's text itself (and names the cell) turns it off.
    """
    nom = nom or _nom(source)
    donnees = _octets(source, nom, taille_max)
    nom_interne = nom.removesuffix(".gz") if nom.lower().endswith(".gz") else nom
    bornes = {"rangees_max": rangees_max, "lignes_max": lignes_max}
    if nom_interne.lower().endswith(".xlsx"):
        if not xlsx:
            raise ErreurTableur(_("les classeurs Excel ne sont pas acceptés ici : enregistrez la feuille en CSV"))
        return _lire_classeur(donnees, nom, taille_max, bornes)
    return _lire_csv(donnees, nom, bornes, controles_refuses)


def decoder(donnees):
    """Bytes → (text, encoding name, damaged): UTF-8 with or without BOM, else Windows-1252, the superset of
    Latin-1 that French spreadsheets write.

    Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file, not a Latin-1 one: read as Latin-1 it would
    silently turn every accent into « Ã© ». Its text comes back with the bad bytes as U+FFFD and `damaged` set,
    for the reader to name the row.
    """
    try:
        texte = donnees.decode("utf-8-sig")
    except UnicodeDecodeError:
        remplace = donnees.decode("utf-8-sig", errors="replace")
        nb_invalides = remplace.count("\ufffd")
        nb_valides = sum(1 for caractere in remplace if caractere > "\x7f") - nb_invalides
        if nb_valides > nb_invalides:
            return remplace, "UTF-8", True
    else:
        return texte, _("UTF-8 avec BOM") if donnees.startswith(UTF8_BOM) else "UTF-8", False
    try:
        return donnees.decode("cp1252"), "Latin-1", False
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined decode to C1 controls, which the checks of text refuse.
        return donnees.decode("latin-1"), "Latin-1", False


# --- bytes ------------------------------------------------------------------------------------------------------


def _nom(source):
    if isinstance(source, bytes | bytearray):
        return _("fichier")
    if hasattr(source, "read"):
        return Path(getattr(source, "name", "") or _("fichier")).name
    return Path(source).name


def _octets(source, nom, taille_max):
    """The file's bytes, inflated when gzipped, never more than `taille_max` + 1 of them."""
    try:
        if isinstance(source, bytes | bytearray):
            brut = bytes(source)
        elif hasattr(source, "read"):
            brut = source.read()
        else:
            brut = Path(source).read_bytes()
    except FileNotFoundError:
        raise ErreurTableur(_("fichier introuvable : %(fichier)s") % {"fichier": source}) from None
    except OSError as exc:
        raise ErreurTableur(
            _("fichier illisible : %(fichier)s (%(raison)s)") % {"fichier": source, "raison": exc.strerror or exc}
        ) from None
    if isinstance(brut, str):
        brut = brut.encode("utf-8")
    if nom.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(brut)) as flux:
                brut = flux.read(-1 if taille_max is None else taille_max + 1)
        except (OSError, EOFError, zlib.error):
            raise ErreurTableur(_("fichier compressé (.gz) illisible ou tronqué : %(nom)s") % {"nom": nom}) from None
    if taille_max is not None and len(brut) > taille_max:
        raise _trop_gros(_("le fichier dépasse %(taille)s Mo : découpez-le en plusieurs imports"), taille_max)
    return brut


def _trop_gros(message, taille_max):
    return ErreurTableur(message % {"taille": nombre(taille_max / 2**20, decimales=None)}, limite=True)


def _trop_de_lignes(rangees_max, lignes_max):
    return ErreurTableur(
        _("le fichier compte plus de %(nombre)s lignes : découpez-le en plusieurs imports")
        % {"nombre": nombre(lignes_max or rangees_max)},
        limite=True,
    )


# --- rows -------------------------------------------------------------------------------------------------------


def _vide(cellules):
    # Counting in C first: a sheet may hold a hundred thousand blank rows, each COLONNES_MAX wide.
    if cellules.count(None) + cellules.count("") == len(cellules):
        return True
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cellules)


def _assembler(rangees, *, rangees_max, lignes_max):
    """Headings and non-empty rows of an iterator of (number, cells), stopping as soon as a bound is passed.

    The iterator is consumed lazily: a file of a million rows costs no more than the rows the bounds allow.
    """
    entetes, ligne_entete, lignes = [], None, []
    for numero, cellules in rangees:
        if rangees_max is not None and numero > rangees_max:
            raise _trop_de_lignes(rangees_max, lignes_max)
        if _vide(cellules):
            continue
        cellules = list(cellules)
        while cellules and cellules[-1] is None:  # cells a workbook row does not have
            cellules.pop()
        if ligne_entete is None:
            entetes, ligne_entete = cellules, numero
            continue
        if lignes_max is not None and len(lignes) == lignes_max:
            raise _trop_de_lignes(rangees_max, lignes_max)
        lignes.append((numero, cellules))
    return entetes, ligne_entete, lignes


def _lire_csv(donnees, nom, bornes, controles_refuses):
    texte, encodage, abime = decoder(donnees)
    separateur = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    entetes, ligne_entete, lignes = _assembler(_rangees_csv(lecteur, abime, controles_refuses), **bornes)
    return Tableau(nom, "CSV", encodage, separateur, ligne_entete, entetes, lignes)


def _separateur(texte):
    """The separator the first non-blank line uses most."""
    debut = re.search(r"\S", texte)
    if debut is None:
        return SEPARATEURS[0]
    fin = re.compile(r"[\r\n]").search(texte, debut.start())
    ligne = texte[debut.start() : fin.start() if fin else len(texte)]
    return max(SEPARATEURS, key=ligne.count)


def _rangees_csv(lecteur, abime, controles_refuses):
    """(row number, fields) of each CSV record: a quoted line break stays in its row, as in a spreadsheet."""
    numero = 0
    while True:
        numero += 1
        try:
            champs = next(lecteur)
        except StopIteration:
            return
        except csv.Error as erreur:
            raise ErreurTableur(_raison_csv(erreur), numero) from None
        if abime or controles_refuses:
            _verifier_texte("\t".join(champs), numero, abime, controles_refuses)
        yield numero, champs


def _verifier_texte(texte, numero, abime, controles_refuses):
    if abime and "\ufffd" in texte:
        raise ErreurTableur(
            _("octets invalides en UTF-8 dans un fichier par ailleurs en UTF-8 (fichier abîmé ou encodages mélangés)"),
            numero,
        )
    if not controles_refuses:
        return
    if "\x00" in texte:
        raise ErreurTableur(
            _(
                "octet nul : ce n'est pas un fichier CSV texte (fichier binaire, ou encodé en UTF-16 : "
                "enregistrez-le en UTF-8 ou Latin-1)"
            ),
            numero,
        )
    interdit = RE_CARACTERE_INTERDIT.search(texte)
    if interdit is None:
        return
    caractere = f"U+{ord(interdit.group()):04X}"
    if interdit.group() == "\ufffd":
        raise ErreurTableur(
            _(
                "caractère de remplacement %(caractere)s : des caractères ont été perdus lors d'une conversion "
                "d'encodage ; repartez du fichier d'origine"
            )
            % {"caractere": caractere},
            numero,
        )
    raise ErreurTableur(
        _(
            "caractère de contrôle %(caractere)s : ce n'est pas un fichier CSV texte (fichier binaire ou encodage "
            "autre que UTF-8 et Latin-1)"
        )
        % {"caractere": caractere},
        numero,
    )


def _raison_csv(erreur):
    """Why the CSV parser refused a record, in French: its own messages are English and technical."""
    if "field limit" in str(erreur):
        return _("une cellule dépasse la longueur permise")
    return _("structure CSV invalide (guillemets mal fermés ou mal placés ?)")


# --- workbooks --------------------------------------------------------------------------------------------------


def _verifier_archive(donnees, taille_max):
    """Refuse a workbook whose members would inflate past `taille_max`, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(donnees)) as archive:
            membres = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as erreur:
        raise ErreurTableur(_("ce n'est pas un classeur Excel .xlsx valide")) from erreur
    for membre in membres:
        if membre.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ErreurTableur(_("classeur Excel compressé d'une façon que le tableur n'emploie pas"))
        if membre.file_size > RATIO_COMPRESSION_MAX * max(membre.compress_size, 1):
            raise ErreurTableur(_("classeur Excel anormalement compressé"))
    if taille_max is not None and sum(membre.file_size for membre in membres) > taille_max:
        raise _trop_gros(
            _("le classeur décompressé dépasse %(taille)s Mo : découpez-le en plusieurs imports"), taille_max
        )
    with zipfile.ZipFile(io.BytesIO(donnees)) as archive:
        for membre in membres:
            if membre.filename.startswith("xl/worksheets/") and membre.file_size > FEUILLE_SANS_DIMENSION_MAX:
                with archive.open(membre) as flux:
                    debut = flux.read(_DEBUT_FEUILLE)
                dimension, donnees_feuille = _DIMENSION.search(debut), _DONNEES_FEUILLE.search(debut)
                if not dimension or (donnees_feuille and donnees_feuille.start() < dimension.start()):
                    raise _trop_gros(
                        _(
                            "la feuille ne déclare pas sa taille et dépasse %(taille)s Mo une fois décompressée : "
                            "enregistrez-la de nouveau avec votre tableur, ou découpez-la"
                        ),
                        FEUILLE_SANS_DIMENSION_MAX,
                    )


def _lire_classeur(donnees, nom, taille_max, bornes):
    """The active sheet, read-only: openpyxl otherwise builds the whole sheet in memory."""
    _verifier_archive(donnees, taille_max)
    endommage = _("classeur Excel endommagé ou d'un autre format")
    try:
        classeur = openpyxl.load_workbook(io.BytesIO(donnees), read_only=True, data_only=True)
    except Exception as erreur:  # openpyxl raises many kinds of errors on a damaged workbook
        raise ErreurTableur(endommage) from erreur
    try:
        feuille = classeur.active
        # The widths come from the sheet's own declaration, which may lie: bound them so that a row stays small.
        feuille.reset_dimensions()
        rangees = enumerate(feuille.iter_rows(max_col=COLONNES_MAX, values_only=True), start=1)
        entetes, ligne_entete, lignes = _assembler(rangees, **bornes)
    except ErreurTableur:
        raise
    except Exception as erreur:  # a damaged sheet fails only once its rows are read
        raise ErreurTableur(endommage) from erreur
    finally:
        classeur.close()
    return Tableau(nom, "XLSX", "", "", ligne_entete, entetes, lignes)
