"""Workbooks written by hand for the import tests and benchmarks: the sheet XML is streamed into the zip, so that a
sheet of two million rows takes seconds where openpyxl would take minutes."""

import io
import zipfile
from xml.sax.saxutils import escape

TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELATIONS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
CLASSEUR = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Réalisations" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
RELATIONS_CLASSEUR = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
</Relationships>"""
DEBUT_FEUILLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    # Spreadsheets declare the size first; without it openpyxl reads the whole sheet once more to find it.
    '<dimension ref="A1:{}"/><sheetData>'
)
FIN_FEUILLE = "</sheetData></worksheet>"
COLONNES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


CHAINES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>"""


class _Chaines:
    """Shared strings, as spreadsheets write text: each cell holds an index into one table."""

    def __init__(self):
        self.index = {}

    def __call__(self, texte):
        return self.index.setdefault(texte, len(self.index))

    def xml(self):
        return CHAINES.format("".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in self.index))


def _rangee(valeurs, numero, chaines):
    cellules = []
    for colonne, valeur in enumerate(valeurs):
        reference = f' r="{COLONNES[colonne]}{numero}"' if numero else ""
        if valeur is None:
            continue
        if isinstance(valeur, int | float):
            cellules.append(f"<c{reference}><v>{valeur}</v></c>")
        else:
            cellules.append(f'<c{reference} t="s"><v>{chaines(str(valeur))}</v></c>')
    return (f'<row r="{numero}">' if numero else "<row>") + "".join(cellules) + "</row>"


def classeur(entetes, lignes, *, repeter=1, numeroter=True, dimension=True):
    """Bytes of an .xlsx whose one sheet holds `entetes`, then `lignes` `repeter` times; a None line is left blank.

    `numeroter` writes row and cell references as spreadsheets do (a blank line is then a gap in the numbers);
    without them the repeated rows are identical bytes, which is how a few megabytes hold millions of rows.
    Without `dimension` the sheet does not declare its size, as some generators write it.
    """
    chaines = _Chaines()
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("_rels/.rels", RELATIONS)
        archive.writestr("xl/workbook.xml", CLASSEUR)
        archive.writestr("xl/_rels/workbook.xml.rels", RELATIONS_CLASSEUR)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as feuille:
            coin = f"{COLONNES[len(entetes) - 1]}{1 + repeter * len(lignes)}"
            debut = DEBUT_FEUILLE.format(coin) if dimension else DEBUT_FEUILLE.replace('<dimension ref="A1:{}"/>', "")
            feuille.write((debut + _rangee(entetes, 1 if numeroter else 0, chaines)).encode())
            if numeroter:
                rangees = (
                    _rangee(ligne, 2 + rang * len(lignes) + position, chaines)
                    for rang in range(repeter)
                    for position, ligne in enumerate(lignes)
                    if ligne is not None
                )
                for rangee in rangees:
                    feuille.write(rangee.encode())
            else:
                motif = "".join("<row/>" if ligne is None else _rangee(ligne, 0, chaines) for ligne in lignes).encode()
                paquets, reste = divmod(repeter, 1_000)
                for _ in range(paquets):
                    feuille.write(motif * 1_000)
                feuille.write(motif * reste)
            feuille.write(FIN_FEUILLE.encode())
        archive.writestr("xl/sharedStrings.xml", chaines.xml())
    return sortie.getvalue()
