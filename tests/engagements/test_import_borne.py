"""The achievements import bounds its work before parsing, and every cell's text is normalised or refused.

A workbook is refused from its zip directory when it would inflate too far, a file stops being read past its
row limit, and no control character reaches a query, the session or the database (PostgreSQL refuses NUL).
"""

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements import lecture
from engagements.forms import TAILLE_MAX_IMPORT
from engagements.imports import analyser_fichier
from engagements.lecture import LIGNES_MAX
from engagements.models import Realisation
from engagements.views import CLE_IMPORTS
from partenariat.commun import tableur
from tests.classeurs import classeur

pytestmark = pytest.mark.django_db

ENTETES = ["Code aire", "Dispositif", "Année", "Unité", "Date réalisation", "Quantité réalisée", "Commentaire"]
LIGNE = ["002", "logement_social", 2013, "logements", "2013-06-15", 5, "Livraison rue Garibaldi"]
ENTETE_CSV = ",".join(ENTETES)
LIGNE_CSV = "002,logement_social,2013,logements,15/06/2013,5,Livraison"
TROP_DE_LIGNES = "Le fichier compte plus de 10\u202f000 lignes : découpez-le en plusieurs imports."
TROP_GROS = "Le classeur décompressé dépasse 20 Mo : découpez-le en plusieurs imports."
REFUSE = "est refusé : rien n'a été enregistré."
NUL = "Ce texte contient un caractère invisible non autorisé (caractère nul (U+0000)) : retirez-le."


@pytest.fixture(scope="module")
def bombe():
    """1.2 MB of workbook, 2,000,000 identical rows: 302 MB of sheet XML once inflated."""
    return classeur(ENTETES, [LIGNE], repeter=2_000_000, numeroter=False)


def televerser(client, contenu, nom):
    return client.post(reverse("engagements:realisation_import"), {"fichier": SimpleUploadedFile(nom, contenu)})


def rapport(reponse):
    page = reponse.content.decode()
    section = re.search(r'<section class="rapport-import".*?</section>', page, re.S)
    return [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)] if section else []


def refuse(client, reponse):
    """The form again, saying nothing was written; no row and no pending import."""
    assert reponse.status_code == 200
    assert REFUSE in html.unescape(reponse.content.decode())
    assert Realisation.objects.count() == 1  # the world's own achievement
    assert not client.session.get(CLE_IMPORTS)
    return rapport(reponse)


def csv_de(*lignes):
    return ("\n".join([ENTETE_CSV, *lignes]) + "\n").encode()


# --- Work bounded before parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretariat", "uesl"])
def test_une_bombe_xlsx_est_refusee_sans_etre_decompressee(client, monde, bombe, monkeypatch, role):
    assert len(bombe) < TAILLE_MAX_IMPORT  # the upload form lets it through: only its inflated size tells

    class OpenpyxlInterdit:
        def __getattr__(self, nom):
            raise AssertionError("the workbook was opened")

    # The reader's own name for openpyxl is replaced, not openpyxl itself.
    monkeypatch.setattr(tableur, "openpyxl", OpenpyxlInterdit())
    client.force_login(monde.utilisateurs[role])
    assert refuse(client, televerser(client, bombe, "realisations.xlsx")) == [TROP_GROS]


def test_une_feuille_sans_taille_declaree_au_dela_de_4_mo_est_refusee_sans_etre_lue(client, monde, monkeypatch):
    """openpyxl would read such a sheet whole just to find its size: it is refused from its first bytes."""
    contenu = classeur(ENTETES, [[2, "logement_social", 2013, None, "2013-06-15", 5]], repeter=40_000, dimension=False)

    class OpenpyxlInterdit:
        def __getattr__(self, nom):
            raise AssertionError("the workbook was opened")

    monkeypatch.setattr(tableur, "openpyxl", OpenpyxlInterdit())
    client.force_login(monde.utilisateurs["uesl"])
    avant = Realisation.objects.count()
    assert refuse(client, televerser(client, contenu, "realisations.xlsx")) == [
        "La feuille ne déclare pas sa taille et dépasse 4 Mo une fois décompressée : enregistrez-la de nouveau "
        "avec votre tableur, ou découpez-la."
    ]
    assert Realisation.objects.count() == avant


def test_une_petite_feuille_sans_taille_declaree_est_lue(monde):
    contenu = classeur(ENTETES, [LIGNE], dimension=False)
    analyse = analyser_fichier("realisations.xlsx", contenu, monde.utilisateurs["uesl"])
    assert analyse.erreurs == [] and len(analyse.lignes) == 1


def test_un_membre_compresse_a_l_extreme_ou_autrement_que_par_deflate_est_refuse(monde):
    sortie = io.BytesIO(classeur(ENTETES, [LIGNE]))
    with zipfile.ZipFile(sortie, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/vide.bin", b"\0" * 5_000_000)
    analyse = analyser_fichier("r.xlsx", sortie.getvalue(), monde.utilisateurs["uesl"])
    assert analyse.erreurs == [
        "Le fichier n'a pas pu être lu (classeur Excel anormalement compressé) : "
        "vérifiez qu'il s'agit d'un CSV ou d'un XLSX."
    ]

    sortie = io.BytesIO(classeur(ENTETES, [LIGNE]))
    with zipfile.ZipFile(sortie, "a", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("xl/media/note.txt", b"bonjour")
    analyse = analyser_fichier("r.xlsx", sortie.getvalue(), monde.utilisateurs["uesl"])
    assert "compressé d'une façon que le tableur n'emploie pas" in analyse.erreurs[0]


def test_un_csv_de_200_000_lignes_est_refuse_par_la_limite_de_lignes(client, monde):
    client.force_login(monde.utilisateurs["secretariat"])
    contenu = csv_de(*["2,x,2013,,1,1"] * 200_000)  # short lines, that the upload form lets through
    assert len(contenu) < TAILLE_MAX_IMPORT
    assert refuse(client, televerser(client, contenu, "realisations.csv")) == [TROP_DE_LIGNES]


def test_un_classeur_de_200_000_lignes_est_refuse_par_la_limite_de_lignes(client, monde):
    # Compact rows (no cell references, the area as a number), so that the sheet stays under the inflated limit.
    compacte = [2, "logement_social", 2013, None, "2013-06-15", 5]
    contenu = classeur(ENTETES, [compacte], repeter=200_000, numeroter=False)
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        assert sum(membre.file_size for membre in archive.infolist()) < lecture.TAILLE_DECOMPRESSEE_MAX
    client.force_login(monde.utilisateurs["uesl"])
    assert refuse(client, televerser(client, contenu, "realisations.xlsx")) == [TROP_DE_LIGNES]


def test_la_limite_compte_les_lignes_remplies_et_non_les_lignes_vides(monde):
    uesl = monde.utilisateurs["uesl"]
    lignes = [LIGNE_CSV, ""] * LIGNES_MAX  # 10,000 lines to import, as many blank ones
    analyse = analyser_fichier("r.csv", csv_de(*lignes), uesl)
    assert analyse.erreurs == [] and len(analyse.lignes) == LIGNES_MAX
    assert analyse.lignes[-1].numero == 2 * LIGNES_MAX  # the last filled line, after 9,999 blank ones
    assert analyser_fichier("r.csv", csv_de(*lignes, LIGNE_CSV), uesl).erreurs == [TROP_DE_LIGNES]

    contenu = classeur(ENTETES, [LIGNE, None], repeter=LIGNES_MAX)
    assert len(analyser_fichier("r.xlsx", contenu, uesl).lignes) == LIGNES_MAX
    contenu = classeur(ENTETES, [LIGNE], repeter=LIGNES_MAX + 1)
    assert analyser_fichier("r.xlsx", contenu, uesl).erreurs == [TROP_DE_LIGNES]


def test_une_feuille_de_lignes_vides_sans_fin_est_refusee(monde):
    """Blank rows cost nothing to write: past ten times the limit, the file is refused without reading on."""
    sans_fin = classeur(ENTETES, [None], repeter=lecture.RANGEES_MAX, numeroter=False)
    assert analyser_fichier("r.xlsx", sans_fin, monde.utilisateurs["uesl"]).erreurs == [TROP_DE_LIGNES]
    assert analyser_fichier("r.csv", csv_de(*[""] * lecture.RANGEES_MAX), monde.utilisateurs["uesl"]).erreurs == [
        TROP_DE_LIGNES
    ]


@pytest.mark.parametrize(
    ("contenu", "raison"),
    [
        (b"ceci n'est pas un classeur", "ce n'est pas un classeur Excel .xlsx valide"),
        (classeur(ENTETES, [LIGNE])[:-200], "ce n'est pas un classeur Excel .xlsx valide"),
        (b"PK\x03\x04" + b"\x00" * 100, "ce n'est pas un classeur Excel .xlsx valide"),
        (csv_de(LIGNE_CSV), "ce n'est pas un classeur Excel .xlsx valide"),
    ],
    ids=["texte", "tronque", "entete-zip-seule", "csv-nomme-xlsx"],
)
def test_un_xlsx_qui_n_est_pas_un_zip_est_refuse_en_francais(client, monde, contenu, raison):
    client.force_login(monde.utilisateurs["uesl"])
    assert refuse(client, televerser(client, contenu, "realisations.xlsx")) == [
        f"Le fichier n'a pas pu être lu ({raison}) : vérifiez qu'il s'agit d'un CSV ou d'un XLSX."
    ]


def _zip(membres):
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)
    return sortie.getvalue()


def _feuille_alteree():
    """A workbook whose sheet's compressed bytes are damaged: the zip directory is sound, the CRC is not."""
    contenu = bytearray(classeur(ENTETES, [LIGNE], repeter=50))
    with zipfile.ZipFile(io.BytesIO(bytes(contenu))) as archive:
        membre = archive.getinfo("xl/worksheets/sheet1.xml")
    debut = membre.header_offset + 30 + len(membre.filename.encode()) + len(membre.extra)
    for position in range(debut + 20, debut + 40):
        contenu[position] ^= 0xFF
    return bytes(contenu)


@pytest.mark.parametrize(
    "contenu",
    [_zip({"document.txt": "bonjour"}), _zip({"[Content_Types].xml": "<Types"}), _feuille_alteree()],
    ids=["zip-sans-classeur", "xml-casse", "feuille-alteree"],
)
def test_un_zip_qui_n_est_pas_un_classeur_est_refuse_en_francais(client, monde, contenu):
    client.force_login(monde.utilisateurs["uesl"])
    assert refuse(client, televerser(client, contenu, "realisations.xlsx")) == [
        "Le fichier n'a pas pu être lu (classeur Excel endommagé ou d'un autre format) : "
        "vérifiez qu'il s'agit d'un CSV ou d'un XLSX."
    ]


# --- Line numbers ------------------------------------------------------------------------------------------------


def test_les_numeros_de_ligne_comptent_les_lignes_vides(monde):
    faux = LIGNE_CSV.replace("15/06/2013", "hier")
    sur_deux_lignes = LIGNE_CSV.replace("Livraison", '"deux\nlignes"')
    contenu = csv_de("", LIGNE_CSV, ",,,,,,", "", faux, sur_deux_lignes, faux)
    analyse = analyser_fichier("r.csv", contenu, monde.utilisateurs["uesl"])
    # Blank lines and lines of empty cells count; a quoted line break stays within its line, as in a spreadsheet.
    assert [erreur.split(" : ")[0] for erreur in analyse.erreurs] == ["Ligne 6", "Ligne 8"]

    fausse = [*LIGNE[:4], "hier", *LIGNE[5:]]
    contenu = classeur(ENTETES, [None, LIGNE, None, None, fausse, [None] * 7, fausse])
    analyse = analyser_fichier("r.xlsx", contenu, monde.utilisateurs["uesl"])
    assert [erreur.split(" : ")[0] for erreur in analyse.erreurs] == ["Ligne 6", "Ligne 8"]


def test_une_ligne_plus_large_que_les_titres_est_nommee(monde):
    contenu = csv_de(LIGNE_CSV, LIGNE_CSV + ",en trop", LIGNE_CSV + ",,")
    assert analyser_fichier("r.csv", contenu, monde.utilisateurs["uesl"]).erreurs == [
        "Le fichier n'a pas pu être lu (la ligne 3 compte plus de cellules que la ligne des titres) : "
        "vérifiez qu'il s'agit d'un CSV ou d'un XLSX."
    ]


# --- Text of the cells -------------------------------------------------------------------------------------------


def test_un_commentaire_nul_est_refuse_a_l_apercu_avec_son_numero(client, monde):
    """Once a 500 on PostgreSQL at confirmation: now the preview refuses it, on every database."""
    client.force_login(monde.utilisateurs["secretariat"])
    contenu = csv_de(LIGNE_CSV, LIGNE_CSV.replace("Livraison", "\x00\x00"))
    assert refuse(client, televerser(client, contenu, "realisations.csv")) == [f"Ligne 3 : commentaire : {NUL}"]


def test_un_caractere_de_controle_dans_une_cellule_d_une_ligne_est_refuse(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    contenu = csv_de(
        LIGNE_CSV.replace("002", "00\x002"),  # would be a DataError in the area lookup on PostgreSQL
        LIGNE_CSV.replace("logement_social", '"logement\nsocial"'),
        LIGNE_CSV.replace("15/06/2013", "15/06/2013\x1b").replace(",5,", ",hier,"),
    )
    assert refuse(client, televerser(client, contenu, "realisations.csv")) == [
        f"Ligne 2 : code aire : {NUL}",
        "Ligne 3 : dispositif : Ce champ tient sur une ligne : retirez le saut de ligne ou le caractère invisible "
        "(saut de ligne (U+000A)).",
        "Ligne 4 : date de réalisation : Ce texte contient un caractère invisible non autorisé "
        "(caractère de contrôle (U+001B)) : retirez-le ; quantité « hier » : un nombre entier est attendu.",
    ]


def test_un_titre_de_colonne_a_caractere_de_controle_est_refuse(monde):
    contenu = (ENTETE_CSV + ",Note\x07\n" + LIGNE_CSV + "\n").encode()
    assert analyser_fichier("r.csv", contenu, monde.utilisateurs["uesl"]).erreurs == [
        "Ligne 1 : titre de la colonne 8 : Ce texte contient un caractère invisible non autorisé "
        "(caractère de contrôle (U+0007)) : retirez-le."
    ]


def test_les_sauts_de_ligne_des_autres_logiciels_deviennent_des_sauts_de_ligne(client, monde):
    client.force_login(monde.utilisateurs["secretariat"])
    commentaire = '"Livraison\x0brue\u2028Garibaldi\r\nbâtiment\x85B\tnord"'
    dispositif = "Production\tde logements sociaux"  # a tab on one line is a space
    contenu = csv_de(LIGNE_CSV.replace("Livraison", commentaire).replace("logement_social", dispositif))
    reponse = televerser(client, contenu, "realisations.csv")
    assert reponse.status_code == 302, rapport(reponse)
    attendu = "Livraison\nrue\nGaribaldi\nbâtiment\nB\tnord"
    (en_attente,) = client.session[CLE_IMPORTS].values()
    assert [ligne["commentaire"] for ligne in en_attente["lignes"]] == [attendu]
    client.post(reponse["Location"])
    importee = Realisation.objects.exclude(pk=monde.realisation_lyon.pk).get()
    assert importee.commentaire == attendu


def test_windows_1252_est_lu_comme_l_ecrit_un_tableur(monde):
    """« … » and « € » are Windows-1252 bytes that Latin-1 would read as control characters."""
    contenu = csv_de(LIGNE_CSV.replace("Livraison", "Livraison… 12 000 €")).decode().encode("cp1252")
    analyse = analyser_fichier("r.csv", contenu, monde.utilisateurs["uesl"])
    assert analyse.erreurs == []
    assert analyse.lignes[0].commentaire == "Livraison… 12 000 €"
