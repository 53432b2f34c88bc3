"""The open-data page and files: off by default, public when on, the figures of /objectifs/ and nothing personal."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from aires_urbaines.models import AireUrbaine
from conferences.models import MembreConference
from engagements import services
from engagements.models import Dispositif, Objectif, Realisation, Unite
from partenariat.pilotage.donnees_ouvertes import LICENCE, NOMS_CHAMPS, PRODUCTEUR
from tests import fabriques
from tests.acteurs import connecte

pytestmark = pytest.mark.django_db

PAGE = "/donnees-ouvertes/"
CSV = "/donnees-ouvertes/avancement.csv"
JSON = "/donnees-ouvertes/avancement.json"
ADRESSES = (PAGE, CSV, JSON)

CHAMPS_DOCUMENTES = {
    *("code_aire", "nom_aire", "dispositif", "libelle_dispositif", "annee", "unite"),
    *("cible", "cible_initiale", "realise", "taux", "phase", "date_des_chiffres"),
}
NOTE = "Note interne : ne pas diffuser"
MOTIF = "Motif confidentiel de la révision"
COMMENTAIRE_EXAMEN = "Examen : justificatif relu par téléphone"
COURRIEL = "anne.durand@exemple.test"

ouvert = override_settings(DONNEES_OUVERTES=True)


@pytest.fixture
def publiees():
    with ouvert:
        yield


@pytest.fixture
def donnees(monde):
    """The world, with a revised target, a zero target, a second unit, an area entering the scheme later, one
    achievement waiting for validation and every kind of personal text on the records."""
    uesl = monde.utilisateurs["uesl"]
    prioritaire = fabriques.phase("prioritaire-2013", datetime.date(2013, 1, 1))
    fabriques.entree(monde.aire_lyon, prioritaire, datetime.date(2013, 1, 1))
    fabriques.entree(monde.aire_marseille, prioritaire, datetime.date(2999, 1, 1))
    Objectif.objects.filter(pk=monde.objectif_lyon.pk).update(notes=NOTE)
    services.reviser_cible(Objectif.objects.get(pk=monde.objectif_lyon.pk), 120, MOTIF, uesl)
    fabriques.objectif(monde.aire_lyon, 2014, 0, Dispositif.ACCUEIL_SPECIFIQUE)
    fabriques.objectif(monde.aire_lyon, 2014, 10, Dispositif.ACCUEIL_SPECIFIQUE, unite=Unite.SALARIES)
    fabriques.realisation(monde.objectif_marseille, 25, datetime.date(2013, 6, 1), etat="soumise")
    Realisation.objects.filter(pk=monde.realisation_lyon.pk).update(commentaire_examen=COMMENTAIRE_EXAMEN)
    get_user_model().objects.filter(pk=uesl.pk).update(email=COURRIEL)
    return monde


def lignes_csv(contenu):
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8"), newline="")))


def chiffres(lignes, colonnes):
    """(area code, year, target, initial target, achieved, rate) of each row, read under `colonnes`, sorted."""
    code, *entiers, taux = colonnes
    return sorted(
        (ligne[code], *(int(ligne[nom]) for nom in entiers), None if ligne[taux] in ("", None) else float(ligne[taux]))
        for ligne in lignes
    )


def telecharger(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    return reponse.content


# --- Off by default -----------------------------------------------------------------------------------------------


@override_settings(DONNEES_OUVERTES=False)
@pytest.mark.parametrize("url", ADRESSES)
def test_fermees_les_adresses_repondent_404(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 404
    assert "404.html" in [gabarit.name for gabarit in reponse.templates]
    assert client.post(url).status_code == 404


def test_fermees_par_defaut():
    # Only the environment turns them on: the test settings leave them as the project ships them.
    assert settings.DONNEES_OUVERTES is False


# --- Public when on -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ADRESSES)
def test_ouvertes_sans_compte_en_get_et_head(client, publiees, monde, url):
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("url", ADRESSES)
@pytest.mark.parametrize("methode", ["post", "put", "delete", "options"])
def test_lecture_seule_405(client, publiees, monde, url, methode):
    assert getattr(client, methode)(url).status_code == 405


def test_noms_des_adresses(publiees):
    assert reverse("donnees_ouvertes") == PAGE
    assert reverse("donnees_ouvertes_csv") == CSV
    assert reverse("donnees_ouvertes_json") == JSON


@pytest.mark.parametrize(
    ("url", "type_", "nom"),
    [
        (CSV, "text/csv; charset=utf-8", "avancement-aires-dispositifs-annees.csv"),
        (JSON, "application/json; charset=utf-8", "avancement-aires-dispositifs-annees.json"),
    ],
)
def test_fichiers_en_piece_jointe(client, publiees, monde, url, type_, nom):
    reponse = client.get(url)
    assert reponse["Content-Type"] == type_
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'


def test_la_page_dit_licence_producteur_date_format_et_champs(client, publiees, monde):
    page = client.get(PAGE).content.decode()
    aujourd_hui = timezone.localdate()
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in page
    assert "Licence Ouverte / Open Licence version 2.0" in page
    assert escape(PRODUCTEUR) in page
    assert f'<time datetime="{aujourd_hui.isoformat()}">' in page
    assert "séparés par des virgules" in page and "UTF-8" in page
    assert "aucune donnée à caractère personnel" in page
    assert f'href="{CSV}"' in page and f'href="{JSON}"' in page
    for nom in NOMS_CHAMPS:
        assert f'<th scope="row"><code>{nom}</code></th>' in page, nom


# --- The figures of /objectifs/ -----------------------------------------------------------------------------------


def test_csv_et_json_ont_les_lignes_et_les_chiffres_de_la_page_objectifs(client, publiees, donnees):
    en_csv = lignes_csv(telecharger(client, CSV))
    en_json = json.loads(telecharger(client, JSON))["donnees"]
    # The page's own export, read as a signed-in member sees it, on the same day.
    export = lignes_csv(telecharger(connecte(client, donnees.utilisateurs["uesl"]), "/objectifs/?_export=csv"))

    page = chiffres(export, ("Code aire", "Année", "Cible", "Cible initiale", "Réalisé", "Taux de réalisation"))
    assert len(page) == Objectif.objects.count() == 4
    colonnes = ("code_aire", "annee", "cible", "cible_initiale", "realise", "taux")
    assert chiffres(en_csv, colonnes) == chiffres(en_json, colonnes) == page
    # Same rows in both files, in the documented order; CSV text is JSON's (no cell here starts like a formula).
    assert [{nom: ("" if v is None else str(v)) for nom, v in ligne.items()} for ligne in en_json] == en_csv
    assert [(ligne["code_aire"], ligne["dispositif"], ligne["annee"], ligne["unite"]) for ligne in en_json] == sorted(
        (ligne["code_aire"], ligne["dispositif"], ligne["annee"], ligne["unite"]) for ligne in en_json
    )


def test_chiffres_egaux_a_avec_avancement(client, publiees, donnees):
    aujourd_hui = timezone.localdate()
    attendu = {
        (o.aire.code, o.dispositif, o.annee, o.unite): (
            o.cible,
            o.realise,
            None if o.taux is None else round(o.taux, 1),
        )
        for o in Objectif.objects.convenus_au(aujourd_hui).pour_liste(aujourd_hui)
    }
    lignes = json.loads(telecharger(client, JSON))["donnees"]
    assert {
        (ligne["code_aire"], ligne["dispositif"], ligne["annee"], ligne["unite"]): (
            ligne["cible"],
            ligne["realise"],
            ligne["taux"],
        )
        for ligne in lignes
    } == attendu


def test_seules_les_realisations_validees_comptent(client, publiees, donnees):
    lignes = {
        (ligne["code_aire"], ligne["dispositif"], ligne["annee"], ligne["unite"]): ligne
        for ligne in json.loads(telecharger(client, JSON))["donnees"]
    }
    marseille = lignes[("003", Dispositif.LOGEMENT_SOCIAL, 2013, Unite.LOGEMENTS)]
    lyon = lignes[("002", Dispositif.LOGEMENT_SOCIAL, 2013, Unite.LOGEMENTS)]
    assert Realisation.objects.filter(objectif=donnees.objectif_marseille, etat="soumise").exists()
    assert (marseille["realise"], marseille["taux"]) == (0, 0.0)
    assert (lyon["cible"], lyon["cible_initiale"], lyon["realise"], lyon["taux"]) == (120, 100, 30, 25.0)
    # Even when the page asks for the provisional figures: the files hold validated ones only.
    par_url = json.loads(telecharger(client, JSON + "?en_attente=1"))["donnees"]
    assert [ligne["realise"] for ligne in par_url] == [ligne["realise"] for ligne in lignes.values()]


def test_json_nombres_entiers_nulls_et_en_tete(client, publiees, donnees):
    contenu = json.loads(telecharger(client, JSON))
    aujourd_hui = timezone.localdate().isoformat()
    assert list(contenu) == ["licence", "producteur", "date_des_chiffres", "champs", "donnees"]
    assert contenu["licence"] == LICENCE
    assert contenu["producteur"] == PRODUCTEUR
    assert contenu["date_des_chiffres"] == aujourd_hui
    assert [champ["nom"] for champ in contenu["champs"]] == list(NOMS_CHAMPS)
    assert all(champ["description"] and champ["type"] for champ in contenu["champs"])
    for ligne in contenu["donnees"]:
        for nom in ("annee", "cible", "cible_initiale", "realise"):
            assert type(ligne[nom]) is int, nom
        assert ligne["date_des_chiffres"] == aujourd_hui
    par_cle = {(ligne["code_aire"], ligne["dispositif"], ligne["unite"]): ligne for ligne in contenu["donnees"]}
    cible_nulle = par_cle[("002", Dispositif.ACCUEIL_SPECIFIQUE, Unite.LOGEMENTS)]
    assert cible_nulle["taux"] is None
    assert cible_nulle["libelle_dispositif"] == "Accueil spécifique (jeunes, alternants, mobilité)"
    # Lyon is in the scheme today; Marseille enters it later: no phase yet.
    assert cible_nulle["phase"] == "prioritaire-2013"
    assert par_cle[("003", Dispositif.LOGEMENT_SOCIAL, Unite.LOGEMENTS)]["phase"] is None


def test_memes_fichiers_quelle_que_soit_la_langue(client, publiees, donnees):
    with translation.override("en"):
        # The English catalogue names the schemes otherwise: the files would differ if they followed the reader.
        assert str(Dispositif.LOGEMENT_SOCIAL.label) != "Production de logements sociaux"
    en_francais = {url: telecharger(client, url) for url in (CSV, JSON)}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(PAGE).content.decode().startswith('<!DOCTYPE html>\n<html lang="en">')
    assert {url: telecharger(client, url) for url in (CSV, JSON)} == en_francais


# --- Nothing personal -----------------------------------------------------------------------------------------------


def test_aucune_donnee_personnelle(client, publiees, donnees):
    csv_ = telecharger(client, CSV)
    json_ = telecharger(client, JSON)
    page = telecharger(client, PAGE)
    contenu = json.loads(json_)
    assert set(lignes_csv(csv_)[0]) == CHAMPS_DOCUMENTES
    assert set(NOMS_CHAMPS) == CHAMPS_DOCUMENTES
    assert all(set(ligne) == CHAMPS_DOCUMENTES for ligne in contenu["donnees"])
    assert {champ["nom"] for champ in contenu["champs"]} == CHAMPS_DOCUMENTES

    utilisateurs = get_user_model().objects.all()
    secrets = {
        *utilisateurs.values_list("username", flat=True),
        *(adresse for adresse in utilisateurs.values_list("email", flat=True) if adresse),
        *MembreConference.objects.values_list("nom", flat=True),
        *(texte for texte in Realisation.objects.values_list("commentaire", flat=True) if texte),
        *(texte for texte in Objectif.objects.values_list("notes", flat=True) if texte),
        MOTIF,
        COMMENTAIRE_EXAMEN,
        COURRIEL,
    }
    assert {"elu-test", "uesl-test", "Anne Durand", "Livraison.", NOTE} <= secrets
    for fichier in (csv_, json_, page):
        for secret in secrets:
            assert secret.encode() not in fichier, secret


def test_une_cellule_csv_commencant_comme_une_formule_est_inerte(client, publiees, donnees):
    formule = '=HYPERLINK("http://exemple.test","clic")'
    AireUrbaine.objects.filter(pk=donnees.aire_lyon.pk).update(nom=formule)
    noms = {ligne["nom_aire"] for ligne in lignes_csv(telecharger(client, CSV)) if ligne["code_aire"] == "002"}
    assert noms == {"'" + formule}
    # JSON is read by programs, not spreadsheets: the name as stored.
    en_json = json.loads(telecharger(client, JSON))["donnees"]
    assert {ligne["nom_aire"] for ligne in en_json if ligne["code_aire"] == "002"} == {formule}


# --- Cost -------------------------------------------------------------------------------------------------------


def test_nombre_de_requetes_constant(client, publiees):
    def compter():
        comptes = {}
        for url in ADRESSES:
            with CaptureQueriesContext(connection) as requetes:
                assert client.get(url).status_code == 200
            comptes[url] = len(requetes.captured_queries)
        return comptes

    fabriques.jeu_de_donnees(2)
    peu = compter()
    fabriques.jeu_de_donnees(20, debut=3)
    beaucoup = compter()
    assert len(json.loads(telecharger(client, JSON))["donnees"]) == 22 * 3
    assert peu == beaucoup
    assert beaucoup[CSV] == beaucoup[JSON] == 1
    assert beaucoup[PAGE] == 0


def test_le_pied_de_page_mene_aux_donnees_ouvertes_quand_elles_sont_publiees(client, db):
    assert "/donnees-ouvertes/" not in client.get("/accessibilite/").content.decode()
    with override_settings(DONNEES_OUVERTES=True):
        assert 'href="/donnees-ouvertes/"' in client.get("/accessibilite/").content.decode()
