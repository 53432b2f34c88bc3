"""The API: figures of the pages, writes through the forms and services, tokens, ETags, problem details."""

import csv
import datetime
import io
import logging

import pytest
from django.utils import timezone

from engagements.models import Objectif, Realisation, RevisionCible
from partenariat.api.jetons import empreinte
from partenariat.api.models import JetonApi, Portee
from tests import acteurs, fabriques
from tests.api.outils import appel, entetes, jeton

pytestmark = pytest.mark.django_db

OBJECTIFS = "/api/v1/objectifs/"


@pytest.fixture
def uesl(monde):
    return monde.utilisateurs["uesl"]


def test_sans_jeton_401_en_probleme_francais(monde, client):
    reponse = appel(client, "get", OBJECTIFS)
    assert reponse.status_code == 401
    assert reponse["Content-Type"] == "application/problem+json"
    assert reponse["WWW-Authenticate"].startswith("Bearer")
    assert reponse.corps["status"] == 401
    assert reponse.corps["title"] == "Authentification requise"
    assert "authentification" in reponse.corps["detail"].lower()


def test_jeton_revoque_ou_expire_401(monde, client, uesl):
    secret = jeton(uesl)
    assert appel(client, "get", OBJECTIFS, secret).status_code == 200
    JetonApi.objects.update(revoque_le=timezone.now())
    reponse = appel(client, "get", OBJECTIFS, secret)
    assert reponse.status_code == 401
    assert reponse.corps["detail"] == "Jeton inconnu, expiré ou révoqué."

    secret = jeton(uesl)
    hier = timezone.now() - datetime.timedelta(days=1)
    JetonApi.objects.filter(empreinte=empreinte(secret)).update(
        cree_le=hier - datetime.timedelta(days=30), expire_le=hier
    )
    assert appel(client, "get", OBJECTIFS, secret).status_code == 401
    assert appel(client, "get", OBJECTIFS, "pal_inconnu").status_code == 401


def test_jeton_dans_l_adresse_refuse(monde, client, uesl):
    secret = jeton(uesl)
    assert client.get(f"{OBJECTIFS}?access_token={secret}").status_code == 401
    assert client.get(f"{OBJECTIFS}?token={secret}").status_code == 401


def test_jeton_conserve_hache(monde, uesl):
    secret = jeton(uesl)
    enregistre = JetonApi.objects.get()
    assert enregistre.empreinte == empreinte(secret) != secret
    valeurs = [str(v) for v in JetonApi.objects.values_list(flat=False).get()]
    assert not any(secret in valeur for valeur in valeurs)
    assert secret.startswith(enregistre.prefixe)
    assert len(enregistre.prefixe) < len(secret) // 3


def test_compte_desactive_401(monde, client, uesl):
    secret = jeton(uesl)
    uesl.is_active = False
    uesl.save()
    assert appel(client, "get", OBJECTIFS, secret).status_code == 401


def test_page_des_jetons_montre_une_fois(monde, client, uesl):
    acteurs.connecte(client, uesl)
    reponse = client.post("/comptes/jetons/", {"nom": "Entrepôt", "portee": "ecriture", "duree": "90"})
    assert reponse.status_code == 200
    secret = reponse.context["secret"]
    assert secret.startswith("pal_") and secret in reponse.content.decode()
    assert "no-store" in reponse["Cache-Control"]
    jeton_cree = JetonApi.objects.get()
    assert (jeton_cree.nom, jeton_cree.portee) == ("Entrepôt", Portee.ECRITURE)
    assert (jeton_cree.expire_le - jeton_cree.cree_le).days == 90
    page = client.get("/comptes/jetons/").content.decode()
    assert "Entrepôt" in page and jeton_cree.prefixe in page and secret not in page
    assert appel(client.__class__(), "get", OBJECTIFS, secret).status_code == 200

    client.post(f"/comptes/jetons/{jeton_cree.pk}/revoquer/")
    assert appel(client.__class__(), "get", OBJECTIFS, secret).status_code == 401
    assert "Révoqué le" in client.get("/comptes/jetons/").content.decode()


def test_un_autre_ne_revoque_pas_mon_jeton(monde, client, uesl):
    secret = jeton(uesl)
    acteurs.connecte(client, monde.utilisateurs["secretariat"])
    client.post(f"/comptes/jetons/{JetonApi.objects.get().pk}/revoquer/")
    assert JetonApi.objects.get().revoque_le is None
    assert appel(client.__class__(), "get", OBJECTIFS, secret).status_code == 200


def test_elu_ne_peut_obtenir_qu_un_jeton_de_lecture(monde, client):
    elu = monde.utilisateurs["elu"]
    acteurs.connecte(client, elu)
    page = client.get("/comptes/jetons/").content.decode()
    assert 'value="ecriture"' not in page
    reponse = client.post("/comptes/jetons/", {"nom": "Tableur", "portee": "ecriture", "duree": "30"})
    assert reponse.status_code == 200
    assert "ne permet que la lecture" in reponse.content.decode()
    assert not JetonApi.objects.exists()
    client.post("/comptes/jetons/", {"nom": "Tableur", "portee": "lecture", "duree": "30"})
    assert JetonApi.objects.get().portee == Portee.LECTURE


def test_jeton_de_lecture_ne_modifie_rien(monde, client, uesl):
    secret = jeton(uesl, Portee.LECTURE)
    objectif = monde.objectif_lyon
    avant = acteurs.etat_de_la_base()
    reponse = appel(
        client, "patch", f"{OBJECTIFS}{objectif.pk}/", secret, {"notes": "x"}, **{"If-Match": f'"{objectif.version}"'}
    )
    assert reponse.status_code == 403
    assert "lecture" in reponse.corps["detail"]
    assert acteurs.etat_de_la_base() == avant


def test_etag_et_if_match(monde, client, uesl):
    secret = jeton(uesl)
    url = f"{OBJECTIFS}{monde.objectif_lyon.pk}/"
    lu = appel(client, "get", url, secret)
    assert lu.status_code == 200
    etag = lu["ETag"]
    assert etag == f'"{monde.objectif_lyon.version}"'

    sans = appel(client, "patch", url, secret, {"notes": "Sans version"})
    assert sans.status_code == 428

    ecrit = appel(client, "patch", url, secret, {"notes": "Relu en conférence"}, **{"If-Match": etag})
    assert ecrit.status_code == 200, ecrit.corps
    assert ecrit["ETag"] != etag
    assert ecrit.corps["notes"] == "Relu en conférence"

    avant = acteurs.etat_de_la_base()
    perime = appel(client, "patch", url, secret, {"notes": "Écrasement"}, **{"If-Match": etag})
    assert perime.status_code == 412
    assert perime["Content-Type"] == "application/problem+json"
    assert perime["ETag"] == ecrit["ETag"]
    assert "modifié" in perime.corps["detail"]
    assert acteurs.etat_de_la_base() == avant


def test_une_modification_garde_ce_qu_elle_n_envoie_pas(monde, client, uesl):
    objectif = fabriques.objectif(
        monde.aire_lyon, 2014, 60, dispositif="accompagnement_entreprises", unite="entreprises", notes="Avant"
    )
    url = f"{OBJECTIFS}{objectif.pk}/"
    secret = jeton(uesl)
    avant = Objectif.objects.values("dispositif", "annee", "cible", "unite", "date_accord", "conference").get(
        pk=objectif.pk
    )
    reponse = appel(client, "patch", url, secret, {"notes": "Après"}, **{"If-Match": f'"{objectif.version}"'})
    assert reponse.status_code == 200, reponse.corps
    assert reponse.corps["unite"] == "entreprises"
    assert Objectif.objects.values(*avant).get(pk=objectif.pk) == avant
    assert Objectif.objects.get(pk=objectif.pk).notes == "Après"


def test_if_match_etoile_et_etag_faible(monde, client, uesl):
    secret = jeton(uesl)
    url = f"{OBJECTIFS}{monde.objectif_lyon.pk}/"
    faible = appel(client, "patch", url, secret, {"notes": "x"}, **{"If-Match": f'W/"{monde.objectif_lyon.version}"'})
    assert faible.status_code == 412
    liste = appel(client, "patch", url, secret, {"notes": "y"}, **{"If-Match": f'"0", "{monde.objectif_lyon.version}"'})
    assert liste.status_code == 200
    etoile = appel(client, "patch", url, secret, {"notes": "z"}, **{"If-Match": "*"})
    assert etoile.status_code == 200
    assert Objectif.objects.get(pk=monde.objectif_lyon.pk).notes == "z"


def test_json_illisible_en_francais(monde, client, uesl):
    reponse = client.post(
        "/api/v1/realisations/", data="{pas du json", content_type="application/json", headers=entetes(jeton(uesl))
    )
    assert reponse.status_code == 400
    assert reponse.json()["detail"] == "Le corps de la requête n'est pas un document JSON lisible."
    assert "JSON parse error" not in reponse.content.decode()


def test_protocole_et_ses_engagements(monde, client, uesl):
    corps = appel(client, "get", "/api/v1/protocole/?date=2013-06-30", jeton(uesl)).corps
    assert corps["au"] == "2013-06-30"
    assert [clause["numero"] for clause in corps["clauses"]] == [1, 2, 3, 4, 5]
    conferences = next(clause for clause in corps["clauses"] if clause["code"] == "conferences")
    assert {c["libelle"]: c["valeur"] for c in conferences["chiffres"]}["Installées dans les délais"] == 1
    assert all(isinstance(c["valeur"], int) for clause in corps["clauses"] for c in clause["chiffres"])


def test_revision_de_cible_exige_son_motif(monde, client, uesl):
    secret = jeton(uesl)
    objectif = monde.objectif_lyon
    url = f"{OBJECTIFS}{objectif.pk}/"
    etag = appel(client, "get", url, secret)["ETag"]
    avant = acteurs.etat_de_la_base()
    refus = appel(client, "patch", url, secret, {"cible": 90}, **{"If-Match": etag})
    assert refus.status_code == 400
    assert refus.corps["erreurs"] == [
        {"champ": "motif_revision", "message": "Indiquez le motif de la révision de la cible : elle passe de 100 à 90."}
    ]
    assert acteurs.etat_de_la_base() == avant
    ok = appel(client, "patch", url, secret, {"cible": 90, "motif_revision": "PLH révisé"}, **{"If-Match": etag})
    assert ok.status_code == 200
    assert (ok.corps["cible"], ok.corps["cible_initiale"]) == (90, 100)
    revision = RevisionCible.objects.get()
    assert (revision.ancienne_cible, revision.nouvelle_cible, revision.motif, revision.revisee_par) == (
        100,
        90,
        "PLH révisé",
        uesl,
    )
    assert Objectif.history.filter(id=objectif.pk).first().history_user == uesl


def test_creer_un_objectif_puis_une_realisation_soumise(monde, client):
    secretariat = monde.utilisateurs["secretariat"]
    secret = jeton(secretariat)
    cree = appel(
        client,
        "post",
        OBJECTIFS,
        secret,
        {"aire": "002", "dispositif": "accession_sociale", "annee": 2014, "cible": 40, "date_accord": "2013-12-01"},
    )
    assert cree.status_code == 201, cree.corps
    assert cree["Location"].endswith(f"{OBJECTIFS}{cree.corps['id']}/")
    assert cree.corps["aire"] == {"code": "002", "nom": "Lyon"}
    doublon = appel(
        client, "post", OBJECTIFS, secret, {"aire": "002", "dispositif": "accession_sociale", "annee": 2014, "cible": 1}
    )
    assert doublon.status_code == 400
    assert "existe déjà" in doublon.corps["erreurs"][0]["message"]

    realisation = appel(
        client,
        "post",
        "/api/v1/realisations/",
        secret,
        {"objectif": cree.corps["id"], "date": "2014-03-01", "quantite": 12},
    )
    assert realisation.status_code == 201, realisation.corps
    assert realisation.corps["etat"] == "soumise"
    assert realisation.corps["saisi_par"] == "secretariat-lyon"
    enregistree = Realisation.objects.get(pk=realisation.corps["id"])
    assert enregistree.history.first().history_change_reason == "Saisie, soumise à validation"


def test_secretariat_ne_saisit_pas_pour_une_autre_conference(monde, client):
    secret = jeton(monde.utilisateurs["secretariat"])
    avant = acteurs.etat_de_la_base()
    objectif = monde.objectif_marseille
    reponses = [
        appel(
            client,
            "post",
            OBJECTIFS,
            secret,
            {"aire": "003", "dispositif": "logement_social", "annee": 2015, "cible": 5},
        ),
        appel(
            client,
            "patch",
            f"{OBJECTIFS}{objectif.pk}/",
            secret,
            {"notes": "x"},
            **{"If-Match": f'"{objectif.version}"'},
        ),
        appel(
            client,
            "post",
            "/api/v1/realisations/",
            secret,
            {"objectif": objectif.pk, "date": "2013-05-01", "quantite": 3},
        ),
    ]
    assert [r.status_code for r in reponses] == [400, 403, 403]
    assert reponses[0].corps["erreurs"][0]["champ"] == "aire"
    assert acteurs.etat_de_la_base() == avant


def test_hors_perimetre_refuse_avant_de_juger_les_valeurs(monde, client):
    secret = jeton(monde.utilisateurs["secretariat"])
    reponse = appel(
        client,
        "post",
        "/api/v1/realisations/",
        secret,
        {"objectif": monde.objectif_marseille.pk, "date": "pas une date", "quantite": -4},
    )
    assert reponse.status_code == 403
    assert "erreurs" not in reponse.corps


def test_correction_puis_validation_quatre_yeux(monde, client):
    secretariat, uesl = monde.utilisateurs["secretariat"], monde.utilisateurs["uesl"]
    saisie = appel(
        client,
        "post",
        "/api/v1/realisations/",
        jeton(secretariat),
        {"objectif": monde.objectif_lyon.pk, "date": "2013-06-01", "quantite": 7},
    )
    url = f"/api/v1/realisations/{saisie.corps['id']}/"
    corrigee = appel(client, "patch", url, jeton(secretariat), {"quantite": 8}, **{"If-Match": saisie["ETag"]})
    assert corrigee.status_code == 200, corrigee.corps
    assert corrigee.corps["quantite"] == 8
    perimee = appel(client, "post", f"{url}valider/", jeton(uesl), {}, **{"If-Match": saisie["ETag"]})
    assert perimee.status_code == 412
    validee = appel(client, "post", f"{url}valider/", jeton(uesl), {}, **{"If-Match": corrigee["ETag"]})
    assert validee.status_code == 200, validee.corps
    assert validee.corps["etat"] == "validee"
    assert validee.corps["examinee_par"] == "uesl-test"


def test_sa_propre_realisation_ne_se_valide_pas(monde, client, uesl):
    secret = jeton(uesl)
    saisie = appel(
        client,
        "post",
        "/api/v1/realisations/",
        secret,
        {"objectif": monde.objectif_lyon.pk, "date": "2013-06-01", "quantite": 7},
    )
    refus = appel(
        client,
        "post",
        f"/api/v1/realisations/{saisie.corps['id']}/valider/",
        secret,
        {},
        **{"If-Match": saisie["ETag"]},
    )
    assert refus.status_code == 409
    assert Realisation.objects.get(pk=saisie.corps["id"]).etat == "soumise"


def test_erreurs_de_validation_en_francais(monde, client, uesl):
    reponse = appel(
        client,
        "post",
        "/api/v1/realisations/",
        jeton(uesl),
        {"objectif": monde.objectif_lyon.pk, "date": "2099-01-01", "quantite": -1},
    )
    assert reponse.status_code == 400
    assert reponse.corps["detail"] == "Certaines valeurs sont invalides : rien n'a été enregistré."
    champs = {e["champ"] for e in reponse.corps["erreurs"]}
    assert champs == {"quantite"}
    assert "supérieure ou égale à" in reponse.corps["erreurs"][0]["message"]
    futur = appel(
        client,
        "post",
        "/api/v1/realisations/",
        jeton(uesl),
        {"objectif": monde.objectif_lyon.pk, "date": "2099-01-01", "quantite": 1},
    )
    assert futur.corps["erreurs"] == [
        {"champ": "date", "message": "La date d'une réalisation ne peut pas être dans le futur."}
    ]
    assert appel(client, "get", f"{OBJECTIFS}?date=2013-13-01", jeton(uesl)).corps["erreurs"][0]["champ"] == "date"


def test_chiffres_identiques_api_page_csv(monde, client, uesl):
    fabriques.realisation(monde.objectif_marseille, 20, datetime.date(2013, 3, 1))
    fabriques.realisation(monde.objectif_marseille, 15, datetime.date(2013, 9, 1))
    fabriques.realisation(monde.objectif_lyon, 9, datetime.date(2013, 5, 1), etat="soumise")
    secret = jeton(uesl)
    acteurs.connecte(client, uesl)
    for parametres in (
        "date=2013-06-30",
        "date=2013-12-31",
        "date=2013-12-31&en_attente=1",
        "date=2013-06-30&aire=002",
    ):
        api = appel(client.__class__(), "get", f"{OBJECTIFS}?{parametres}&per_page=100", secret).corps["results"]
        page = client.get(f"/objectifs/?{parametres}&per_page=100")
        lignes_page = {(o.aire.code, o.annee, o.dispositif): (o.cible, o.realise) for o in page.context["table"].data}
        export = client.get(f"/objectifs/?{parametres}&_export=csv").content.decode("utf-8-sig")
        lignes_csv = {
            (ligne["Code aire"], int(ligne["Année"]), ligne["Dispositif"]): (int(ligne["Cible"]), int(ligne["Réalisé"]))
            for ligne in csv.DictReader(io.StringIO(export))
        }
        lignes_api = {(o["aire"]["code"], o["annee"], o["dispositif"]): (o["cible"], o["realise"]) for o in api}
        assert lignes_api == lignes_page
        par_libelle = {
            (o["aire"]["code"], o["annee"], o["dispositif_libelle"]): (o["cible"], o["realise"]) for o in api
        }
        assert par_libelle == lignes_csv
    totaux = {
        o["aire"]["code"]: o["realise"]
        for o in appel(client.__class__(), "get", f"{OBJECTIFS}?date=2013-12-31", secret).corps["results"]
    }
    assert totaux == {"002": 30, "003": 35}


def test_aires_memes_chiffres_que_la_page_et_son_export(monde, client, uesl):
    fabriques.realisation(monde.objectif_marseille, 20, datetime.date(2013, 3, 1))
    fabriques.realisation(monde.objectif_lyon, 9, datetime.date(2013, 5, 1), etat="soumise")
    secret = jeton(uesl)
    acteurs.connecte(client, uesl)
    for parametres in ("date=2013-06-30", "date=2013-06-30&en_attente=1", "date=2012-12-31"):
        api = appel(client.__class__(), "get", f"/api/v1/aires/?{parametres}", secret).corps["results"]
        page = client.get(f"/aires/?{parametres}").context["table"].data
        export = client.get(f"/aires/?{parametres}&_export=csv").content.decode("utf-8-sig")
        lignes_csv = {
            ligne["Code"]: (int(ligne["Objectifs"]), ligne["Taux de réalisation"] or None)
            for ligne in csv.DictReader(io.StringIO(export))
        }
        assert {a["code"]: (a["nb_objectifs"], a["taux"]) for a in api} == {
            a.code: (a.nb_objectifs, None if a.taux is None else round(a.taux, 1)) for a in page
        }
        assert {a["code"]: (a["nb_objectifs"], None if a["taux"] is None else str(a["taux"])) for a in api} == (
            lignes_csv
        )
        assert {a["code"]: a["realise_total"] for a in api} == {a.code: a.realise_total for a in page}


def test_debit_limite_par_jeton(monde, client, uesl, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"jeton": "3/minute", "anonyme": "100/minute"},
    }
    premier, second = jeton(uesl), jeton(uesl)
    statuts = [appel(client, "get", "/api/v1/phases/", premier).status_code for _ in range(4)]
    assert statuts == [200, 200, 200, 429]
    refus = appel(client, "get", "/api/v1/phases/", premier)
    assert refus.corps["title"] == "Trop de requêtes"
    assert int(refus["Retry-After"]) > 0
    assert appel(client, "get", "/api/v1/phases/", second).status_code == 200


def test_jeton_jamais_dans_les_journaux(monde, client, uesl, caplog):
    secret = jeton(uesl)
    with caplog.at_level(logging.DEBUG):
        appel(client, "get", OBJECTIFS, secret)
        appel(client, "get", "/api/v1/objectifs/999999/", secret)
        appel(client, "patch", f"{OBJECTIFS}{monde.objectif_lyon.pk}/", secret, {"notes": "x"}, **{"If-Match": '"0"'})
        JetonApi.objects.update(revoque_le=timezone.now())
        appel(client, "get", OBJECTIFS, secret)
    assert caplog.records
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in str(record.__dict__)


def test_schema_openapi_31_et_docs(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/objectifs/{id}/" in document["paths"]
    assert document["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "<script>" not in page


@pytest.mark.parametrize(
    "url", [OBJECTIFS, "/api/v1/aires/", "/api/v1/conferences/", "/api/v1/realisations/", "/api/v1/protocole/"]
)
def test_requetes_constantes_quand_les_donnees_croissent(monde, client, uesl, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secret = jeton(uesl)

    def compter():
        appel(client, "get", url, secret)  # the token's last use is written once: not part of the count
        with CaptureQueriesContext(connection) as requetes:
            assert appel(client, "get", f"{url}?per_page=100", secret).status_code == 200
        return len(requetes)

    avant = compter()
    fabriques.jeu_de_donnees(12, objectifs_par_aire=3, realisations_par_objectif=2, debut=100)
    assert compter() == avant
    assert avant <= (12 if url.endswith("protocole/") else 8)  # the dashboard's computation for the protocol
