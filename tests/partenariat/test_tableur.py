"""The one tabular reader of the imports: one encoding rule, separators, row numbers, bounds, French refusals."""

import gzip

import pytest
import tablib

from partenariat.commun.tableur import ErreurTableur, decoder, lire_tableau


def lire(contenu, nom="t.csv", **options):
    return lire_tableau(contenu, nom=nom, **options)


@pytest.mark.parametrize(
    ("octets", "encodage"),
    [
        ("Nom;Ville\nÉcarts;Lyon\n".encode(), "UTF-8"),
        ("Nom;Ville\nÉcarts;Lyon\n".encode("utf-8-sig"), "UTF-8 avec BOM"),
        ("Nom;Ville\nÉcarts;Lyon\n".encode("latin-1"), "Latin-1"),
        ("Nom;Ville\nCœur’s;Lyon\n".encode("cp1252"), "Latin-1"),
    ],
)
def test_une_seule_regle_d_encodage(octets, encodage):
    tableau = lire(octets)
    assert tableau.encodage == encodage
    assert tableau.entetes == ["Nom", "Ville"]
    assert tableau.lignes[0][1][0] in ("Écarts", "Cœur’s")


def test_un_fichier_utf8_abime_est_refuse_avec_sa_ligne_meme_sans_controle_des_caracteres():
    """Read as Latin-1, a UTF-8 file with one Latin-1 word would turn every accent into « Ã© »."""
    texte = 'Nom,Ville\nÉtienne,Besançon\n\n"deux\nlignes",Sète\nÉcarts,Lyon\n'.encode()
    abime = texte.replace("Écarts".encode(), "Écarts".encode("latin-1"))
    assert decoder(abime)[2] is True
    for refuses in (True, False):
        with pytest.raises(ErreurTableur) as erreur:
            lire(abime, controles_refuses=refuses)
        assert erreur.value.ligne == 5
        assert str(erreur.value).startswith("Ligne 5 : octets invalides en UTF-8")


@pytest.mark.parametrize(("separateur", "libelle"), [(",", ","), (";", ";"), ("\t", "tabulation")])
def test_separateurs(separateur, libelle):
    tableau = lire(f"a{separateur}b{separateur}c\n1{separateur}2{separateur}3\n".encode())
    assert (tableau.separateur, tableau.libelle_separateur) == (separateur, libelle)
    assert tableau.lignes == [(2, ["1", "2", "3"])]
    assert f"séparateur « {libelle} »" in tableau.description()


def test_les_lignes_sont_numerotees_comme_dans_un_tableur():
    """Blank lines and lines of empty cells count; a quoted line break stays in its row; headings may come late."""
    contenu = b'\r\n\r\na;b\r\n\r\n1;2\r\n ; \r\n"x\ny";3\r\n4;5\r\n'
    tableau = lire(contenu)
    assert (tableau.ligne_entete, tableau.entetes, tableau.separateur) == (3, ["a", "b"], ";")
    assert tableau.lignes == [(5, ["1", "2"]), (7, ["x\ny", "3"]), (8, ["4", "5"])]


def test_un_fichier_sans_ligne_remplie_donne_un_tableau_vide():
    tableau = lire(b"\xef\xbb\xbf\n ; \n")
    assert (tableau.ligne_entete, tableau.entetes, tableau.lignes) == (None, [], [])


def test_guillemets_mal_places_et_cellule_trop_longue():
    with pytest.raises(ErreurTableur, match=r"^Ligne 3 : structure CSV invalide"):
        lire(b'a,b\n1,2\n"3"x,4\n')
    with pytest.raises(ErreurTableur, match=r"^Ligne 2 : une cellule dépasse la longueur permise$"):
        lire(b"a,b\n1," + b"x" * 200_000 + b"\n")


def test_caracteres_de_controle_refuses_ou_laisses_a_l_appelant():
    contenu = b"a,b\n1,2\n\x0b\n3,\x1b\n"
    with pytest.raises(ErreurTableur, match=r"^Ligne 3 : caractère de contrôle U\+000B"):
        lire(contenu)
    assert lire(contenu, controles_refuses=False).lignes == [(2, ["1", "2"]), (4, ["3", "\x1b"])]
    with pytest.raises(ErreurTableur, match=r"^Ligne 1 : octet nul : .*UTF-16"):
        lire("Nom\nÉcarts\n".encode("utf-16"))


def test_bornes_de_lignes_et_de_taille():
    contenu = b"a\n" + b"1\n\n" * 5
    assert len(lire(contenu, lignes_max=5).lignes) == 5
    with pytest.raises(ErreurTableur) as erreur:
        lire(contenu + b"1\n", lignes_max=5)
    assert erreur.value.limite
    assert str(erreur.value) == "Le fichier compte plus de 5 lignes : découpez-le en plusieurs imports"
    with pytest.raises(ErreurTableur, match="plus de 5 lignes"):
        lire(b"a\n" + b"\n" * 11, rangees_max=10, lignes_max=5)
    with pytest.raises(ErreurTableur, match="^Le fichier dépasse 0,5 Mo") as erreur:
        lire(b"a\n" + b"1\n" * 300_000, taille_max=2**19)
    assert erreur.value.limite


def test_un_csv_compresse_est_decompresse_dans_la_limite_de_taille(tmp_path):
    chemin = tmp_path / "communes.csv.gz"
    chemin.write_bytes(gzip.compress("CODGEO;LIBGEO\n01001;L'Abergement-Clémenciat\n".encode("latin-1")))
    tableau = lire_tableau(chemin)
    assert (tableau.nom, tableau.encodage, tableau.lignes) == (
        "communes.csv.gz",
        "Latin-1",
        [(2, ["01001", "L'Abergement-Clémenciat"])],
    )

    bombe = tmp_path / "bombe.csv.gz"
    bombe.write_bytes(gzip.compress(b"a\n" + b"\n" * 50_000_000))
    with pytest.raises(ErreurTableur, match="^Le fichier dépasse 1 Mo"):
        lire_tableau(bombe, taille_max=2**20)

    tronque = tmp_path / "tronque.csv.gz"
    tronque.write_bytes(chemin.read_bytes()[:-10])
    with pytest.raises(ErreurTableur, match=r"^Fichier compressé \(\.gz\) illisible ou tronqué"):
        lire_tableau(tronque)
    with pytest.raises(ErreurTableur, match="^Fichier introuvable"):
        lire_tableau(tmp_path / "absent.csv")


def test_un_classeur_est_lu_ou_refuse_selon_l_import():
    classeur = tablib.Dataset(headers=["Code", "Quantité"])
    classeur.append(["002", 7])
    contenu = classeur.export("xlsx")
    tableau = lire(contenu, nom="r.xlsx")
    assert (tableau.format, tableau.entetes, tableau.lignes) == ("XLSX", ["Code", "Quantité"], [(2, ["002", 7])])
    with pytest.raises(ErreurTableur, match="^Les classeurs Excel ne sont pas acceptés ici"):
        lire(contenu, nom="r.xlsx", xlsx=False)
    with pytest.raises(ErreurTableur) as erreur:
        lire(contenu, nom="r.xlsx", taille_max=len(contenu))  # the zip passes, its inflated members do not
    assert erreur.value.limite and "classeur décompressé dépasse" in str(erreur.value)
