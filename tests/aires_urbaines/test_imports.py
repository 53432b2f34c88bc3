"""Imports of INSEE's commune table and of the A/B/C zoning: real figures, idempotence, refusal of bad files."""

import io

import pytest
from django.core.management import CommandError, call_command

from aires_urbaines.imports import calculer_tension, importer_communes, importer_zonage
from aires_urbaines.models import (
    SEUIL_TENSION,
    AireUrbaine,
    BassinEmploi,
    Commune,
    Intercommunalite,
    Tension,
    ZonageMillesime,
    ZoneABC,
)

FICHIER_COMMUNES = "au2010_communes_cog2012.csv.gz"
FICHIER_ZONAGE = "zonage_abc_2022_communes.csv.gz"

ENTETE = (
    "CODGEO,LIBGEO,DEP,REG,AU2010,LIBAU2010,CATAEU2010,TAU2010,UU2010,ZE2010,LIBZE2010,EPCI,LIBEPCI,NATURE_EPCI,"
    "POP2010,POP1999"
)
# Line numbers in comments: the header is line 1.
LIGNES = [
    "01001,Villeneuve,01,82,101,Villeneuve,111,04,01101,8201,Villeneuve,200000001,CA Villeneuve,CA,6000,5800",  # 2
    "01002,Montclair,01,82,101,Villeneuve,112,04,01000,8201,Villeneuve,200000001,CA Villeneuve,CA,3000,2900",  # 3
    "01003,Bézu-Saint-Éloi,01,82,101,Villeneuve,112,04,01000,8201,Villeneuve,200000001,CA Villeneuve,CA,1000,900",  # 4
    "01004,Fusionnée,01,82,101,Villeneuve,112,04,01000,8201,Villeneuve,ZZZZZZZZZ,Communes hors GFP,,5000,5000",  # 5
    "2A004,Ajaccio,2A,94,201,Ajaccio,211,02,2A201,9401,Ajaccio,242000354,CA du Pays Ajaccien,CA,2000,1900",  # 6
    "2A005,Alata,2A,94,201,Ajaccio,212,02,2A000,9401,Ajaccio,242000354,CA du Pays Ajaccien,CA,500,400",  # 7
    "02001,Bourg,02,22,301,Bourg,221,01,02301,2201,Bassin de Bourg,240200001,CC de Bourg,CC,1000,1000",  # 8
    "02002,Écarts,02,22,301,Bourg,222,01,02000,2201,Bassin de Bourg,240200001,CC de Bourg,CC,1000,1000",  # 9
    "02003,Isolée,02,22,000,Communes isolées hors influence des pôles,400,00,02000,2201,Bassin de Bourg,"
    "ZZZZZZZZZ,Communes hors GFP,,300,310",  # 10
    "02004,Multipolarisée,02,22,997,Multipolarisé des grands pôles,120,00,02000,2201,Bassin de Bourg,"
    "240200001,CC de Bourg,CC,200,190",  # 11
]

ZONAGE = "\n".join(
    [
        "Code Commune;Nom Commune ;Zone ABC",
        "1001;Villeneuve;B2",  # a spreadsheet dropped the leading zero
        "01002;Montclair;B1",
        "01003;Bézu-Saint-Éloi;A bis",
        "2A004;Ajaccio;A bis",
        "2A005;Alata;C",
        "02001;Bourg;B1",
        "02002;Écarts;b2",
        "02003;Isolée;C",
        "02004;Multipolarisée;C",
        "99001;Commune nouvelle;B2",
        "99002;Autre commune nouvelle;Abis",
    ]
)


def ecrire(chemin, texte, encoding="utf-8"):
    chemin.write_bytes(texte.encode(encoding) if isinstance(texte, str) else texte)
    return chemin


@pytest.fixture
def fichier_communes(tmp_path):
    return ecrire(tmp_path / "communes.csv", "\n".join([ENTETE, *LIGNES]) + "\n")


@pytest.fixture
def communes_importees(fichier_communes):
    importer_communes(fichier_communes)


def lancer(commande, *args, **options):
    sortie = io.StringIO()
    call_command(commande, *map(str, args), stdout=sortie, **options)
    return sortie.getvalue()


def compter_lignes():
    return {
        modele.__name__: modele.objects.count()
        for modele in (Commune, AireUrbaine, BassinEmploi, Intercommunalite, ZonageMillesime)
    }


def etat_base():
    """Everything the imports write, to prove that a refused or simulated import wrote nothing."""
    return (
        list(Commune.objects.values_list()),
        list(AireUrbaine.objects.values_list()),
        list(BassinEmploi.objects.values_list()),
        list(Intercommunalite.objects.values_list()),
        list(ZonageMillesime.objects.values_list()),
    )


# --- the real files ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def sorties(django_db_setup, django_db_blocker):
    """The real files imported once, outside the tests' transactions, and removed after the class that uses them."""
    from tests.conftest import DONNEES

    with django_db_blocker.unblock():
        sorties = {
            "communes": lancer("importer_communes", DONNEES / FICHIER_COMMUNES),
            "zonage": lancer("importer_zonage", DONNEES / FICHIER_ZONAGE, millesime="Zonage A/B/C 2022"),
        }
        yield sorties
        for modele in (Commune, AireUrbaine, BassinEmploi, Intercommunalite, ZonageMillesime):
            modele.objects.all().delete()


class TestFichiersReels:
    """The real files: each import takes a few seconds, so the class shares one."""

    @pytest.mark.django_db
    def test_reproduit_les_chiffres_de_l_insee(self, sorties):
        assert "36\u202f700 communes lues" in sorties["communes"]
        assert Commune.objects.count() == 36_700
        assert AireUrbaine.objects.grandes().metropolitaines().count() == 230
        assert AireUrbaine.objects.grandes().count() == 242
        paris = AireUrbaine.objects.get(code="001")
        assert (paris.nom, paris.categorie) == ("Paris", AireUrbaine.Categorie.GRANDE)
        assert (paris.nb_communes, paris.population) == (1_797, 12_223_100)
        assert paris.communes.count() == 1_797
        assert BassinEmploi.objects.count() == 322
        assert not AireUrbaine.objects.filter(code__in=["000", "997", "998"]).exists()
        assert Commune.objects.filter(aire_urbaine=None).count() == 18_431
        assert Commune.objects.filter(intercommunalite=None).count() == 1_397
        assert not Intercommunalite.objects.filter(siren="ZZZZZZZZZ").exists()
        lyon = Commune.objects.select_related("aire_urbaine", "bassin_emploi", "intercommunalite").get(
            code_insee="69123"
        )
        assert lyon.aire_urbaine.code == "002"
        assert lyon.bassin_emploi.nom == "Lyon"
        assert lyon.intercommunalite.nature == Intercommunalite.Nature.CU

    @pytest.mark.django_db
    def test_second_import_des_communes_ne_change_rien_et_le_dit(self, sorties, donnees_reference):
        assert "Communes : 36\u202f700 créations" in sorties["communes"]
        avant = etat_base()

        sortie = lancer("importer_communes", donnees_reference / FICHIER_COMMUNES)

        assert "Aucune modification" in sortie
        assert "Communes : 0 création, 0 mise à jour, 36\u202f700 sans changement." in sortie
        assert "Aires urbaines : 0 création, 0 mise à jour, 793 sans changement." in sortie
        assert etat_base() == avant

    @pytest.mark.django_db
    def test_zonage_reel_sur_les_communes_reelles(self, sorties, donnees_reference):
        paris = AireUrbaine.objects.get(code="001")
        assert paris.tension == Tension.TENDUE
        assert paris.part_population_tendue > SEUIL_TENSION
        assert paris.zonage.libelle == "Zonage A/B/C 2022"
        assert Commune.objects.get(code_insee="75056").zone_abc == ZoneABC.A_BIS
        assert not AireUrbaine.objects.filter(zonage=None).exists()

        millesime = ZonageMillesime.objects.get()
        assert millesime.nb_communes == 34_955
        # Communes created after 2012 (Culey, Bihorel, Saint-Lucien) are not in the 2012 commune list.
        assert millesime.nb_non_appariees == 3 > 0
        assert "non appariées) : 3 — 55138 Culey (ligne 20133)" in sorties["zonage"]

        sortie = lancer("importer_zonage", donnees_reference / FICHIER_ZONAGE, millesime="Zonage A/B/C 2022")
        assert "Aucune modification" in sortie


# --- commune import on small files ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_des_communes(fichier_communes):
    sortie = lancer("importer_communes", fichier_communes)

    assert "10 communes lues" in sortie
    assert "Communes : 10 créations" in sortie
    villeneuve = AireUrbaine.objects.get(code="101")
    assert (villeneuve.nom, villeneuve.categorie) == ("Villeneuve", AireUrbaine.Categorie.GRANDE)
    assert (villeneuve.population, villeneuve.nb_communes) == (15_000, 4)
    assert AireUrbaine.objects.get(code="201").categorie == AireUrbaine.Categorie.MOYENNE
    assert AireUrbaine.objects.get(code="301").categorie == AireUrbaine.Categorie.PETITE
    assert set(AireUrbaine.objects.values_list("code", flat=True)) == {"101", "201", "301"}
    isolee = Commune.objects.get(code_insee="02003")
    assert (isolee.aire_urbaine, isolee.intercommunalite, isolee.categorie_aire) == (None, None, "400")
    assert Commune.objects.get(code_insee="02004").aire_urbaine is None
    assert Commune.objects.get(code_insee="01004").intercommunalite is None
    assert Commune.objects.get(code_insee="01003").nom == "Bézu-Saint-Éloi"
    ajaccio = Commune.objects.get(code_insee="2A004")
    assert (ajaccio.departement, ajaccio.region, ajaccio.bassin_emploi.code) == ("2A", "94", "9401")
    assert ajaccio.intercommunalite.siren == "242000354"
    assert BassinEmploi.objects.count() == 3
    assert Intercommunalite.objects.count() == 3


@pytest.mark.django_db
def test_reimport_met_a_jour_seulement_ce_qui_a_change(fichier_communes, tmp_path):
    importer_communes(fichier_communes)
    modifiees = [ligne.replace(",3000,2900", ",3100,2900") if ligne.startswith("01002") else ligne for ligne in LIGNES]
    modifiees = [
        ligne.replace("02002,Écarts,02,22,301,Bourg,222", "02002,Écarts,02,22,000,Isolées,400") for ligne in modifiees
    ]
    fichier = ecrire(tmp_path / "v2.csv", "\n".join([ENTETE, *modifiees]))

    rapport = importer_communes(fichier)

    assert (rapport.bilans["communes"].modifies, rapport.bilans["communes"].inchanges) == (2, 8)
    assert (rapport.bilans["aires"].modifies, rapport.bilans["aires"].inchanges) == (2, 1)
    assert AireUrbaine.objects.get(code="101").population == 15_100
    bourg = AireUrbaine.objects.get(code="301")
    assert (bourg.population, bourg.nb_communes) == (1000, 1)
    assert Commune.objects.get(code_insee="02002").aire_urbaine is None
    assert "Aucune modification" not in "\n".join(rapport.lignes())


@pytest.mark.django_db
def test_colonnes_dans_n_importe_quel_ordre_et_colonnes_en_trop(tmp_path):
    texte = (
        "POP2010;EXTRA;nature_epci;LIBEPCI;EPCI;LIBZE2010;ZE2010;CATAEU2010;LIBAU2010;AU2010;REG;DEP;LIBGEO;CODGEO\n"
        "6000;x;CA;CA de Villeneuve;200000001;Bassin de Villeneuve;8201;111;Villeneuve;101;82;01;Villeneuve;01001\n"
    )
    importer_communes(ecrire(tmp_path / "desordre.csv", texte))

    commune = Commune.objects.get()
    assert (commune.code_insee, commune.population, commune.aire_urbaine.code) == ("01001", 6000, "101")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encodage", "separateur", "attendu"),
    [
        ("utf-8", ",", "UTF-8, séparateur « , »"),
        ("utf-8-sig", ",", "UTF-8 avec BOM"),
        ("latin-1", ",", "Latin-1"),
        ("utf-8", ";", "séparateur « ; »"),
        ("utf-8-sig", ";", "UTF-8 avec BOM, séparateur « ; »"),
        ("latin-1", ";", "Latin-1, séparateur « ; »"),
    ],
)
def test_encodages_et_separateurs_acceptes(tmp_path, encodage, separateur, attendu):
    texte = "\r\n".join([ENTETE, *LIGNES]).replace(",", separateur)
    sortie = lancer("importer_communes", ecrire(tmp_path / "communes.csv", texte, encodage))

    assert attendu in sortie
    assert Commune.objects.count() == 10
    assert Commune.objects.get(code_insee="02002").nom == "Écarts"
    assert Commune.objects.get(code_insee="01003").nom == "Bézu-Saint-Éloi"


@pytest.mark.django_db
def test_fichier_windows_1252(tmp_path):
    """Spreadsheets on Windows write « Latin-1 » with œ and ’, which true Latin-1 lacks."""
    texte = "\n".join([ENTETE, LIGNES[0].replace("01001,Villeneuve,", "01001,Cœuvres-l’Abbaye,")])
    importer_communes(ecrire(tmp_path / "cp1252.csv", texte, "cp1252"))

    assert Commune.objects.get().nom == "Cœuvres-l’Abbaye"


@pytest.mark.django_db
def test_dry_run_n_ecrit_rien(fichier_communes):
    sortie = lancer("importer_communes", fichier_communes, dry_run=True)

    assert "Communes : 10 créations" in sortie
    assert "Simulation (--dry-run) : rien n'a été enregistré." in sortie
    assert set(compter_lignes().values()) == {0}


@pytest.mark.django_db
def test_barre_de_progression_seulement_sur_un_terminal(fichier_communes):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    call_command("importer_communes", str(fichier_communes), stdout=terminal)
    assert "Lecture du fichier" in terminal.getvalue()
    assert "#" * 30 + "] 100 %" in terminal.getvalue()

    assert "\r" not in lancer("importer_communes", fichier_communes)


def remplacer(numero, ancien, nouveau):
    """A copy of the small file where line `numero` (header = 1) has `ancien` replaced by `nouveau`."""
    lignes = [ENTETE, *LIGNES]
    lignes[numero - 1] = lignes[numero - 1].replace(ancien, nouveau, 1)
    assert lignes[numero - 1] != [ENTETE, *LIGNES][numero - 1]
    return "\n".join(lignes) + "\n"


FICHIERS_MALFORMES = {
    "colonne_manquante": (remplacer(1, ",POP2010", ",POPULATION"), 1, "colonne obligatoire absente : POP2010"),
    "code_commune_trop_court": (remplacer(4, "01003", "1003"), 4, "code commune (CODGEO) « 1003 » invalide"),
    "code_commune_lettres": (remplacer(3, "01002", "01X02"), 3, "code commune (CODGEO) « 01X02 » invalide"),
    "commune_en_double": (remplacer(3, "01002", "01001"), 3, "la commune 01001 figure déjà ligne 2"),
    "code_aire_2_caracteres": (remplacer(6, ",201,", ",21,"), 6, "code d'aire urbaine (AU2010) « 21 » invalide"),
    "population_non_numerique": (remplacer(7, ",500,400", ",5OO,400"), 7, "population (POP2010) « 5OO » non numérique"),
    "nature_epci_inconnue": (remplacer(8, ",CC,1000", ",CX,1000"), 8, "NATURE_EPCI) « CX » inconnue"),
    "siren_invalide": (remplacer(8, "240200001", "24020001"), 8, "intercommunalité (EPCI) « 24020001 » invalide"),
    "categorie_incoherente": (remplacer(10, ",400,", ",111,"), 10, "incompatible avec AU2010 000"),
    "nom_d_aire_incoherent": (remplacer(3, ",Villeneuve,112", ",Villeneuve-Sud,112"), 3, "la ligne 2 donne"),
    "ligne_tronquee": (remplacer(5, ",5000,5000", ""), 5, "14 champs au lieu de 16 (ligne tronquée"),
    "champs_en_trop": (remplacer(9, ",Écarts,", ",Écarts,Nord,"), 9, "17 champs au lieu de 16"),
    "guillemet_non_ferme": (remplacer(11, ",200,190", ',"200,190'), 11, "guillemets"),
    "octet_nul": (remplacer(6, "Ajaccio", "Aja\x00ccio").encode(), 6, "octet nul"),
    "caractere_de_controle": (remplacer(7, "Alata", "Ala\x1bta"), 7, "caractère de contrôle U+001B"),
    "caractere_de_remplacement": (remplacer(4, "Bézu", "B\ufffdzu"), 4, "caractère de remplacement U+FFFD"),
    "utf8_abime": (
        "\n".join([ENTETE, *LIGNES]).encode().replace("Écarts".encode(), "Écarts".encode("latin-1")),
        9,
        "octets invalides en UTF-8",
    ),
    "fichier_binaire": (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, 1, "caractère de contrôle"),
    "categories_melangees": (remplacer(9, ",222,", ",212,"), 9, "commune de catégorie 212 dans l'aire urbaine 301"),
    "sans_commune": (ENTETE + "\n\n", None, "Aucune commune dans le fichier"),
    "fichier_vide": ("", None, "Le fichier malforme.csv est vide"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("contenu", "ligne", "probleme"), FICHIERS_MALFORMES.values(), ids=FICHIERS_MALFORMES.keys())
def test_fichier_malforme_refuse_sans_rien_ecrire(tmp_path, contenu, ligne, probleme):
    fichier = ecrire(tmp_path / "malforme.csv", contenu)

    with pytest.raises(CommandError) as erreur:
        lancer("importer_communes", fichier)

    message = str(erreur.value)
    assert probleme in message
    if ligne:
        assert f"Ligne {ligne} : " in message
    assert "rien n'a été enregistré" in message
    assert set(compter_lignes().values()) == {0}


@pytest.mark.django_db
def test_fichier_malforme_laisse_la_base_intacte(communes_importees, tmp_path):
    """The file's early lines would change the database; the bad last line must leave it as it was."""
    avant = etat_base()
    texte = remplacer(2, ",6000,5800", ",9999,5800").replace(",200,190", ",2OO,190")

    with pytest.raises(CommandError, match="Ligne 11 : population"):
        lancer("importer_communes", ecrire(tmp_path / "v2.csv", texte))

    assert etat_base() == avant


@pytest.mark.django_db
def test_extrait_regional_sans_commune_pole(tmp_path):
    """A regional extract may hold only an area's ring communes: their CATAEU2010 gives the area's category."""
    sans_poles = [ligne for ligne in LIGNES if ",111," not in ligne and ",211," not in ligne and ",221," not in ligne]
    lancer("importer_communes", ecrire(tmp_path / "extrait.csv", "\n".join([ENTETE, *sans_poles]) + "\n"))

    categories = dict(AireUrbaine.objects.values_list("code", "categorie"))
    assert categories == {
        "101": AireUrbaine.Categorie.GRANDE,
        "201": AireUrbaine.Categorie.MOYENNE,
        "301": AireUrbaine.Categorie.PETITE,
    }


@pytest.mark.django_db
def test_extrait_regional_reel(tmp_path, donnees_reference):
    """The communes of one region (Picardie, 22) of the real table hold only the ring of Reims (029), a large area."""
    import gzip

    with gzip.open(donnees_reference / FICHIER_COMMUNES, "rt", encoding="utf-8") as flux:
        entete, *lignes = flux.read().splitlines()
    colonne = entete.split(",").index("REG")
    extrait = [ligne for ligne in lignes if ligne.split(",")[colonne] == "22"]
    lancer("importer_communes", ecrire(tmp_path / "picardie.csv", "\n".join([entete, *extrait]) + "\n"))

    reims = AireUrbaine.objects.get(code="029")
    assert (reims.nom, reims.categorie) == ("Reims", AireUrbaine.Categorie.GRANDE)


def test_fichier_introuvable(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        lancer("importer_communes", tmp_path / "absent.csv")


# --- zoning ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tension_ponderee_par_la_population(communes_importees, tmp_path):
    sortie = lancer("importer_zonage", ecrire(tmp_path / "zonage_2022.csv", ZONAGE))

    assert Commune.objects.get(code_insee="01001").zone_abc == ZoneABC.B2
    assert Commune.objects.get(code_insee="01003").zone_abc == ZoneABC.A_BIS
    assert Commune.objects.get(code_insee="02002").zone_abc == ZoneABC.B2
    # 01004 (5,000 inhabitants) is missing from the list: left out of the share, not counted as untight.
    assert Commune.objects.get(code_insee="01004").zone_abc == ""

    villeneuve = AireUrbaine.objects.get(code="101")
    assert villeneuve.part_population_tendue == pytest.approx((3000 + 1000) / (6000 + 3000 + 1000))
    assert villeneuve.part_population_tendue == pytest.approx(0.4)
    assert (villeneuve.tension, villeneuve.zone_dominante) == (Tension.NON_TENDUE, ZoneABC.B2)

    ajaccio = AireUrbaine.objects.get(code="201")
    assert ajaccio.part_population_tendue == pytest.approx(0.8)
    assert (ajaccio.tension, ajaccio.zone_dominante) == (Tension.TENDUE, ZoneABC.A_BIS)

    # Exactly at the threshold: tight; the tie for the dominant zone goes to the tighter one.
    bourg = AireUrbaine.objects.get(code="301")
    assert bourg.part_population_tendue == SEUIL_TENSION == 0.5
    assert (bourg.tension, bourg.zone_dominante) == (Tension.TENDUE, ZoneABC.B1)

    millesime = ZonageMillesime.objects.get()
    assert millesime.libelle == "Zonage A/B/C — zonage_2022.csv"
    assert (millesime.nb_communes, millesime.nb_non_appariees) == (11, 2)
    assert set(AireUrbaine.objects.values_list("zonage", flat=True)) == {millesime.pk}

    assert "Communes du fichier absentes de la base (non appariées) : 2 — " in sortie
    assert "99001 Commune nouvelle (ligne 11), 99002 Autre commune nouvelle (ligne 12)." in sortie
    assert "Aires urbaines en marché tendu : 2 sur 3" in sortie


@pytest.mark.django_db
def test_zonage_idempotent_et_millesime_nomme(communes_importees, tmp_path):
    fichier = ecrire(tmp_path / "zonage.csv", ZONAGE)
    lancer("importer_zonage", fichier, millesime="Zonage A/B/C 2022")
    importe_le = ZonageMillesime.objects.get().importe_le
    avant = etat_base()

    sortie = lancer("importer_zonage", fichier, millesime="Zonage A/B/C 2022")

    assert "Aucune modification" in sortie
    assert "Aires urbaines (tension) : 0 création, 0 mise à jour, 3 sans changement." in sortie
    assert etat_base() == avant
    assert ZonageMillesime.objects.get().importe_le == importe_le


@pytest.mark.django_db
def test_nouveau_millesime_remplace_les_zones(communes_importees, tmp_path):
    lancer("importer_zonage", ecrire(tmp_path / "zonage.csv", ZONAGE), millesime="2022")
    texte = ZONAGE.replace("1001;Villeneuve;B2", "01001;Villeneuve;A").replace("01003;Bézu-Saint-Éloi;A bis\n", "")

    rapport = importer_zonage(ecrire(tmp_path / "zonage.csv", texte), millesime="2024")

    assert rapport.bilans["millesime"].crees == 1
    assert Commune.objects.get(code_insee="01003").zone_abc == ""
    villeneuve = AireUrbaine.objects.get(code="101")
    assert villeneuve.part_population_tendue == pytest.approx(9000 / 9000)
    assert villeneuve.zonage.libelle == "2024"
    assert ZonageMillesime.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entete",
    ["Code Commune;Nom Commune ;Zone ABC", "CODGEO;LIBGEO;Zonage en vigueur", " code  COMMUNE ;Nom;zone abc"],
)
def test_zonage_en_tetes_reconnues(communes_importees, tmp_path, entete):
    texte = "\n".join([entete, "01001;Villeneuve;A", "02001;Bourg;Zone B1"])
    importer_zonage(ecrire(tmp_path / "z.csv", texte, "latin-1"), millesime="essai")

    assert Commune.objects.get(code_insee="01001").zone_abc == ZoneABC.A
    assert Commune.objects.get(code_insee="02001").zone_abc == ZoneABC.B1


@pytest.mark.parametrize(
    ("valeur", "zone"),
    [("A bis", "Abis"), ("Abis", "Abis"), ("A BIS", "Abis"), ("a", "A"), (" B1 ", "B1"), ("B 2", "B2"), ("C", "C")],
)
def test_graphies_des_zones(valeur, zone):
    from aires_urbaines.imports import _normaliser_zone

    assert _normaliser_zone(valeur) == zone


@pytest.mark.django_db
def test_zonage_dry_run_n_ecrit_rien(communes_importees, tmp_path):
    avant = etat_base()

    sortie = lancer("importer_zonage", ecrire(tmp_path / "zonage.csv", ZONAGE), dry_run=True)

    assert "Communes (zone A/B/C) : 0 création, 9 mises à jour" in sortie
    assert "Simulation (--dry-run)" in sortie
    assert etat_base() == avant


ZONAGES_MALFORMES = {
    "zone_inconnue": (ZONAGE.replace("Alata;C", "Alata;D"), 6, "zone « D » inconnue pour la commune 2A005"),
    "zone_manquante": (ZONAGE.replace("Alata;C", "Alata;"), 6, "zone manquante"),
    "code_invalide": (ZONAGE.replace("02001;", "2001A;"), 7, "code commune « 2001A » invalide"),
    "colonne_zone_absente": (ZONAGE.replace("Zone ABC", "Catégorie"), 1, "colonne de la zone"),
    "colonne_code_absente": (ZONAGE.replace("Code Commune", "Numéro"), 1, "colonne du code commune"),
    "ligne_tronquee": (ZONAGE.replace("Bourg;B1", "Bourg"), 7, "2 champs au lieu de 3"),
    "commune_en_double": (ZONAGE.replace("02002;", "02001;"), 8, "la commune 02001 figure déjà ligne 7"),
    "octet_nul": (ZONAGE.replace("Isolée", "Isol\x00e"), 9, "octet nul"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("contenu", "ligne", "probleme"), ZONAGES_MALFORMES.values(), ids=ZONAGES_MALFORMES.keys())
def test_zonage_malforme_refuse_sans_rien_ecrire(communes_importees, tmp_path, contenu, ligne, probleme):
    avant = etat_base()

    with pytest.raises(CommandError) as erreur:
        lancer("importer_zonage", ecrire(tmp_path / "zonage.csv", contenu))

    assert f"Ligne {ligne} : " in str(erreur.value)
    assert probleme in str(erreur.value)
    assert etat_base() == avant


@pytest.mark.django_db
def test_zonage_avant_les_communes_refuse(tmp_path):
    with pytest.raises(CommandError, match="Aucune commune en base : importez d'abord les communes"):
        lancer("importer_zonage", ecrire(tmp_path / "zonage.csv", ZONAGE))

    assert not ZonageMillesime.objects.exists()


@pytest.mark.parametrize(
    ("population_par_zone", "attendu"),
    [
        ({}, (None, "", "")),
        ({"C": 100}, (0.0, "non_tendue", "C")),
        ({"Abis": 10, "B2": 30, "C": 60}, (0.1, "non_tendue", "C")),
        ({"A": 50, "C": 50}, (0.5, "tendue", "A")),
    ],
)
def test_calculer_tension(population_par_zone, attendu):
    assert calculer_tension(population_par_zone) == pytest.approx(attendu)
