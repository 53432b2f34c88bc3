"""WeasyPrint rendering shared by the three reports: an HTML template in, a tagged A4 PDF out, no network.

The renderer only ever reads the project's static files from disk: a report rendered inside a web worker must
never call back into the site over HTTP (it can deadlock) nor reach any other host, whatever a template or a
user's text contains. WeasyPrint itself is imported on first use: importing it costs half a second.
"""

import contextlib
import gc
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Templates link static files with {% static %} ("/static/css/pdf.css"); against this base they become file URLs
# that the fetcher maps back to the static files, so no template needs to know where the project lives on disk.
BASE_URL = "file:///"
VARIANTE_PDF = "pdf/ua-1"


class AdresseRefusee(ValueError):
    """A resource the report may not load: anything but the project's static files and data: URLs."""


def _prefixes_statiques():
    prefixes = [urljoin(BASE_URL, urljoin("/", settings.STATIC_URL))]
    if urlsplit(settings.STATIC_URL).scheme:
        # A CDN in production: its files are the collected ones, read from STATIC_ROOT instead of the network.
        prefixes.append(settings.STATIC_URL)
    return prefixes


def _dossiers_statiques():
    """Every directory static files come from: the finders' locations, then STATIC_ROOT once collected."""
    dossiers = []
    for finder in finders.get_finders():
        for stockage in getattr(finder, "storages", {}).values():
            if getattr(stockage, "location", None):
                dossiers.append(Path(stockage.location))
    if settings.STATIC_ROOT:
        dossiers.append(Path(settings.STATIC_ROOT))
    return [dossier.resolve() for dossier in dossiers]


def trouver_fichier_statique(chemin_relatif):
    """The file on disk behind a static path (`css/pdf.css`), or None; never a file outside the static folders."""
    chemin_relatif = chemin_relatif.lstrip("/")
    if not chemin_relatif:
        return None
    try:
        trouve = finders.find(chemin_relatif)
    except SuspiciousFileOperation:
        return None
    if trouve:
        return Path(trouve).resolve()
    if settings.STATIC_ROOT:
        racine = Path(settings.STATIC_ROOT).resolve()
        candidat = (racine / chemin_relatif).resolve()
        if candidat.is_relative_to(racine) and candidat.is_file():
            return candidat
    return None


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherStatique(URLFetcher):
        """Serves the project's static files from disk and data: URLs; refuses every other address."""

        def __init__(self):
            # The parent's handlers serve data: URLs only; http, https, ftp and file never reach them.
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            fichier = self.fichier_autorise(url)
            if fichier is not None:
                type_mime = mimetypes.guess_type(fichier.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, fichier.read_bytes(), {"Content-Type": type_mime})
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            logger.warning("Rapport PDF : ressource refusée (seuls les fichiers statiques sont autorisés) : %s", url)
            raise AdresseRefusee(_("Ressource refusée dans un rapport PDF : %(url)s") % {"url": url})

        @staticmethod
        def fichier_autorise(url):
            """The static file an URL designates, or None if it designates anything else."""
            for prefixe in _prefixes_statiques():
                if url.startswith(prefixe):
                    return trouver_fichier_statique(unquote(urlsplit(url[len(prefixe) :]).path))
            morceaux = urlsplit(url)
            if morceaux.scheme.lower() != "file" or morceaux.netloc not in ("", "localhost"):
                return None
            chemin = Path(unquote(morceaux.path)).resolve()
            if chemin.is_file() and any(chemin.is_relative_to(dossier) for dossier in _dossiers_statiques()):
                return chemin
            return None

    return FetcherStatique


def fetcher_statique():
    """A fresh URL fetcher for one rendering (WeasyPrint keeps per-request state on it)."""
    return _url_fetcher_class()()


def rendre_html(template, contexte):
    """The report's HTML in the active language (the request's, or the command's `--langue`): the template's
    `<html lang>` follows it, and becomes the PDF's /Lang."""
    return render_to_string(template, contexte)


# A header cell's HTML `scope` as PDF table attributes write it (ISO 32000-1, 14.8.5.7).
PORTEES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def _cellules_d_entete(boite, groupe=None):
    """(header cell box, tag of its row group) for every <th> laid out in a box, in reading order."""
    if boite.element_tag in ("thead", "tbody", "tfoot"):
        groupe = boite.element_tag
    if boite.element_tag == "th" and boite.element is not None:
        yield boite, groupe
        return
    for enfant in getattr(boite, "children", ()):
        yield from _cellules_d_entete(enfant, groupe)


def _ajouter_portees(document):
    """Give every /TH structure element the /Scope of its <th>: WeasyPrint 70 tags header cells and links data
    cells to them (/Headers) but drops `scope`, so a screen reader could not tell a column header from a row one.

    The tagging leaves each cell's structure element on its box (`mark`); a header repeated on a following page
    is a box of its own, from the same <th>. A <th> without `scope` reads as the HTML table model does: a column
    header in <thead>, a row header elsewhere.
    """
    import pydyf

    for page in document.pages:
        for boite, groupe in _cellules_d_entete(page._page_box):
            element = getattr(boite, "mark", None)
            if element is None:
                continue
            portee = boite.element.get("scope", "").strip().lower()
            valeur = PORTEES.get(portee) or ("/Column" if groupe == "thead" else "/Row")
            attributs = element.get("A")
            if attributs is None:
                attributs = element["A"] = pydyf.Dictionary({"O": "/Table"})
            attributs["Scope"] = valeur


def _finir(document, pdf):
    """After tagging: header scopes, and PDF/UA's request that viewers show the title rather than the file name."""
    import pydyf

    _ajouter_portees(document)
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


@contextlib.contextmanager
def _collecte_espacee():
    """WeasyPrint allocates millions of short-lived objects that are almost never cyclic garbage: with the default
    threshold the cycle collector walks the heap over and over (about a tenth of the national report's time)."""
    seuils = gc.get_threshold()
    gc.set_threshold(max(seuils[0], 100_000), *seuils[1:])
    try:
        yield
    finally:
        gc.set_threshold(*seuils)


def rendre_pdf(html):
    """Tagged PDF (PDF/UA-1) of a report's HTML; resources come from the static files only."""
    from weasyprint import HTML

    with _collecte_espacee():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher_statique())
        return document.write_pdf(pdf_variant=VARIANTE_PDF, finisher=_finir)


def nom_de_fichier(*morceaux):
    """`rapport-aire-002-lyon.pdf`: ASCII, lower case, safe in a Content-Disposition header and a shell."""
    return "-".join(filter(None, (slugify(str(morceau)) for morceau in morceaux))) + ".pdf"
