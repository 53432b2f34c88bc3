"""Uploaded evidence files: the one place that decides what may be stored, by content and not by name.

A file is accepted when its bytes are a PDF, an ODF text or spreadsheet, an OOXML document or workbook, a PNG or a
JPEG, when its extension says the same, and when it is within `TAILLE_MAX_PIECE_JOINTE`. Office documents are zip
archives: the zip's directory is read (bounded) and only its small identifying entry is inflated, never the rest.
"""

import hashlib
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.functional import LazyObject, empty
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

TAILLE_MAX_DEFAUT = 10 * 1024 * 1024
LONGUEUR_MAX_NOM = 150
# Zip archives: how much of the directory we agree to look at, and the identifying entries we read.
ENTREES_MAX = 5000
TAILLE_DECOMPRESSEE_MAX = 200 * 1024 * 1024
TAILLE_ENTREE_IDENTIFIANTE_MAX = 256 * 1024

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

# Accepted types: the extensions a name may carry for each, the first being the one the stored file gets.
EXTENSIONS = {
    PDF: (".pdf",),
    ODT: (".odt",),
    DOCX: (".docx",),
    ODS: (".ods",),
    XLSX: (".xlsx",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
}
LIBELLES = {PDF: "PDF", ODT: "ODT", DOCX: "DOCX", ODS: "ODS", XLSX: "XLSX", PNG: "PNG", JPEG: "JPEG"}
# The main part each OOXML type declares in [Content_Types].xml (macro-enabled variants declare others).
PARTIES_OOXML = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
TYPES_ACCEPTES = ", ".join(LIBELLES.values())


def taille_max():
    return getattr(settings, "TAILLE_MAX_PIECE_JOINTE", TAILLE_MAX_DEFAUT)


def message_trop_grand(taille=None):
    if taille is None:
        return _("Le fichier dépasse la taille maximale autorisée (%(max)s).") % {"max": filesizeformat(taille_max())}
    return _("Le fichier pèse %(taille)s : la taille maximale autorisée est %(max)s.") % {
        "taille": filesizeformat(taille),
        "max": filesizeformat(taille_max()),
    }


def refus_type():
    return ValidationError(
        _("Ce fichier n'est pas d'un type accepté, quel que soit son nom : seuls %(types)s le sont.")
        % {"types": TYPES_ACCEPTES},
        code="type",
    )


@dataclass(frozen=True)
class FichierVerifie:
    """What the checks established about an accepted upload; the model keeps it beside the stored file."""

    nom: str
    type_mime: str
    taille: int
    sha256: str

    @property
    def extension(self):
        return EXTENSIONS[self.type_mime][0]


def nettoyer_nom(nom):
    """A name safe to show and to send back in Content-Disposition: no path, no control character, bounded length.

    Letters outside ASCII are kept (Django's `get_valid_filename` keeps Unicode word characters).
    """
    nom = unicodedata.normalize("NFC", str(nom or ""))
    nom = nom.replace("\\", "/").rsplit("/", 1)[-1]
    nom = "".join(caractere for caractere in nom if unicodedata.category(caractere)[0] != "C")
    try:
        nom = get_valid_filename(nom.strip())
    except SuspiciousFileOperation:
        nom = ""
    racine, extension = os.path.splitext(nom)
    if len(extension) > 10:
        racine, extension = nom, ""
    racine = racine.strip("._") or "fichier"
    return racine[: LONGUEUR_MAX_NOM - len(extension)] + extension.lower()


def _type_bureautique(fichier):
    """The ODF or OOXML type of a zip archive, from its identifying entry; None when it is another zip."""
    try:
        fichier.seek(0)
        with zipfile.ZipFile(fichier) as archive:
            entrees = archive.infolist()
            if len(entrees) > ENTREES_MAX or sum(entree.file_size for entree in entrees) > TAILLE_DECOMPRESSEE_MAX:
                raise ValidationError(
                    _("Ce document bureautique est anormalement volumineux une fois décompressé : il est refusé."),
                    code="archive",
                )
            par_nom = {entree.filename: entree for entree in entrees}

            def lire(nom):
                entree = par_nom.get(nom)
                if entree is None or entree.file_size > TAILLE_ENTREE_IDENTIFIANTE_MAX:
                    return None
                with archive.open(entree) as flux:
                    return flux.read(TAILLE_ENTREE_IDENTIFIANTE_MAX + 1)

            mimetype = lire("mimetype")
            if mimetype is not None:
                declare = mimetype.strip().decode("ascii", "replace")
                return declare if declare in (ODT, ODS) else None
            types = lire("[Content_Types].xml")
            if types is not None:
                trouves = {type_mime for partie, type_mime in PARTIES_OOXML.items() if partie in types}
                return trouves.pop() if len(trouves) == 1 else None
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError):
        return None
    finally:
        fichier.seek(0)


def detecter_type(fichier):
    """The accepted MIME type of the file's content, or a ValidationError."""
    fichier.seek(0)
    tete = fichier.read(8192)
    fichier.seek(0)
    genre = filetype.guess(tete)
    if genre is not None and genre.mime in (PDF, PNG, JPEG):
        return genre.mime
    if tete.startswith(b"PK\x03\x04"):
        type_mime = _type_bureautique(fichier)
        if type_mime is not None:
            return type_mime
    raise refus_type()


def _empreinte(fichier):
    sha = hashlib.sha256()
    fichier.seek(0)
    for morceau in iter(lambda: fichier.read(64 * 1024), b""):
        sha.update(morceau)
    fichier.seek(0)
    return sha.hexdigest()


def verifier_fichier(fichier):
    """Check an uploaded file (Django `UploadedFile` or any seekable binary file with a name) before it is stored.

    Size first (from what the upload handler counted, before reading), then content, then the name's extension.
    """
    taille = getattr(fichier, "size", None)
    if taille is None:
        fichier.seek(0, os.SEEK_END)
        taille = fichier.tell()
        fichier.seek(0)
    if taille > taille_max():
        raise ValidationError(message_trop_grand(taille), code="taille")
    if taille == 0:
        raise ValidationError(_("Le fichier est vide."), code="vide")
    nom = nettoyer_nom(getattr(fichier, "name", ""))
    type_mime = detecter_type(fichier)
    extension = os.path.splitext(nom)[1]
    if extension not in EXTENSIONS[type_mime]:
        raise ValidationError(
            _(
                "Le contenu de ce fichier est un %(type)s, mais son nom se termine par « %(extension)s » : "
                "renommez-le en « %(attendue)s » ou déposez le bon fichier."
            )
            % {"type": LIBELLES[type_mime], "extension": extension or "…", "attendue": EXTENSIONS[type_mime][0]},
            code="extension",
        )
    return FichierVerifie(nom=nom, type_mime=type_mime, taille=taille, sha256=_empreinte(fichier))


def nom_de_stockage(prefixe, extension):
    """A storage path nobody can guess or collide with; the person's name for the file is kept apart."""
    aleatoire = uuid.uuid4().hex
    return f"{prefixe}/{aleatoire[:2]}/{aleatoire}{extension}"


class LimiteTailleHandler(FileUploadHandler):
    """First upload handler of an upload view: a file over the limit is skipped as it streams in, never buffered.

    `trop_grand` tells the view, which reports the refusal in French; the request's other handlers never see
    the file's data. A Content-Length above the limit (plus room for the form's other fields) is refused at once.
    """

    MARGE = 64 * 1024

    def __init__(self, request=None):
        super().__init__(request)
        self.trop_grand = False
        self.recus = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > taille_max() + self.MARGE:
            self.trop_grand = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.recus = 0
        if self.trop_grand:
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        self.recus += len(raw_data)
        if self.recus > taille_max():
            self.trop_grand = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


class StockagePrive(FileSystemStorage):
    """A folder that no URL serves: files leave it only through a view that checked the user's right."""

    def url(self, name):
        raise ValueError("Les pièces jointes n'ont pas d'adresse publique : elles se téléchargent par leur vue.")


class Stockage(LazyObject):
    """`STORAGES[alias]`, looked up when first used (so a test's or a deployment's setting applies)."""

    def __init__(self, alias):
        self.__dict__["_alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


STOCKAGE_PIECES_JOINTES = Stockage("pieces_jointes")


def stockage_pieces_jointes():
    """The storage of evidence files (a callable, so migrations record it by name)."""
    return STOCKAGE_PIECES_JOINTES


@receiver(setting_changed)
def _oublier_stockage(*, setting, **kwargs):
    if setting == "STORAGES":
        STOCKAGE_PIECES_JOINTES._wrapped = empty
