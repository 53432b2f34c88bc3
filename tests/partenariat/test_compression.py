"""Pages travel gzip-compressed, each with random padding against BREACH; downloads arrive intact."""

import gzip
import re

import pytest

from tests.rapports import telecharger_rapport

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def contenu_decode(reponse):
    """The body as the browser reads it, whatever the encoding the server chose."""
    if reponse.get("Content-Encoding") == "gzip":
        return gzip.decompress(reponse.content)
    return reponse.content


def longueur_du_nom_gzip(corps):
    """Length of the gzip header's file name field, where Django puts its random padding (FNAME, RFC 1952)."""
    assert corps[:2] == b"\x1f\x8b", "pas un flux gzip"
    assert corps[3] & 0x08, "l'en-tête gzip n'a pas de champ de nom (pas de remplissage aléatoire)"
    return corps.index(b"\x00", 10) - 10


def sans_jetons_csrf(html):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_une_page_est_compressee_et_se_decompresse_a_l_identique(client):
    brute = client.get("/accessibilite/")
    compressee = client.get("/accessibilite/", **GZIP)
    assert compressee.status_code == 200
    assert compressee["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressee["Vary"]
    assert int(compressee["Content-Length"]) == len(compressee.content) < len(brute.content)
    # The header's language switch carries each response's own masked CSRF token: everything else is identical.
    assert sans_jetons_csrf(gzip.decompress(compressee.content)) == sans_jetons_csrf(brute.content)
    # Without the request header, nothing changes but Vary, so that caches keep both versions apart.
    assert not brute.has_header("Content-Encoding")
    assert "Accept-Encoding" in brute["Vary"]


def test_une_page_connectee_est_compressee(client, monde):
    client.force_login(monde.utilisateurs["secretariat"])
    brute = client.get("/")
    compressee = client.get("/", **GZIP)
    assert compressee["Content-Encoding"] == "gzip"
    assert sans_jetons_csrf(gzip.decompress(compressee.content)) == sans_jetons_csrf(brute.content)


def test_remplissage_aleatoire_contre_breach(client):
    """Heal the Breach: the same page twice gives different compressed lengths (up to 100 random bytes)."""
    reponses = [client.get("/accessibilite/", **GZIP).content for _ in range(12)]
    assert len({sans_jetons_csrf(gzip.decompress(corps)) for corps in reponses}) == 1
    assert len({longueur_du_nom_gzip(corps) for corps in reponses}) > 1
    assert len({len(corps) for corps in reponses}) > 1


def test_les_telechargements_arrivent_intacts(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    for url, debut, type_contenu in (
        (f"/rapports/conferences/{monde.lyon.pk}.pdf", b"%PDF-", "application/pdf"),
        ("/aires/?_export=csv", b"Code", "text/csv"),
        ("/objectifs/?_export=xlsx", b"PK\x03\x04", "application/vnd.openxmlformats"),
        (f"/conferences/{monde.lyon.pk}/reunions.ics", b"BEGIN:VCALENDAR", "text/calendar"),
    ):
        reponse = telecharger_rapport(client, url, **GZIP)
        assert reponse.status_code == 200, url
        assert reponse["Content-Type"].startswith(type_contenu), url
        corps = contenu_decode(reponse)
        assert corps.lstrip(b"\xef\xbb\xbf").startswith(debut), url
        assert int(reponse["Content-Length"]) == len(reponse.content), url
        if url.endswith(".pdf"):
            assert reponse["Content-Disposition"].startswith("attachment;")
            assert reponse["Cache-Control"] == "private, no-store"
            assert corps.rstrip().endswith(b"%%EOF")
