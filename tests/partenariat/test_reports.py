"""The national report, the reports page and command, and what every report guarantees: accessible PDF/UA,
French typography, no network access while rendering, sign-in required."""

import datetime
import re
import socket
from collections import defaultdict
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conferences.models import ConferenceTerritoriale
from engagements.avancement import Statut
from engagements.models import Objectif, Realisation
from partenariat.commun.pdf import AdresseRefusee, fetcher_statique, rendre_pdf, trouver_fichier_statique
from partenariat.commun.templatetags.chiffres import nombre, taux
from partenariat.commun.templatetags.rapports_pdf import date_longue_fr, espacer
from partenariat.pilotage.reports import (
    date_des_donnees,
    date_du_rapport_national,
    html_national,
    objectifs_du_perimetre,
    par_aire,
    render_national_pdf,
)
from tests import fabriques
from tests.acteurs import connecte_compte
from tests.lecture_pdf import lignes_csv, lire_pdf, texte_pdf, une_ligne
from tests.lecture_pdf import nombre as nombre_pdf
from tests.lecture_pdf import taux as taux_pdf
from tests.rapports import telecharger_rapport

pytestmark = pytest.mark.django_db

FIN_2014 = datetime.date(2014, 12, 31)


# --- National report -----------------------------------------------------------------------------------------


def test_rapport_national_2014_lignes_par_aire_egales_a_la_base_et_a_l_export(client, demo):
    connecte_compte(client, "elu")
    response = telecharger_rapport(client, "/rapports/national.pdf?annee=2014")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rapport-national-2014.pdf"'
    texte = texte_pdf(response.content)
    assert "Rapport national d'avancement — année 2014" in texte
    assert "Situation au 31 décembre 2014" in texte

    # Independent computation straight from the tables: targets agreed by the end of 2014, achievements up to then.
    attendu = defaultdict(lambda: [0, 0])
    for objectif in Objectif.objects.filter(annee=2014).convenus_au(FIN_2014).select_related("aire"):
        validees = objectif.realisations.filter(date__lte=FIN_2014, etat="validee")  # pending ones do not count
        realise = validees.aggregate(s=Sum("quantite"))["s"] or 0
        attendu[(objectif.aire.code, objectif.aire.nom)][0] += objectif.cible
        attendu[(objectif.aire.code, objectif.aire.nom)][1] += realise
    assert len(attendu) == 12

    export = lignes_csv(client.get("/objectifs/?annee=2014&date=2014-12-31&_export=csv"))
    par_aire_csv = defaultdict(lambda: [0, 0])
    for ligne in export:
        par_aire_csv[ligne["Code aire"]][0] += int(ligne["Cible"])
        par_aire_csv[ligne["Code aire"]][1] += int(ligne["Réalisé"])

    for (code, nom), (cible, realise) in attendu.items():
        assert par_aire_csv[code] == [cible, realise], code
        rapport = f"\n{nom} ({code}) {nombre_pdf(cible)} {nombre_pdf(realise)} {taux_pdf(realise * 100 / cible)} "
        assert rapport in texte, rapport
    assert "Phase «\xa02013 – aires métropolitaines en tension\xa0» (12 aires)" in texte
    assert texte.count(" / 4\n") == 12  # late or without achievement, out of the area's four objectives
    cible, realise = (sum(v[i] for v in attendu.values()) for i in (0, 1))
    total = f"cible\xa0{nombre_pdf(cible)}, réalisé\xa0{nombre_pdf(realise)}, taux\xa0{taux_pdf(realise * 100 / cible)}"
    assert total in une_ligne(texte)
    assert f"\nTotal {nombre_pdf(cible)} {nombre_pdf(realise)} {taux_pdf(realise * 100 / cible)}\n" in texte


def test_rapport_national_periode_entiere(demo):
    nom, contenu = render_national_pdf()

    assert nom == "rapport-national-2013-2015.pdf"
    texte = texte_pdf(contenu)
    assert "Rapport national d'avancement — période 2013–2015" in texte
    assert "Situation au 31 décembre 2015" in texte
    for titre in (
        "Démarrer par les aires métropolitaines en tension, puis étendre",
        "Installer les conférences territoriales dans les six mois — En retard",
        "Associer les conférences aux travaux de programmation de l'habitat",
        "Partager l'observation des besoins en logement des entreprises",
        "Définir des objectifs partagés pour le logement des salariés",
    ):
        assert titre in une_ligne(texte)
    assert "2013 – aires métropolitaines en tension 1er janvier 2013 12" in texte
    assert "7 dans les délais, 3 en retard, 1 pas encore installée" in une_ligne(texte)
    assert "Conférence territoriale Rhône-Alpes – Grenoble (démo) 17 janvier 2013\n" in texte
    assert "Conférence territoriale Languedoc-Roussillon – Montpellier (démo) pas encore installée\n" in texte
    assert "Lyon (démo) 15 novembre 2012" not in texte  # on time: counted, not listed
    # The demo's late areas (Marseille, Toulouse, Nice behind; Montpellier with nothing recorded).
    retards = texte.split("Aires en retard au 31 décembre 2015 (4)")[1]
    for code in ("003", "004", "007", "015"):
        assert f"\n{code} " in retards
    assert "\n002 " not in retards

    totaux = objectifs_du_perimetre(datetime.date(2015, 12, 31)).avec_avancement(datetime.date(2015, 12, 31)).totaux()
    cible, realise = nombre_pdf(totaux["cible_totale"]), nombre_pdf(totaux["realise_total"])
    taux_global = taux_pdf(totaux["taux"])
    assert f"\nTotal {cible} {realise} {taux_global}\n" in texte  # by scheme
    assert f"cible\xa0{cible}, réalisé\xa0{realise}, taux\xa0{taux_global}" in une_ligne(texte)  # by area


@pytest.mark.parametrize("au", [datetime.date(2013, 4, 15), FIN_2014, datetime.date(2015, 12, 31)])
def test_tableau_par_aire_en_une_requete_comme_les_pages(db, django_assert_num_queries, au):
    """Each area's row equals what the objective list computes for its objectives (`avec_avancement`)."""
    fabriques.jeu_de_donnees(40, objectifs_par_aire=5, realisations_par_objectif=3)
    with django_assert_num_queries(1):
        lignes = par_aire(objectifs_du_perimetre(au), au)

    attendu = defaultdict(lambda: defaultdict(int))
    for code, cible, realise, statut in (
        objectifs_du_perimetre(au).avec_avancement(au).values_list("aire__code", "cible", "realise", "statut")
    ):
        for cle, valeur in (("nb_objectifs", 1), ("cible", cible), ("realise", realise), (statut, 1)):
            attendu[code][cle] += valeur
    assert sorted(ligne["code"] for ligne in lignes) == sorted(attendu)
    # One table per phase in the report: rows come by phase, then by code; outside the scheme last.
    cles = [(ligne["phase"] is None, ligne["phase_ordre"] or 0, ligne["code"]) for ligne in lignes]
    assert cles == sorted(cles)
    for ligne in lignes:
        compte = attendu[ligne["code"]]
        assert (ligne["nb_objectifs"], ligne["cible"], ligne["realise"]) == (
            compte["nb_objectifs"],
            compte["cible"],
            compte["realise"],
        )
        assert (ligne["nb_en_retard"], ligne["nb_sans_realisation"]) == (
            compte[Statut.EN_RETARD],
            compte[Statut.SANS_REALISATION],
        )
    assert any(ligne["nb_retard"] for ligne in lignes) or au.year == 2013


def test_contexte_national_en_nombre_de_requetes_constant(db):
    fabriques.jeu_de_donnees(3)
    comptes = []
    for ajout in (None, 120):
        if ajout:
            fabriques.jeu_de_donnees(ajout, objectifs_par_aire=6, debut=100)
        cache.clear()  # both counts measure the computation, not a cached figure
        with CaptureQueriesContext(connection) as requetes:
            html_national()
        comptes.append(len(requetes.captured_queries))
    assert comptes[0] == comptes[1] <= 30


def test_date_du_rapport_national():
    assert date_du_rapport_national(2014, aujourd_hui=datetime.date(2026, 1, 5)) == FIN_2014
    assert date_du_rapport_national(None, aujourd_hui=datetime.date(2026, 1, 5)) == datetime.date(2015, 12, 31)
    assert date_du_rapport_national(2014, aujourd_hui=datetime.date(2014, 3, 2)) == datetime.date(2014, 3, 2)


@pytest.mark.parametrize("annee", ["2012", "2016", "abc", "-1"])
def test_annee_hors_periode_404(client, demo, annee):
    assert connecte_compte(client, "elu").get(f"/rapports/national.pdf?annee={annee}").status_code == 404


# --- Every report: signed-in users only, any role ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/rapports/", "/rapports/national.pdf", "/rapports/aires/002.pdf"])
def test_connexion_obligatoire(client, demo, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/connexion/")


@pytest.mark.parametrize("username", ["elu", "uesl", "secretariat-lyon", "admin"])
def test_tout_role_peut_exporter(client, demo, username):
    conference = ConferenceTerritoriale.objects.get(nom__contains="Nantes")
    response = telecharger_rapport(connecte_compte(client, username), f"/rapports/conferences/{conference.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


# --- Accessibility and metadata ---------------------------------------------------------------------------------


def test_pdf_ua_balise_en_francais_avec_metadonnees(demo):
    _nom, contenu = render_national_pdf(2013)
    lecteur = lire_pdf(contenu)
    catalogue = lecteur.trailer["/Root"]

    assert catalogue["/MarkInfo"] == {"/Marked": True}
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/Lang"] == "fr"
    assert catalogue["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert b"pdfuaid:part" in catalogue["/Metadata"].get_object().get_data()
    info = lecteur.metadata
    assert info["/Title"] == "Rapport national d'avancement — année 2013"
    assert info["/Author"] == "Suivi du protocole-cadre Action Logement × associations d'élus"
    assert "cinq engagements" in info["/Subject"]
    assert "rapport national" in info["/Keywords"] and "Action Logement" in info["/Keywords"]
    assert info["/Creator"] == "Suivi du protocole-cadre (Django, WeasyPrint)"
    assert lecteur.pdf_header == "%PDF-1.7"
    # A4 pages, numbered « n / N » in the footer, with the running title in the header.
    largeur, hauteur = (float(v) for v in lecteur.pages[0].mediabox.upper_right)
    assert (round(largeur), round(hauteur)) == (595, 842)
    nb_pages = len(lecteur.pages)
    assert nb_pages >= 5
    deuxieme = lecteur.pages[1].extract_text()
    assert f"Page 2 / {nb_pages}" in deuxieme
    assert "Rapport national d'avancement — année 2013" in deuxieme
    # The table of contents gives the page each section starts on (target-counter): the first page, after the
    # cover, where its title shows (as the heading, then in the running header).
    textes = [page.extract_text() for page in lecteur.pages]
    entrees = re.findall(r"^(\S.*?) \.{3,}\s+(\d+)$", textes[0], re.MULTILINE)
    assert len(entrees) == 8  # seven chapters and the revised targets
    for titre, numero in entrees:
        premiere = next(rang for rang, texte in enumerate(textes[1:], start=2) if titre in texte)
        assert premiere == int(numero), titre
    assert lecteur.outline  # bookmarks from the headings


# --- French typography ------------------------------------------------------------------------------------------


def test_filtres_de_typographie():
    assert nombre(12223100) == "12\u202f223\u202f100"
    assert nombre(None) == "—"
    assert taux(87.44) == "87,4\u202f%"
    assert taux(None) == "—"
    assert date_longue_fr(datetime.date(2012, 6, 27)) == "27 juin 2012"
    assert date_longue_fr(datetime.date(2013, 1, 1)) == "1er janvier 2013"
    assert date_longue_fr(None) == "—"
    assert espacer("Délai : 6 mois ; 45 % ? oui ! « cité »") == (
        "Délai\u00a0: 6 mois\u202f; 45\u202f%\u202f? oui\u202f! «\u00a0cité\u00a0»"
    )
    assert espacer("https://exemple.org 14:30") == "https://exemple.org 14:30"


# --- No network while rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/x.css",
        "ftp://example.org/x.png",
        "file:///etc/passwd",
        "file:///static/../../../../etc/passwd",
        "file:///static/css/inexistant.css",
        "file://example.org/static/css/pdf.css",
        "http://127.0.0.1:8000/static/css/pdf.css",
    ],
)
def test_le_fetcher_refuse_tout_sauf_les_fichiers_statiques(url):
    with pytest.raises(AdresseRefusee):
        fetcher_statique().fetch(url)


def test_le_fetcher_sert_les_fichiers_statiques_et_data():
    reponse = fetcher_statique().fetch("file:///static/css/pdf.css")
    assert reponse.content_type == "text/css"
    assert b"@page" in reponse.read()
    chemin = trouver_fichier_statique("css/pdf.css")
    assert fetcher_statique().fetch(chemin.as_uri()).read() == chemin.read_bytes()
    assert fetcher_statique().fetch("data:text/plain;base64,Ym9uam91cg==").read() == b"bonjour"
    assert trouver_fichier_statique("../manage.py") is None


def test_aucune_requete_reseau_pendant_le_rendu(monkeypatch, caplog):
    appels = []

    def interdit(*args, **kwargs):
        appels.append(args)
        raise AssertionError("accès réseau pendant le rendu d'un rapport")

    monkeypatch.setattr(socket, "create_connection", interdit)
    monkeypatch.setattr(socket, "getaddrinfo", interdit)
    monkeypatch.setattr(socket.socket, "connect", interdit)
    html = (
        '<!DOCTYPE html><html lang="fr"><head><title>Essai</title>'
        '<link rel="stylesheet" href="https://example.org/x.css">'
        "<style>@import url(http://example.org/y.css); body { background: url(http://example.org/z.png) }</style>"
        '<link rel="stylesheet" href="/static/css/pdf.css"></head>'
        '<body><p>Texte</p><img src="http://example.org/x.png" alt="x"><img src="file:///etc/hostname" alt="y">'
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://example.org/w.png"/></svg></body></html>'
    )
    with caplog.at_level("WARNING", logger="partenariat.commun.pdf"):
        contenu = rendre_pdf(html)

    assert appels == []
    assert contenu.startswith(b"%PDF-")
    refusees = " ".join(caplog.messages)
    for url in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/hostname"):
        assert url in refusees


# --- Data date, the reports page, the command ---------------------------------------------------------------------


def test_date_des_donnees(db):
    assert date_des_donnees() is None
    objectif = fabriques.objectif(fabriques.aire())
    assert date_des_donnees() == timezone.localdate()  # the objective's history row
    Objectif.history.update(history_date=timezone.now() - datetime.timedelta(days=40))
    assert date_des_donnees() == timezone.localdate() - datetime.timedelta(days=40)
    Realisation.objects.create(objectif=objectif, quantite=3, date=datetime.date(2013, 5, 1))
    assert date_des_donnees() == timezone.localdate()


def test_page_des_rapports(client, demo):
    response = connecte_compte(client, "elu").get("/rapports/")
    contenu = response.content.decode()

    assert response.status_code == 200
    assert "Données enregistrées jusqu'au" in contenu
    assert 'href="/rapports/national.pdf"' in contenu
    for annee in (2013, 2014, 2015):
        assert f'href="/rapports/national.pdf?annee={annee}"' in contenu
    for code in ("001", "002", "003", "015"):
        assert f'href="/rapports/aires/{code}.pdf"' in contenu
    for conference in ConferenceTerritoriale.objects.all():
        assert f'href="/rapports/conferences/{conference.pk}.pdf"' in contenu


def test_les_fiches_renvoient_vers_leur_rapport(client, demo):
    connecte_compte(client, "elu")
    assert 'href="/rapports/aires/002.pdf"' in client.get("/aires/002/").content.decode()
    conference = ConferenceTerritoriale.objects.get(nom__contains="Lyon")
    page = client.get(f"/conferences/{conference.pk}/").content.decode()
    assert f'href="/rapports/conferences/{conference.pk}.pdf"' in page


def test_commande_rapport_aire_et_national(demo, tmp_path, monkeypatch):
    sortie = StringIO()
    call_command("rapport", "aire", "002", "-o", str(tmp_path / "lyon.pdf"), stdout=sortie)
    assert "Rapport écrit dans" in sortie.getvalue()
    assert "Lyon (aire urbaine 002)" in texte_pdf((tmp_path / "lyon.pdf").read_bytes())

    call_command("rapport", "national", "--annee", "2014", "-o", str(tmp_path / "n.pdf"), stdout=StringIO())
    assert "année 2014" in texte_pdf((tmp_path / "n.pdf").read_bytes())

    monkeypatch.chdir(tmp_path)
    call_command("rapport", "national", stdout=StringIO())
    assert (tmp_path / "rapport-national-2013-2015.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["aire", "999"], "Aucune aire urbaine ne porte le code « 999 »."),
        (["aire"], "Indiquez le code de l'aire urbaine"),
        (["conference", "999999"], "Aucune conférence territoriale ne porte le numéro « 999999 »."),
        (["conference", "abc"], "Aucune conférence territoriale ne porte le numéro « abc »."),
        (["national", "--annee", "2019"], "L'année 2019 est hors de la période du protocole (2013 à 2015)."),
        (["national", "--annee", "abc"], "« abc » n'est pas une année"),
        (["aire", "002", "--annee", "2014"], "L'option --annee ne s'applique qu'au rapport national."),
        (["national", "002"], "Le rapport national ne prend pas d'identifiant"),
        (["aire", "002", "-o", "/dossier/inexistant/x.pdf"], "Impossible d'écrire « /dossier/inexistant/x.pdf »"),
    ],
)
def test_commande_erreurs_en_francais(demo, arguments, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call_command("rapport", *arguments, stdout=StringIO())
