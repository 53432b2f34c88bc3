"""PILOTE's long format: export of objectives and validated achievements, and its import through the import pages."""

import csv
import datetime
import html
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aires_urbaines.models import AireUrbaine
from engagements import services
from engagements.imports import analyser_fichier
from engagements.models import ClotureAnnee, Dispositif, Objectif, Realisation, Unite
from engagements.pilote import COLONNES, COMMENTAIRE_IMPORT
from partenariat.roles import EQUIPE_UESL
from tests import acteurs, fabriques

pytestmark = pytest.mark.django_db

ENTETE = ";".join(COLONNES)
URL = "/objectifs/pilote/"
LYON = "AL-logement_social-logements;AU2010-002;Lyon"
MARSEILLE = "AL-logement_social-logements;AU2010-003;Marseille - Aix-en-Provence"


@pytest.fixture
def lyon_2014(monde):
    """Besides the world's objectives (Lyon 2013: 100, 30 validated; Marseille 2013: 80), two Lyon objectives of
    2014: social housing (200, 20 validated) and a revised target in households (50 then 40), one pending achievement
    and one returned, which PILOTE never counts."""
    logements = fabriques.objectif(monde.aire_lyon, 2014, 200, conference=monde.lyon)
    menages = fabriques.objectif(
        monde.aire_lyon, 2014, 50, dispositif=Dispositif.ACCESSION_SOCIALE, unite=Unite.MENAGES, conference=monde.lyon
    )
    Objectif.objects.filter(pk=menages.pk).update(cible=40)
    fabriques.realisation(logements, 20, datetime.date(2014, 2, 1))
    fabriques.realisation(menages, 12, datetime.date(2014, 3, 1))
    fabriques.realisation(menages, 8, datetime.date(2014, 9, 1))
    fabriques.realisation(menages, 5, datetime.date(2014, 5, 1), etat="soumise")
    fabriques.realisation(menages, 7, datetime.date(2014, 4, 1), etat="renvoyee")
    return logements, menages


def exporter(client, **parametres):
    reponse = client.get(URL, parametres)
    assert reponse.status_code == 200, reponse.content[:500]
    return reponse


def lignes_csv(contenu):
    return list(csv.reader(io.StringIO(contenu.decode("utf-8"), newline=""), delimiter=";"))


def fichier_pilote(*lignes, nom="pilote.csv"):
    return SimpleUploadedFile(nom, ("\n".join([ENTETE, *lignes]) + "\n").encode("utf-8"))


def televerser(client, fichier):
    return client.post(reverse("engagements:realisation_import"), {"fichier": fichier})


def messages_de(reponse):
    return [str(message) for message in get_messages(reponse.wsgi_request)]


def analyser(user, *lignes):
    return analyser_fichier("pilote.csv", ("\n".join([ENTETE, *lignes]) + "\n").encode("utf-8"), user)


def deuxieme_uesl():
    return acteurs.utilisateur("uesl-2", EQUIPE_UESL, is_staff=True)


def valider_tout(validateur):
    soumises = Realisation.objects.filter(etat="soumise")
    return services.valider_selection({r.pk: r.version for r in soumises}, validateur)


def importer(client, contenu, nom="pilote.csv"):
    """Upload, preview and confirm through the pages; returns the preview's text."""
    reponse = televerser(client, SimpleUploadedFile(nom, contenu))
    assert reponse.status_code == 302, html.unescape(reponse.content.decode())[-3000:]
    apercu = client.get(reponse["Location"])
    assert apercu.status_code == 200
    confirmation = client.post(reponse["Location"])
    assert confirmation["Location"] == reverse("engagements:objectif_list"), messages_de(confirmation)
    return html.unescape(apercu.content.decode())


# --- Export ------------------------------------------------------------------------------------------------------


def test_lignes_et_valeurs_d_un_cas_connu(client, monde, lyon_2014):
    acteurs.connecte(client, monde.utilisateurs["elu"])
    reponse = exporter(client, date="2014-06-30")
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="pilote-objectifs.csv"'
    attendu = [
        ENTETE,
        # Lyon, social housing 2013: its year is over on the date, `va` is as of the year end.
        f"{LYON};2013-12-31;vi;100",
        f"{LYON};2013-12-31;vc;100",
        f"{LYON};2013-12-31;va;30",
        # Lyon 2014: `va` as of the reference date; schemes in Dispositif's order (not alphabetical).
        f"{LYON};2014-12-31;vi;200",
        f"{LYON};2014-12-31;vc;200",
        f"{LYON};2014-06-30;va;20",
        # The revised target: vi keeps the first one; pending and returned achievements do not count.
        "AL-accession_sociale-menages;AU2010-002;Lyon;2014-12-31;vi;50",
        "AL-accession_sociale-menages;AU2010-002;Lyon;2014-12-31;vc;40",
        "AL-accession_sociale-menages;AU2010-002;Lyon;2014-06-30;va;12",
        f"{MARSEILLE};2013-12-31;vi;80",
        f"{MARSEILLE};2013-12-31;vc;80",
        f"{MARSEILLE};2013-12-31;va;0",
    ]
    assert reponse.content.decode("utf-8").splitlines() == attendu
    assert not reponse.content.startswith(b"\xef\xbb\xbf")

    # Today (every year is over): every `va` is dated its year end and counts the whole validated total.
    aujourd_hui = lignes_csv(exporter(client).content)
    va = [ligne for ligne in aujourd_hui if ligne[4] == "va"]
    assert [(ligne[0], ligne[3], ligne[5]) for ligne in va] == [
        ("AL-logement_social-logements", "2013-12-31", "30"),
        ("AL-logement_social-logements", "2014-12-31", "20"),
        ("AL-accession_sociale-menages", "2014-12-31", "20"),
        ("AL-logement_social-logements", "2013-12-31", "0"),
    ]


def test_memes_chiffres_que_la_page_des_objectifs(client, monde, lyon_2014):
    """`va` is the `realise` column of /objectifs/ (its CSV export) for the same date, objective by objective."""
    fabriques.jeu_de_donnees(6, objectifs_par_aire=4, debut=10)
    acteurs.connecte(client, monde.utilisateurs["elu"])
    dispositifs, unites = dict(Dispositif.choices), dict(Unite.choices)
    for date in ("2013-06-15", "2014-05-15", "2015-03-31", None):
        parametres = {"date": date} if date else {}
        page = client.get(reverse("engagements:objectif_list"), {**parametres, "_export": "csv"}).content
        realise = {
            (ligne["Code aire"], ligne["Dispositif"], int(ligne["Année"]), ligne["Unité"]): int(ligne["Réalisé"])
            for ligne in csv.DictReader(io.StringIO(page.decode("utf-8-sig")))
        }
        objectifs, va = set(), {}
        for indicateur, zone, _nom, date_valeur, type_valeur, valeur in lignes_csv(
            exporter(client, **parametres).content
        )[1:]:
            _prefixe, dispositif, unite = indicateur.split("-")
            cle = (zone.removeprefix("AU2010-"), str(dispositifs[dispositif]), int(date_valeur[:4]), str(unites[unite]))
            objectifs.add(cle)
            if type_valeur == "va":
                va[cle] = int(valeur)
        assert objectifs == set(realise), date  # the same objectives
        # Objectives whose year has not begun on the date have no `va` row, and nothing achieved on the page.
        assert va == {cle: valeur for cle, valeur in realise.items() if cle in va}, date
        assert all(realise[cle] == 0 for cle in set(realise) - set(va)), date
        assert sum(va.values()) > 0 and len(va) >= 10


def test_un_objectif_dont_l_annee_n_a_pas_commence_n_a_pas_de_va(client, monde):
    """Dated before its year, a `va` would name the previous year's objective on import."""
    fabriques.objectif(monde.aire_lyon, 2014, 60, conference=monde.lyon, date_accord=datetime.date(2013, 5, 1))
    acteurs.connecte(client, monde.utilisateurs["elu"])
    lignes = lignes_csv(exporter(client, date="2013-06-30", aire="002").content)
    assert [ligne[3:5] for ligne in lignes[1:]] == [
        ["2013-12-31", "vi"],
        ["2013-12-31", "vc"],
        ["2013-06-30", "va"],
        ["2014-12-31", "vi"],
        ["2014-12-31", "vc"],
    ]


def test_une_realisation_posterieure_a_l_annee_compte_apres_sa_fin(client, monde):
    """`va` is dated the year end once the year is over: an achievement dated later is not in it (the page's
    `realise` on a later date counts it); the import compares at the same date, so nothing is counted twice."""
    fabriques.realisation(monde.objectif_lyon, 4, datetime.date(2014, 2, 1))
    uesl = monde.utilisateurs["uesl"]
    acteurs.connecte(client, uesl)
    contenu = exporter(client, aire="002").content
    assert f"{LYON};2013-12-31;va;30" in contenu.decode()
    page = client.get(reverse("engagements:objectif_list"), {"aire": "002", "_export": "csv"}).content
    assert [ligne["Réalisé"] for ligne in csv.DictReader(io.StringIO(page.decode("utf-8-sig")))] == ["34"]
    analyse = analyser_fichier("pilote.csv", contenu, uesl)
    assert (analyse.erreurs, analyse.lignes, analyse.a_jour) == ([], [], 1)


def test_xlsx_lisible_et_cellules_inertes(client, monde):
    Objectif.objects.filter(pk=monde.objectif_marseille.pk).update(cible=81)
    AireUrbaine.objects.filter(pk=monde.aire_marseille.pk).update(nom='=HYPERLINK("http://x","y")')
    acteurs.connecte(client, monde.utilisateurs["elu"])
    reponse = exporter(client, format="xlsx")
    assert reponse["Content-Disposition"] == 'attachment; filename="pilote-objectifs.xlsx"'
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    classeur = openpyxl.load_workbook(io.BytesIO(reponse.content))
    assert len(classeur.worksheets) == 1
    feuille = classeur.active
    rangees = list(feuille.iter_rows())
    assert [cellule.value for cellule in rangees[0]] == list(COLONNES)
    assert len(rangees) == 1 + 6
    noms = [rangee[2] for rangee in rangees[1:]]
    assert {cellule.value for cellule in noms} == {"Lyon", '\'=HYPERLINK("http://x","y")'}
    assert all(cellule.data_type == "s" for cellule in noms)
    cellules = [cellule for rangee in rangees for cellule in rangee]
    assert not [c for c in cellules if c.data_type == "f" or str(c.value).startswith("=")]
    valeurs = [rangee[5] for rangee in rangees[1:]]
    assert [c.value for c in valeurs] == [100, 100, 30, 80, 81, 0] and all(c.data_type == "n" for c in valeurs)
    assert rangees[1][3].value == "2013-12-31"
    # The CSV is inert too, as the lists' exports are.
    noms_csv = {ligne[2] for ligne in lignes_csv(exporter(client).content)[1:]}
    assert noms_csv == {"Lyon", '\'=HYPERLINK("http://x","y")'}


def test_filtres_et_date_respectes(client, monde, lyon_2014):
    fabriques.objectif(
        monde.aire_marseille, 2015, 70, conference=monde.marseille, date_accord=datetime.date(2014, 7, 1)
    )
    acteurs.connecte(client, monde.utilisateurs["elu"])

    reponse = exporter(client, aire="002")
    assert reponse["Content-Disposition"] == 'attachment; filename="pilote-objectifs-002.csv"'
    assert {ligne[1] for ligne in lignes_csv(reponse.content)[1:]} == {"AU2010-002"}
    assert exporter(client, aire="Lyon")["Content-Disposition"].endswith('"pilote-objectifs.csv"')  # a name

    lignes = lignes_csv(exporter(client, dispositif=Dispositif.ACCESSION_SOCIALE).content)[1:]
    assert {ligne[0] for ligne in lignes} == {"AL-accession_sociale-menages"} and len(lignes) == 3
    lignes = lignes_csv(exporter(client, annee="2013").content)[1:]
    assert {ligne[3][:4] for ligne in lignes} == {"2013"} and len(lignes) == 6
    lignes = lignes_csv(exporter(client, conference="Marseille").content)[1:]
    assert {ligne[1] for ligne in lignes} == {"AU2010-003"}

    # Agreed on 1 July 2014: absent before, present from that date on.
    assert "2015-12-31" not in exporter(client, date="2014-06-30").content.decode()
    assert "2015-12-31" in exporter(client, date="2014-07-01").content.decode()

    # The status filter reads the file's date, as the page's columns do.
    en_retard = exporter(client, date="2014-12-31", statut="en_retard").content.decode()
    page = client.get(
        reverse("engagements:objectif_list"), {"date": "2014-12-31", "statut": "en_retard", "_export": "csv"}
    )
    nb_page = len(list(csv.DictReader(io.StringIO(page.content.decode("utf-8-sig")))))
    assert len(lignes_csv(en_retard.encode())) - 1 == 3 * nb_page > 0

    # An invalid filter lists nothing, as on the page.
    assert lignes_csv(exporter(client, annee="1999").content) == [list(COLONNES)]


def test_en_attente_ignore_chiffres_valides_seulement(client, monde, lyon_2014):
    acteurs.connecte(client, monde.utilisateurs["elu"])
    valides = exporter(client, date="2014-12-31").content
    provisoires = client.get(URL, {"date": "2014-12-31", "en_attente": "1"})
    assert provisoires.content == valides
    assert provisoires["Content-Disposition"] == 'attachment; filename="pilote-objectifs.csv"'


def test_format_inconnu_refuse_en_francais(client, monde):
    acteurs.connecte(client, monde.utilisateurs["elu"])
    reponse = client.get(URL, {"format": "json"})
    assert reponse.status_code == 400
    contenu = html.unescape(reponse.content.decode())
    assert "Ce format d'export PILOTE n'est pas proposé : choisissez CSV ou XLSX." in contenu
    assert 'href="/objectifs/"' in contenu


def test_connexion_exigee(client, monde):
    reponse = client.get(URL)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))


def test_hors_perimetre_l_export_montre_ce_que_la_liste_montre(client, monde, lyon_2014):
    """A secretariat reads what /objectifs/ shows it (no more): every objective is listed for every signed-in reader."""
    for role in ("secretariat_autre", "secretariat", "elu"):
        acteurs.connecte(client, monde.utilisateurs[role])
        page = client.get(reverse("engagements:objectif_list"), {"_export": "csv"}).content.decode("utf-8-sig")
        liste = {(ligne["Code aire"], ligne["Année"], ligne["Cible"]) for ligne in csv.DictReader(io.StringIO(page))}
        lignes = lignes_csv(exporter(client).content)[1:]
        pilote = {(ligne[1].removeprefix("AU2010-"), ligne[3][:4], ligne[5]) for ligne in lignes if ligne[4] == "vc"}
        assert pilote == liste, role


def nombre_de_requetes(client):
    with CaptureQueriesContext(connection) as requetes:
        exporter(client, date="2014-06-30")
    return len(requetes)


def test_nombre_de_requetes_borne(client, monde):
    acteurs.connecte(client, monde.utilisateurs["elu"])
    fabriques.jeu_de_donnees(3, debut=10)
    exporter(client)  # warms the session and the alerts' count
    petit = nombre_de_requetes(client)
    fabriques.jeu_de_donnees(12, debut=20)
    grand = nombre_de_requetes(client)
    assert grand == petit <= 6
    assert len(lignes_csv(exporter(client).content)) == 1 + 3 * (2 + 15 * 3)


def test_lien_sur_la_liste_des_objectifs_garde_les_filtres(client, monde):
    acteurs.connecte(client, monde.utilisateurs["elu"])
    page = html.unescape(
        client.get(reverse("engagements:objectif_list"), {"aire": "002", "date": "2014-01-31"}).content.decode()
    )
    assert "Export PILOTE" in page
    assert 'href="/objectifs/pilote/?aire=002&date=2014-01-31&format=csv"' in page
    assert 'href="/objectifs/pilote/?aire=002&date=2014-01-31&format=xlsx"' in page


# --- Import ------------------------------------------------------------------------------------------------------


def cellules_xlsx(contenu):
    return [[cellule.value for cellule in rangee] for rangee in openpyxl.load_workbook(io.BytesIO(contenu)).active]


def test_aller_retour_par_les_pages(client, monde, lyon_2014):
    """Export, delete the achievements, import the file as UESL staff, validate as another: the same bytes again."""
    fabriques.jeu_de_donnees(4, objectifs_par_aire=3, debut=10)
    Realisation.objects.filter(etat__in=["soumise", "renvoyee"]).delete()
    uesl = monde.utilisateurs["uesl"]
    acteurs.connecte(client, uesl)
    avant = exporter(client).content
    valides = Realisation.objects.filter(etat="validee").count()
    Realisation.objects.all().delete()
    apercu = importer(client, avant)
    importees = Realisation.objects.all()
    assert 0 < importees.count() <= valides
    assert {(r.etat, r.commentaire, r.saisi_par) for r in importees} == {("soumise", COMMENTAIRE_IMPORT, uesl)}
    assert "1 ligne déjà à jour" in apercu  # Marseille's objective, without achievement
    assert exporter(client).content != avant  # submitted: not counted until validated
    valider_tout(deuxieme_uesl())
    assert exporter(client).content == avant


def test_aller_retour_xlsx(client, monde, lyon_2014):
    """The same through a workbook: its cells come back equal (a workbook's bytes hold the time it was written)."""
    Realisation.objects.filter(etat__in=["soumise", "renvoyee"]).delete()
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    avant = exporter(client, format="xlsx").content
    Realisation.objects.all().delete()
    importer(client, avant, nom="pilote.xlsx")
    valider_tout(deuxieme_uesl())
    assert cellules_xlsx(exporter(client, format="xlsx").content) == cellules_xlsx(avant)


def test_aller_retour_d_un_secretariat_sur_son_aire(client, monde, lyon_2014):
    Realisation.objects.filter(etat__in=["soumise", "renvoyee"]).delete()
    secretariat = monde.utilisateurs["secretariat"]
    acteurs.connecte(client, secretariat)
    avant = exporter(client, aire="002").content
    Realisation.objects.filter(objectif__aire=monde.aire_lyon).delete()
    apercu = importer(client, avant)
    assert "3 réalisations seront créées" in apercu
    assert sorted(Realisation.objects.filter(etat="soumise").values_list("date", "quantite")) == [
        (datetime.date(2013, 12, 31), 30),
        (datetime.date(2014, 12, 31), 20),
        (datetime.date(2014, 12, 31), 20),
    ]
    valider_tout(monde.utilisateurs["uesl"])
    assert exporter(client, aire="002").content == avant


def test_un_export_reimporte_sur_une_base_inchangee_n_enregistre_rien(client, monde, lyon_2014):
    Realisation.objects.filter(etat__in=["soumise", "renvoyee"]).delete()
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    avant = acteurs.etat_de_la_base()
    reponse = televerser(client, SimpleUploadedFile("pilote.csv", exporter(client).content))
    assert reponse["Location"] == reverse("engagements:realisation_import")
    assert messages_de(reponse) == [
        "Le fichier ne contient aucune réalisation nouvelle : toutes les valeurs sont déjà à jour."
    ]
    assert acteurs.etat_de_la_base() == avant
    assert not client.session.get("imports_realisations")


def test_seule_la_difference_est_importee_et_les_lignes_a_jour_sont_comptees(client, monde, lyon_2014):
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    logements, menages = lyon_2014
    reponse = televerser(
        client,
        fichier_pilote(
            f"{LYON};2013-12-31;vi;100",
            f"{LYON};2013-12-31;vc;100",
            f"{LYON};2013-12-31;va;45",  # 30 validated: 15 to record
            f"{LYON};2014-12-31;va;20",  # up to date
            # 20 validated + 5 submitted by 31 December (the returned 7 does not count): up to date
            "AL-accession_sociale-menages;AU2010-002;Lyon;2014-12-31;va;25",
        ),
    )
    assert reponse.status_code == 302
    assert messages_de(reponse) == [
        "2 lignes déjà à jour : leur valeur cumulée (va) est celle des réalisations enregistrées, "
        "rien ne sera créé pour elles."
    ]
    apercu = html.unescape(client.get(reponse["Location"]).content.decode())
    assert "1 réalisation sera créée" in apercu
    assert "45 / 100" in apercu and COMMENTAIRE_IMPORT in apercu
    client.post(reponse["Location"])
    nouvelle = Realisation.objects.get(commentaire=COMMENTAIRE_IMPORT)
    assert (nouvelle.objectif, nouvelle.date, nouvelle.quantite, nouvelle.etat) == (
        monde.objectif_lyon,
        datetime.date(2013, 12, 31),
        15,
        "soumise",
    )


def test_plusieurs_va_d_un_objectif_se_cumulent(monde):
    analyse = analyser(
        monde.utilisateurs["uesl"],
        f"{LYON};2013-12-31;va;100",
        f"{LYON};2013-06-30;va;50",  # 30 by then (1 April): 20; then 100 - 50 = 50 at the year end
    )
    assert analyse.erreurs == []
    assert [(ligne.numero, ligne.date, ligne.quantite) for ligne in analyse.lignes] == [
        (2, datetime.date(2013, 12, 31), 50),
        (3, datetime.date(2013, 6, 30), 20),
    ]


def test_requetes_de_l_analyse_constantes(monde):
    uesl = monde.utilisateurs["uesl"]
    fabriques.jeu_de_donnees(12, objectifs_par_aire=3, debut=10)

    def requetes(nb_aires):
        lignes = [
            f"AL-{o.dispositif}-{o.unite};AU2010-{o.aire.code};x;{o.annee}-12-31;va;{o.realise_cumule + 1}"
            for o in Objectif.objects.filter(aire__code__gte="010").select_related("aire")[: 3 * nb_aires]
        ]
        with CaptureQueriesContext(connection) as capture:
            analyse = analyser(uesl, *lignes)
        assert analyse.erreurs == [] and len(analyse.lignes) == len(lignes)
        return len(capture)

    requetes(1)  # the user's groups, read once
    assert requetes(2) == requetes(12) <= 6


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        (
            f"{LYON};2013-12-31;va;20",
            "Ligne 2 : la valeur cumulée (va) de 20 est inférieure aux réalisations déjà enregistrées (30) ; "
            "corrigez les réalisations sur la fiche de l'objectif.",
        ),
        (
            f"{LYON};2013-12-31;vc;120",
            "Ligne 2 : la cible (vc) 120 diffère de la cible enregistrée (100) : une cible se révise sur la fiche de "
            "l'objectif, avec son motif.",
        ),
        (
            f"{LYON};2013-12-31;vi;90",
            "Ligne 2 : la cible initiale (vi) 90 diffère de la cible initiale enregistrée (100) : la cible convenue "
            "en premier ne change pas.",
        ),
        (
            "AL-logement_social-logements;AU2010-999;X;2013-12-31;va;5",
            "Ligne 2 : aire urbaine « 999 » inconnue.",
        ),
        (
            "AL-logement_social-logements;002;Lyon;2013-12-31;va;5",
            "Ligne 2 : zone « 002 » illisible (attendu AU2010-<code de l'aire>, par exemple AU2010-002).",
        ),
        (
            "AL-logement_social-hectares;AU2010-002;Lyon;2013-12-31;va;5",
            "Ligne 2 : indicateur « AL-logement_social-hectares » inconnu (attendu AL-<dispositif>-<unité>, par "
            "exemple AL-logement_social-logements).",
        ),
        (
            ";AU2010-002;Lyon;2013-12-31;va;5",
            "Ligne 2 : identifiant_indic vide.",
        ),
        (
            f"{LYON};2014-12-31;va;5",
            "Ligne 2 : aucun objectif pour l'aire 002, le dispositif « Production de logements sociaux » et l'année "
            "2014 en logements.",
        ),
        (
            "AL-logement_social-menages;AU2010-002;Lyon;2013-12-31;va;5",
            "Ligne 2 : aucun objectif pour l'aire 002, le dispositif « Production de logements sociaux » et l'année "
            "2013 en ménages.",
        ),
        (f"{LYON};2013-12-31;vx;5", "Ligne 2 : type de valeur « vx » inconnu (attendu vi, vc ou va)."),
        (f"{LYON};2013-12-31;;5", "Ligne 2 : type_valeur manquant."),
        (f"{LYON};2013-12-31;va;2.5", "Ligne 2 : valeur « 2.5 » : un nombre entier est attendu."),
        (f"{LYON};2013-12-31;va;-3", "Ligne 2 : valeur -3 négative."),
        (f"{LYON};2013-12-31;va;", "Ligne 2 : valeur manquante."),
        (
            f"{LYON};2013-12-31;va;99999999999",
            "Ligne 2 : valeur « 99999999999 » hors limites (de 0 à 2\u202f147\u202f483\u202f647).",
        ),
        (f"{LYON};31/02/2013;va;5", "Ligne 2 : date « 31/02/2013 » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)."),
        (f"{LYON};;va;5", "Ligne 2 : date_valeur manquante."),
        (
            f"{LYON};2016-12-31;vc;100",
            "Ligne 2 : année « 2016 » hors de la période du protocole (2013 à 2015).",
        ),
        (
            f"{LYON};2012-01-31;va;5",
            "Ligne 2 : date 31/01/2012 antérieure à la signature du protocole (27/06/2012).",
        ),
        (
            f"{LYON};2013-12-31;va;5\u000b",
            "Ligne 2 : valeur : Ce champ tient sur une ligne : retirez le saut de ligne ou le caractère invisible "
            "(tabulation verticale (U+000B)).",
        ),
    ],
)
def test_chaque_erreur_avec_son_numero_de_ligne(monde, ligne, message):
    analyse = analyser(monde.utilisateurs["uesl"], f"{MARSEILLE};2013-12-31;vc;80", ligne)
    assert analyse.erreurs == [message.replace("Ligne 2", "Ligne 3")]
    assert analyse.lignes == []


def test_date_future_refusee_pour_va_seulement(monde, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2013, 6, 30))
    analyse = analyser(
        monde.utilisateurs["uesl"],
        f"{LYON};2013-12-31;vi;100",  # a target is dated its year end, whatever today
        f"{LYON};2013-12-31;va;40",
    )
    assert analyse.erreurs == ["Ligne 3 : date 31/12/2013 postérieure à aujourd'hui (30/06/2013)."]


def test_doublon_refuse(monde):
    analyse = analyser(
        monde.utilisateurs["uesl"],
        f"{LYON};2013-12-31;va;40",
        f"{MARSEILLE};2013-12-31;va;40",
        f"{LYON};31/12/2013;VA;40",
    )
    assert analyse.erreurs == ["Ligne 4 : même indicateur, zone, date et type de valeur que la ligne 2."]


def test_un_refus_n_ecrit_rien_et_nomme_chaque_ligne(client, monde):
    acteurs.connecte(client, monde.utilisateurs["uesl"])
    avant = (Realisation.objects.count(), Realisation.history.count(), acteurs.etat_de_la_base())
    reponse = televerser(
        client,
        fichier_pilote(
            f"{LYON};2013-12-31;va;45",
            f"{MARSEILLE};2013-12-31;vc;81",
            f"{MARSEILLE};2013-12-31;va;10",
            f"{LYON};2013-12-31;va;50",
        ),
    )
    assert reponse.status_code == 200
    contenu = html.unescape(reponse.content.decode())
    assert "Lignes refusées" in contenu and "rien n'a été enregistré" in contenu
    assert "Ligne 3 : la cible (vc) 81 diffère de la cible enregistrée (80)" in contenu
    assert "Ligne 5 : même indicateur, zone, date et type de valeur que la ligne 2." in contenu
    assert "Ligne 2 :" not in contenu and "Ligne 4 :" not in contenu
    assert (Realisation.objects.count(), Realisation.history.count(), acteurs.etat_de_la_base()) == avant
    assert not client.session.get("imports_realisations")


def test_un_secretariat_n_importe_pas_pour_l_aire_d_une_autre_conference(client, monde):
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    nombre = Realisation.objects.count()
    reponse = televerser(client, fichier_pilote(f"{LYON};2013-12-31;va;45", f"{MARSEILLE};2013-12-31;va;10"))
    contenu = html.unescape(reponse.content.decode())
    assert (
        "Ligne 3 : l'objectif « Marseille - Aix-en-Provence — Production de logements sociaux 2013 » ne relève pas "
        "de vos conférences." in contenu
    )
    assert "Ligne 2 :" not in contenu
    assert Realisation.objects.count() == nombre


def test_annee_close_refuse_ce_qui_serait_enregistre_seulement(monde):
    services.cloturer_annee(2013, monde.utilisateurs["uesl"])
    ClotureAnnee.objects.filter(annee=2013).update(close_le=timezone.make_aware(datetime.datetime(2016, 1, 31, 10)))
    uesl = monde.utilisateurs["uesl"]
    a_jour = analyser(uesl, f"{LYON};2013-12-31;vi;100", f"{LYON};2013-12-31;va;30")
    assert (a_jour.erreurs, a_jour.lignes, a_jour.a_jour) == ([], [], 1)
    refus = analyser(uesl, f"{LYON};2013-12-31;va;31")
    assert refus.erreurs == [
        "Ligne 2 : l'année 2013 est close depuis le 31/01/2016 : ses réalisations ne peuvent plus être importées."
    ]


def test_titres_pilote_dans_un_autre_ordre_et_classeur(monde):
    import tablib

    classeur = tablib.Dataset(
        headers=["Valeur", "type_valeur", "identifiant_indic", "zone_id", "zone_nom", "date_valeur"]
    )
    classeur.append([35, "va", "AL-logement_social-logements", "AU2010-002", "Lyon", datetime.date(2013, 12, 31)])
    analyse = analyser_fichier("pilote.xlsx", classeur.export("xlsx"), monde.utilisateurs["secretariat"])
    assert analyse.erreurs == []
    assert [(ligne.objectif, ligne.quantite) for ligne in analyse.lignes] == [(monde.objectif_lyon, 5)]


def test_fichier_pilote_sans_ligne(monde):
    analyse = analyser(monde.utilisateurs["uesl"])
    assert analyse.erreurs == ["Le fichier PILOTE ne contient aucune ligne de valeur."]
