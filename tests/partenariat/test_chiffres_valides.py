"""Every figure counts validated achievements only; `?en_attente=1` shows the provisional ones, and says so.

A submitted achievement is created through the model's own save (`etat="soumise"`), as the data-entry services
will; validating it is setting `etat="validee"` and saving, which keeps the running totals as any write does.
"""

import datetime
import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.avancement import EtatRealisation, agreger_avancement, avancement_national
from engagements.models import Objectif, Realisation
from engagements.services import realisations_de, serie_cumulee
from tests import fabriques
from tests.acteurs import connecte
from tests.lecture_pdf import lignes_csv, taux, texte_pdf, une_ligne
from tests.rapports import telecharger_rapport
from tests.test_html_valide import VNU, erreurs_vnu

pytestmark = pytest.mark.django_db
D = datetime.date
AU = D(2013, 12, 31)
NOTICE = "Chiffres provisoires : ils comptent les réalisations en attente de validation."
EN_ATTENTE = "en_attente=1"


def avec(url, suffixe):
    return f"{url}{'&' if '?' in url else '?'}{suffixe}" if suffixe else url


@pytest.fixture
def lecteur(client, monde):
    """The world (Lyon: target 100, 30 validated; Marseille: target 80, nothing) seen by a UESL staff member."""
    return connecte(client, monde.utilisateurs["uesl"])


MAI_2013 = D(2013, 5, 1)


def soumettre(monde, quantite=20, date=MAI_2013):
    return Realisation.objects.create(objectif=monde.objectif_lyon, quantite=quantite, date=date, etat="soumise")


def valider(realisation):
    realisation.etat = EtatRealisation.VALIDEE
    realisation.save()


def ligne_csv(lignes, colonne, valeur):
    return next(ligne for ligne in lignes if ligne[colonne] == valeur)


def chiffres_des_pages(client, monde, suffixe=""):
    """Lyon's achieved quantity (or rate) as every page, export, chart and report shows it."""
    objectif = client.get(avec(f"/objectifs/{monde.objectif_lyon.pk}/", suffixe)).context["objectif"]
    objectifs_csv = lignes_csv(client.get(avec("/objectifs/?_export=csv", suffixe)))
    aires_csv = lignes_csv(client.get(avec("/aires/?_export=csv", suffixe)))
    aire = client.get(avec("/aires/002/", suffixe)).context
    conference = client.get(avec(f"/conferences/{monde.lyon.pk}/", suffixe)).context
    tableau = client.get(avec("/", suffixe)).context
    deploiement = client.get(avec("/deploiement/?date=2013-12-31", suffixe)).context
    carte = client.get(avec("/aires/carte/?mode=avancement", suffixe)).context
    objectifs_lyon = Objectif.objects.filter(aire=monde.aire_lyon)
    provisoire = suffixe == EN_ATTENTE
    return {
        "objectif": (objectif.realise, objectif.taux, objectif.statut),
        "liste des objectifs (CSV)": ligne_csv(objectifs_csv, "Code aire", "002")["Réalisé"],
        "liste des aires (CSV)": ligne_csv(aires_csv, "Code", "002")["Taux de réalisation"],
        "page de l'aire": (aire["synthese"]["realise"], aire["aire"].realise_total),
        "page de la conférence": (
            conference["synthese"]["realise"],
            [a.realise_total for a in conference["aires"]],
        ),
        "tableau de bord": (tableau["totaux_objectifs"]["realise_total"], tableau["nb_realisations"]),
        "déploiement au 31/12/2013": (deploiement["totaux"]["realise_total"], deploiement["nb_realisations"]),
        "carte": [a.taux for a in carte["aires"] if a.code == "002"],
        "courbe cumulée": serie_cumulee(realisations_de(objectifs_lyon, provisoire), AU, provisoire),
    }


def test_une_realisation_soumise_ne_change_aucun_chiffre_avant_sa_validation(lecteur, monde):
    avant = chiffres_des_pages(lecteur, monde)
    assert avant["objectif"][0] == 30
    realisation = soumettre(monde)
    assert chiffres_des_pages(lecteur, monde) == avant

    provisoires = chiffres_des_pages(lecteur, monde, EN_ATTENTE)
    assert provisoires["objectif"][0] == 50
    for page, valeur in provisoires.items():
        assert valeur != avant[page], page

    valider(realisation)
    apres = chiffres_des_pages(lecteur, monde)
    for page, valeur in apres.items():
        assert valeur != avant[page], page
    assert apres == provisoires  # nothing pending any more: validated and provisional figures agree


def test_la_courbe_cumulee_ne_compte_que_les_realisations_validees(monde):
    soumettre(monde, quantite=20, date=D(2013, 5, 1))
    toutes = Realisation.objects.filter(objectif=monde.objectif_lyon)  # a caller passing every achievement
    assert serie_cumulee(toutes, AU) == [(D(2013, 4, 1), 30)]
    assert serie_cumulee(toutes, AU, provisoire=True) == [(D(2013, 4, 1), 30), (D(2013, 5, 1), 50)]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/deploiement/",
        "/aires/",
        "/aires/002/",
        "/aires/carte/",
        "/objectifs/",
        "/objectifs/{objectif}/",
        "/conferences/",
        "/conferences/{conference}/",
        "/rapports/",
    ],
)
def test_les_pages_disent_quels_chiffres_elles_montrent(lecteur, monde, url):
    url = url.format(objectif=monde.objectif_lyon.pk, conference=monde.lyon.pk)
    valide = lecteur.get(url).content.decode()
    assert "Chiffres validés : seules les réalisations validées sont comptées." in valide
    assert NOTICE not in valide
    assert 'name="en_attente" value="1">' in valide  # the switch, unchecked

    provisoire = lecteur.get(avec(url, EN_ATTENTE)).content.decode()
    assert NOTICE in provisoire
    assert 'name="en_attente" value="1" checked>' in provisoire
    assert '<label for="id_en_attente">Inclure les réalisations en attente</label>' in provisoire


def test_les_liens_gardent_le_choix(lecteur, monde):
    liste = lecteur.get("/objectifs/?en_attente=1&date=2013-06-30").content.decode()
    assert '<input type="hidden" name="date" value="2013-06-30">' in liste  # the filters' form keeps both
    assert "en_attente=1&amp;date=2013-06-30&amp;_export=csv" in liste
    assert "Chiffres provisoires : le nom des fichiers se termine par « -provisoire »" in liste

    aires = lecteur.get("/aires/?date=2013-06-30&en_attente=1").content.decode()
    assert 'href="/aires/carte/?date=2013-06-30&amp;en_attente=1"' in aires
    passee = lecteur.get("/aires/002/?date=2013-06-30").content.decode()
    assert '<input type="hidden" name="date" value="2013-06-30">' in passee  # the switch keeps the date
    aire = lecteur.get("/aires/002/?en_attente=1").content.decode()
    assert 'href="/rapports/aires/002.pdf?en_attente=1"' in aire
    assert "/objectifs/?aire=002&amp;en_attente=1" in aire
    conference = lecteur.get(f"/conferences/{monde.lyon.pk}/?en_attente=1").content.decode()
    assert f'href="/rapports/conferences/{monde.lyon.pk}.pdf?en_attente=1"' in conference
    tableau = lecteur.get("/?en_attente=1").content.decode()
    assert "/objectifs/?statut=en_retard&amp;en_attente=1" in tableau
    assert 'href="/deploiement/?en_attente=1"' in tableau
    deploiement = lecteur.get("/deploiement/?date=2013-06-30&en_attente=1").content.decode()
    assert "/objectifs/?date=2013-06-30&amp;en_attente=1" in deploiement
    rapports = lecteur.get("/rapports/?en_attente=1").content.decode()
    assert "/rapports/national.pdf?annee=2013&amp;en_attente=1" in rapports
    for url in ("/rapports/", "/aires/002/", "/", f"/conferences/{monde.lyon.pk}/"):
        assert "en_attente=1" not in lecteur.get(url).content.decode(), url


def test_le_filtre_de_statut_suit_les_chiffres_affiches(lecteur, monde):
    # Lyon's 30 of 100 is late on 31/12/2013; with 75 more pending, it is ahead in the provisional figures.
    soumettre(monde, quantite=75)
    valides = lignes_csv(lecteur.get("/objectifs/?date=2013-12-31&statut=en_retard&_export=csv"))
    provisoires = lignes_csv(lecteur.get("/objectifs/?date=2013-12-31&statut=en_retard&_export=csv&en_attente=1"))
    assert "002" in {ligne["Code aire"] for ligne in valides}
    assert "002" not in {ligne["Code aire"] for ligne in provisoires}


@pytest.mark.parametrize("format_", ["csv", "xlsx", "ods"])
def test_les_exports_provisoires_le_disent_dans_leur_nom(lecteur, monde, format_):
    for url, nom in (("/objectifs/", "objectifs"), ("/aires/", "aires-urbaines"), ("/conferences/", "conferences")):
        valide = lecteur.get(f"{url}?_export={format_}")
        provisoire = lecteur.get(f"{url}?_export={format_}&en_attente=1")
        assert f'filename="{nom}' in valide["Content-Disposition"]
        assert "provisoire" not in valide["Content-Disposition"]
        assert "-provisoire." + format_ in provisoire["Content-Disposition"]
        if format_ == "xlsx":
            import io

            import openpyxl

            classeur = openpyxl.load_workbook(io.BytesIO(provisoire.content), read_only=True)
            assert classeur.sheetnames == ["Chiffres provisoires"]
            assert "Chiffres provisoires" not in openpyxl.load_workbook(io.BytesIO(valide.content)).sheetnames
        if format_ == "csv":
            # The same columns either way: a machine reads a provisional file as a validated one.
            assert lignes_csv(provisoire)[0].keys() == lignes_csv(valide)[0].keys()


def test_rapports_pdf_valides_puis_provisoires(lecteur, monde):
    realisation = soumettre(monde)
    aire = une_ligne(texte_pdf(telecharger_rapport(lecteur, "/rapports/aires/002.pdf").content))
    national = une_ligne(texte_pdf(telecharger_rapport(lecteur, "/rapports/national.pdf?annee=2013").content))
    # Lyon: 30 of 100; nationally 30 of 180.
    assert f"Taux de réalisation global\xa0: {taux(30.0)}" in aire
    assert f"Taux de réalisation\xa0: {taux(30 * 100 / 180)}" in national
    for texte in (aire, national):
        assert "Chiffres validés : seules les réalisations validées sont comptées." in texte
        assert "provisoires" not in texte

    reponse = telecharger_rapport(lecteur, "/rapports/aires/002.pdf?en_attente=1")
    assert "-provisoire.pdf" in reponse["Content-Disposition"]
    aire_provisoire = une_ligne(texte_pdf(reponse.content))
    reponse = telecharger_rapport(lecteur, "/rapports/national.pdf?annee=2013&en_attente=1")
    assert "rapport-national-2013-provisoire.pdf" in reponse["Content-Disposition"]
    national_provisoire = une_ligne(texte_pdf(reponse.content))
    assert f"Taux de réalisation global\xa0: {taux(50.0)}" in aire_provisoire
    assert f"Taux de réalisation\xa0: {taux(50 * 100 / 180)}" in national_provisoire
    for texte in (aire_provisoire, national_provisoire):
        assert NOTICE in texte
        assert "(chiffres provisoires)" in texte  # in the title every page's header repeats

    valider(realisation)
    aire = une_ligne(texte_pdf(telecharger_rapport(lecteur, "/rapports/aires/002.pdf").content))
    national = une_ligne(texte_pdf(telecharger_rapport(lecteur, "/rapports/national.pdf?annee=2013").content))
    assert f"Taux de réalisation global\xa0: {taux(50.0)}" in aire
    assert f"Taux de réalisation\xa0: {taux(50 * 100 / 180)}" in national


def test_rapport_de_conference_provisoire(lecteur, monde):
    soumettre(monde)
    reponse = telecharger_rapport(lecteur, f"/rapports/conferences/{monde.lyon.pk}.pdf?en_attente=1")
    assert "-provisoire.pdf" in reponse["Content-Disposition"]
    texte = une_ligne(texte_pdf(reponse.content))
    assert NOTICE in texte
    assert taux(50.0) in texte


def test_nombre_de_realisations_en_attente_par_objectif_aire_et_conference(lecteur, monde):
    soumettre(monde, date=D(2013, 5, 1))
    soumettre(monde, date=D(2013, 6, 1))
    autre = fabriques.objectif(monde.aire_lyon, 2014, 50, conference=monde.lyon)
    Realisation.objects.create(objectif=autre, quantite=5, date=D(2014, 2, 1), etat="soumise")

    objectif = lecteur.get(f"/objectifs/{monde.objectif_lyon.pk}/").content.decode()
    assert "2 réalisations en attente de validation" in objectif
    aire = lecteur.get("/aires/002/").content.decode()
    assert '<a href="/validation/?aire=002">3 réalisations en attente de validation</a>' in aire
    conference = lecteur.get(f"/conferences/{monde.lyon.pk}/").content.decode()
    assert (
        f'<a href="/validation/?conference={monde.lyon.pk}">3 réalisations en attente de validation</a>' in conference
    )
    assert "3 réalisations en attente de validation" in lecteur.get("/").content.decode()
    marseille = lecteur.get(f"/conferences/{monde.marseille.pk}/").content.decode()
    assert "en attente de validation</a>" not in marseille

    objectifs = lignes_csv(lecteur.get("/objectifs/?_export=csv"))
    assert {(ligne["Code aire"], ligne["Année"], ligne["En attente de validation"]) for ligne in objectifs} == {
        ("002", "2013", "2"),
        ("002", "2014", "1"),
        ("003", "2013", "0"),
    }
    aires = lignes_csv(lecteur.get("/aires/?_export=csv"))
    assert ligne_csv(aires, "Code", "002")["En attente de validation"] == "3"
    assert ligne_csv(aires, "Code", "003")["En attente de validation"] == "0"
    conferences = lignes_csv(lecteur.get("/conferences/?_export=csv"))
    assert ligne_csv(conferences, "Conférence", "Conférence de Lyon")["En attente de validation"] == "3"
    assert ligne_csv(conferences, "Conférence", "Conférence de Marseille")["En attente de validation"] == "0"

    # Someone who cannot validate reads the count without a link to a queue closed to them.
    elu = connecte(lecteur, monde.utilisateurs["elu"])
    aire = elu.get("/aires/002/").content.decode()
    assert "3 réalisations en attente de validation" in aire
    assert "/validation/" not in aire


def test_une_seule_realisation_en_attente_au_singulier(lecteur, monde):
    soumettre(monde)
    assert "1 réalisation en attente de validation" in lecteur.get("/aires/002/").content.decode()


@pytest.mark.parametrize("url", ["/aires/", "/objectifs/", "/conferences/"])
def test_les_listes_gardent_leur_nombre_de_requetes_avec_le_choix(admin_client, url):
    fabriques.jeu_de_donnees(3)
    for objectif in Objectif.objects.all()[:4]:
        fabriques.realisation(objectif, 3, D(2013, 7, 1), etat="soumise")
    comptes = {}
    for suffixe in ("", EN_ATTENTE, f"sort=-nb_en_attente&{EN_ATTENTE}", "date=2013-06-30&en_attente=1"):
        cache.clear()
        with CaptureQueriesContext(connection) as requetes:
            assert admin_client.get(avec(url, suffixe)).status_code == 200
        comptes[suffixe] = len(requetes.captured_queries)
    assert len(set(comptes.values())) == 1, comptes


# --- The cache follows validation, not submission ---------------------------------------------------------------


def frais(au=AU, provisoire=False):
    return agreger_avancement(Objectif.objects.convenus_au(au), au, provisoire)["totaux"]


def test_une_soumission_laisse_les_chiffres_valides_en_cache(monde, django_assert_num_queries):
    premier = avancement_national(AU)
    provisoire = avancement_national(AU, provisoire=True)
    realisation = soumettre(monde, date=D(2013, 5, 1))  # dated before the cached date

    with django_assert_num_queries(1):  # the journal lookup only: nothing recomputed
        assert avancement_national(AU) == premier
    assert premier["totaux"] == frais()
    # The provisional figures count it at once.
    assert avancement_national(AU, provisoire=True) != provisoire
    assert avancement_national(AU, provisoire=True)["totaux"] == frais(provisoire=True)

    valider(realisation)
    apres = avancement_national(AU)
    assert apres["totaux"] == frais()
    assert apres["totaux"]["realise_total"] == premier["totaux"]["realise_total"] + 20


def test_une_realisation_renvoyee_ne_compte_nulle_part(monde):
    avant = avancement_national(AU, provisoire=True)
    Realisation.objects.create(objectif=monde.objectif_lyon, quantite=9, date=D(2013, 5, 1), etat="renvoyee")
    assert avancement_national(AU, provisoire=True)["totaux"] == avant["totaux"]
    assert avancement_national(AU)["totaux"] == frais()


@pytest.fixture
def vnu():
    """The Nu HTML Checker's command, as tests/test_html_valide.py runs it (required under CI)."""
    java = shutil.which("java")
    if not java or not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail("Validation HTML impossible alors que CI=true : java ou vnu.jar est introuvable.")
        pytest.skip("java ou vnu.jar est introuvable")
    return [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only"]


def test_les_pages_provisoires_sont_du_html_valide(vnu, lecteur, monde, tmp_path):
    """With the switch on and achievements pending: the notice, the checked box and the counts are valid HTML."""
    soumettre(monde)
    urls = [
        "/",
        "/deploiement/?date=2013-06-30",
        "/aires/?date=2013-06-30",
        "/aires/002/",
        "/aires/carte/?mode=avancement",
        "/objectifs/",
        f"/objectifs/{monde.objectif_lyon.pk}/",
        "/conferences/",
        f"/conferences/{monde.lyon.pk}/",
        "/rapports/",
    ]
    pages = {url: lecteur.get(avec(url, EN_ATTENTE)).content.decode() for url in urls}
    pages["/aires/002/ (chiffres validés)"] = lecteur.get("/aires/002/").content.decode()
    assert erreurs_vnu(vnu, pages, tmp_path) == []
