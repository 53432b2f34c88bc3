"""Tiny real files of every accepted type, and hostile ones, built in memory for the upload tests."""

import io
import struct
import zipfile
import zlib

import openpyxl


def pdf():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png():
    def morceau(genre, donnees):
        return struct.pack(">I", len(donnees)) + genre + donnees + struct.pack(">I", zlib.crc32(genre + donnees))

    return (
        b"\x89PNG\r\n\x1a\n"
        + morceau(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + morceau(b"IDAT", zlib.compress(b"\x00\x00"))
        + morceau(b"IEND", b"")
    )


def jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(entrees):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, contenu in entrees:
            methode = zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(nom, contenu, compress_type=methode)
    return tampon.getvalue()


def odf(mimetype):
    return _zip(
        [
            ("mimetype", mimetype),
            ("content.xml", "<office:document-content/>"),
            ("META-INF/manifest.xml", "<manifest:manifest/>"),
        ]
    )


def odt():
    return odf("application/vnd.oasis.opendocument.text")


def ods():
    return odf("application/vnd.oasis.opendocument.spreadsheet")


def xlsx():
    classeur = openpyxl.Workbook()
    classeur.active["A1"] = "Réalisations"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def docx():
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>'
    )
    return _zip([("[Content_Types].xml", types), ("word/document.xml", "<w:document/>"), ("_rels/.rels", "<x/>")])


def elf():
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def exe():
    return (
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 52 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 64
    )


def html():
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_quelconque():
    return _zip([("notes.txt", "bonjour")])
