"""What the lists show: linked and escaped cells, French numbers, accessible sortable headers, raw exports."""

import csv
import datetime
import io
import re

import pytest

from tests import fabriques

pytestmark = pytest.mark.django_db

ESPACE = "\u202f"  # the French thousands separator of partenariat/formats


def ligne_de(page, texte):
    """The <tr> of the body holding `texte`."""
    corps = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    lignes = [ligne for ligne in re.findall(r"<tr>(.*?)</tr>", corps) if texte in ligne]
    assert len(lignes) == 1, lignes
    return lignes[0]


def cellules(ligne):
    return re.findall(r"<td[^>]*>(.*?)</td>", ligne)


@pytest.fixture
def lyon():
    aire = fabriques.aire(code="002", nom="Lyon <Rhône> & Ain", population=2_214_068, tension="tendue")
    conference = fabriques.conference(nom="Conférence Lyon", aires=[aire])
    objectif = fabriques.objectif(aire, annee=2013, cible=1_200, conference=conference)
    fabriques.realisation(objectif, 600, datetime.date(2013, 3, 1))
    return aire, conference, objectif


def test_cellules_des_aires(lyon, admin_client):
    aire, conference, _ = lyon
    sans_conference = fabriques.aire(code="777", nom="Aire seule", categorie="petite", population=950)
    page = admin_client.get("/aires/?date=2013-12-31").content.decode()

    code, nom, categorie, population, _, phase, conf, objectifs, taux, en_attente = cellules(ligne_de(page, ">002<"))
    assert code == '<a href="/aires/002/">002</a>'
    assert nom == '<a href="/aires/002/">Lyon &lt;Rhône&gt; &amp; Ain</a>'
    assert categorie == "Grande aire urbaine"
    assert population == f"2{ESPACE}214{ESPACE}068"
    assert phase == "Hors dispositif"
    assert conf == f'<a href="/conferences/{conference.pk}/">Conférence Lyon</a>'
    assert objectifs == "1"
    assert taux == "50,0\u202f%"
    assert en_attente == "0"
    assert '<td class="nombre">50,0\u202f%</td>' in ligne_de(page, ">002<")

    vide = cellules(ligne_de(page, f">{sans_conference.code}<"))
    assert vide[2:4] == ["Petite aire", "950"]
    assert vide[6:] == ["—", "0", "—", "0"]


def test_cellules_des_objectifs(lyon, admin_client):
    aire, _, objectif = lyon
    page = admin_client.get("/objectifs/?date=2013-12-31").content.decode()

    ligne = cellules(ligne_de(page, ">002<"))
    code, nom, dispositif, annee, cible, cible_initiale, unite, realise, taux, statut, en_attente = ligne
    assert nom == '<a href="/aires/002/">Lyon &lt;Rhône&gt; &amp; Ain</a>'
    assert dispositif == f'<a href="/objectifs/{objectif.pk}/">Production de logements sociaux</a>'
    assert (annee, cible, realise, taux) == ("2013", f"1{ESPACE}200", "600", "50,0\u202f%")
    assert cible_initiale == f"1{ESPACE}200"
    assert re.fullmatch(r'<span class="statut statut-[a-z_]+">[^<]+</span>', statut)
    assert en_attente == "0"


def test_cellules_des_conferences(lyon, admin_client):
    aire, conference, _ = lyon
    conference.date_installation = datetime.date(2013, 4, 2)
    conference.save()
    page = admin_client.get("/conferences/").content.decode()

    nom, _, aires, installation, delai, *nombres = cellules(ligne_de(page, "Conférence Lyon"))
    assert nom == f'<a href="/conferences/{conference.pk}/">Conférence Lyon</a>'
    assert aires == '<a href="/aires/002/">Lyon &lt;Rhône&gt; &amp; Ain (002)</a>'
    assert installation == "02/04/2013"
    assert re.fullmatch(r'<span class="etat etat-[a-z_]+">[^<]+</span>', delai)
    assert nombres == ["0", "0", "1", "0"]  # members, meetings, objectives, achievements awaiting validation


def test_en_tetes_accessibles_et_liens_de_tri(lyon, admin_client):
    page = admin_client.get("/aires/?sort=-population").content.decode()

    assert "<caption>Aires urbaines</caption>" in page
    entetes = re.findall(r"<th [^>]*>.*?</th>", page, re.S)
    assert len(entetes) == 10 and all('scope="col"' in th for th in entetes)
    population = next(th for th in entetes if "Population" in th)
    assert 'aria-sort="descending"' in population
    assert 'href="?sort=population"' in population and 'title="Trier par population"' in population
    assert sum("aria-sort" in th for th in entetes) == 1
    assert 'href="?sort=code"' in next(th for th in entetes if ">Code<" in th)


def test_tri_appliqué_aux_lignes(admin_client):
    for population in (500, 90_000, 3_000):
        fabriques.aire(population=population)
    page = admin_client.get("/aires/?sort=-population").content.decode()
    corps = page.split("<tbody>", 1)[1]
    assert [cellules(ligne)[3] for ligne in re.findall(r"<tr>(.*?)</tr>", corps)] == [
        f"90{ESPACE}000",
        f"3{ESPACE}000",
        "500",
    ]


def test_liste_vide(admin_client):
    page = admin_client.get("/objectifs/").content.decode()
    assert '<tr><td colspan="11">Aucun objectif ne correspond à ces filtres.</td></tr>' in page
    assert "<caption>Objectifs partagés</caption>" in page


def test_exports_en_valeurs_brutes(lyon, admin_client):
    reponse = admin_client.get("/aires/?date=2013-12-31&_export=csv")
    lignes = list(csv.DictReader(io.StringIO(reponse.content.decode("utf-8-sig"))))
    assert lignes == [
        {
            "Code": "002",
            "Aire urbaine": "Lyon <Rhône> & Ain",
            "Catégorie": "Grande aire urbaine",
            "Population": "2214068",
            "Tension": "Marché tendu",
            "Phase": "",  # the on-screen default is not a value
            "Conférence": "Conférence Lyon",
            "Objectifs": "1",
            "Taux de réalisation": "50.0",
            "En attente de validation": "0",
        }
    ]
    reponse = admin_client.get("/objectifs/?date=2013-12-31&_export=csv")
    (ligne,) = csv.DictReader(io.StringIO(reponse.content.decode("utf-8-sig")))
    assert (ligne["Aire urbaine"], ligne["Dispositif"], ligne["Cible"], ligne["Taux de réalisation"]) == (
        "Lyon <Rhône> & Ain",
        "Production de logements sociaux",
        "1200",
        "50.0",
    )
