"""Every endpoint of the API × every method × every role: the status, a French problem on each refusal with the
database left untouched, and the write done on each success.

Each role calls with a token of the widest scope it may hold (read-write for secretariats, UESL staff and
administrators, read-only for an élu), plus UESL staff with a read-only token; `anonyme` sends no token.
"""

import datetime

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from engagements import services
from engagements.forms import MESSAGE_HORS_PERIMETRE
from engagements.models import Objectif, Realisation
from partenariat.api.authentification import PorteeDuJeton
from partenariat.api.jetons import MESSAGE_LECTURE_SEULE
from partenariat.api.models import Portee
from partenariat.commun.acces import MESSAGE_REFUS
from tests import acteurs, fabriques
from tests.acteurs import DISPOSITIF_LIBRE, ROLES
from tests.api.outils import appel, jeton

pytestmark = pytest.mark.django_db

UESL_LECTURE = "uesl_lecture"  # UESL staff calling with a read-only token
ROLES_API = (*ROLES, UESL_LECTURE)
ECRIVAINS = ("secretariat", "uesl", "admin")  # every signed-in role but the élu may hold a write token
PHASE = "prioritaire-2013"
API = "/api/v1"

PROBLEME = "application/problem+json"
NON_AUTHENTIFIE = "Informations d'authentification non fournies."
LECTURE_SEULE = str(PorteeDuJeton.message)
INVALIDE = "Certaines valeurs sont invalides : rien n'a été enregistré."
RESERVE_UESL = "La validation des réalisations est réservée à l'équipe UESL."


@pytest.fixture
def monde_api(monde):
    """The shared world, plus a deployment phase and an achievement of Lyon submitted by Lyon's secretariat."""
    fabriques.phase(PHASE)
    monde.soumise = services.enregistrer_realisation(
        Realisation(objectif=monde.objectif_lyon, date=datetime.date(2013, 6, 1), quantite=7, commentaire="Livraison"),
        monde.utilisateurs["secretariat"],
    )
    return monde


def utilisateur_de(monde, role):
    return monde.utilisateurs["uesl" if role == UESL_LECTURE else role]


def secret_de(monde, role):
    """The widest token the role may hold (`jeton` falls back to a read one for an élu); none for anonymous."""
    if role == "anonyme":
        return None
    return jeton(utilisateur_de(monde, role), Portee.LECTURE if role == UESL_LECTURE else Portee.ECRITURE)


def si_version(objet):
    return {"If-Match": f'"{objet.version}"'}


def verifier_probleme(reponse, statut, detail):
    assert reponse.status_code == statut, reponse.corps
    assert reponse["Content-Type"] == PROBLEME
    assert reponse.corps["status"] == statut
    assert reponse.corps["detail"] == detail


# --- Reads ------------------------------------------------------------------------------------------------------

LECTURES = {
    "protocole": lambda m: f"{API}/protocole/",
    "phases-liste": lambda m: f"{API}/phases/",
    "phases-detail": lambda m: f"{API}/phases/{PHASE}/",
    "aires-liste": lambda m: f"{API}/aires/",
    "aires-detail-lyon": lambda m: f"{API}/aires/{m.aire_lyon.code}/",
    "aires-detail-marseille": lambda m: f"{API}/aires/{m.aire_marseille.code}/",
    "conferences-liste": lambda m: f"{API}/conferences/",
    "conferences-detail-lyon": lambda m: f"{API}/conferences/{m.lyon.pk}/",
    "conferences-detail-marseille": lambda m: f"{API}/conferences/{m.marseille.pk}/",
    "objectifs-liste": lambda m: f"{API}/objectifs/",
    "objectifs-detail-lyon": lambda m: f"{API}/objectifs/{m.objectif_lyon.pk}/",
    "objectifs-detail-marseille": lambda m: f"{API}/objectifs/{m.objectif_marseille.pk}/",
    "realisations-liste": lambda m: f"{API}/realisations/",
    "realisations-detail-lyon": lambda m: f"{API}/realisations/{m.realisation_lyon.pk}/",
}


@pytest.mark.parametrize("role", ROLES_API)
@pytest.mark.parametrize("nom", list(LECTURES))
def test_lecture(nom, role, monde_api, client):
    avant = acteurs.etat_de_la_base()
    reponse = appel(client, "get", LECTURES[nom](monde_api), secret_de(monde_api, role))
    if role == "anonyme":
        verifier_probleme(reponse, 401, NON_AUTHENTIFIE)
        assert reponse["WWW-Authenticate"].startswith("Bearer")
    else:
        assert reponse.status_code == 200, reponse.corps
        assert reponse["Content-Type"] == "application/json"
        assert reponse.corps
    assert acteurs.etat_de_la_base() == avant


# --- Writes -----------------------------------------------------------------------------------------------------


def statuts(anonyme=401, elu=403, secretariat_autre=403, secretariat=403, uesl=403, admin=403, uesl_lecture=403):
    """The expected status per role; the élu and the read-only token are refused before any rule (403)."""
    return {
        "anonyme": anonyme,
        "elu": elu,
        "secretariat_autre": secretariat_autre,
        "secretariat": secretariat,
        "uesl": uesl,
        "admin": admin,
        UESL_LECTURE: uesl_lecture,
    }


def objectif_cree(aire):
    def effet(monde, user, reponse):
        objectif = Objectif.objects.get(aire=getattr(monde, aire), dispositif=DISPOSITIF_LIBRE, annee=2014)
        assert (objectif.cible, objectif.version) == (40, 1)
        assert reponse.corps["id"] == objectif.pk
        assert reponse["Location"].endswith(f"{API}/objectifs/{objectif.pk}/")
        assert Objectif.history.filter(id=objectif.pk).first().history_user == user

    return effet


def objectif_modifie(attribut):
    def effet(monde, user, reponse):
        avant = getattr(monde, attribut)
        objectif = Objectif.objects.get(pk=avant.pk)
        assert (objectif.notes, objectif.version) == ("Relu par l'API", avant.version + 1)
        assert reponse["ETag"] == f'"{objectif.version}"'
        assert Objectif.history.filter(id=objectif.pk).first().history_user == user

    return effet


def realisation_creee(attribut):
    def effet(monde, user, reponse):
        realisation = Realisation.objects.get(objectif=getattr(monde, attribut), quantite=25)
        assert (realisation.etat, realisation.saisi_par, realisation.modifie_par) == ("soumise", user, user)
        assert reponse.corps["id"] == realisation.pk
        assert reponse["Location"].endswith(f"{API}/realisations/{realisation.pk}/")

    return effet


def realisation_corrigee(monde, user, reponse):
    realisation = Realisation.objects.get(pk=monde.realisation_lyon.pk)
    # A correction of a validated achievement submits it again: it no longer counts until validated.
    assert (realisation.quantite, realisation.etat, realisation.modifie_par) == (35, "soumise", user)
    assert realisation.version == monde.realisation_lyon.version + 1
    assert reponse["ETag"] == f'"{realisation.version}"'


def realisation_examinee(etat, commentaire):
    def effet(monde, user, reponse):
        realisation = Realisation.objects.get(pk=monde.soumise.pk)
        assert (realisation.etat, realisation.examinee_par, realisation.commentaire_examen) == (
            etat,
            user,
            commentaire,
        )
        assert realisation.version == monde.soumise.version + 1
        assert reponse.corps["etat"] == etat

    return effet


def nouvel_objectif(aire):
    return lambda m: {"aire": getattr(m, aire).code, "dispositif": DISPOSITIF_LIBRE, "annee": 2014, "cible": 40}


def nouvelle_realisation(objectif):
    return lambda m: {"objectif": getattr(m, objectif).pk, "date": "2013-07-01", "quantite": 25}


# One write each: method, URL and body (monde -> …), the record whose version goes in If-Match, the status of
# each role, the detail of a rule's 403 and the field errors of a 400, and the check of a success.
ECRITURES = [
    {
        "nom": "objectif-creer-lyon",
        "methode": "post",
        "url": lambda m: f"{API}/objectifs/",
        "donnees": nouvel_objectif("aire_lyon"),
        # Marseille's secretariat may open the form, but the area list holds only its own: a 400 on `aire`.
        "statuts": statuts(secretariat_autre=400, secretariat=201, uesl=201, admin=201),
        "erreurs": [{"champ": "aire", "message": str(MESSAGE_HORS_PERIMETRE)}],
        "effet": objectif_cree("aire_lyon"),
    },
    {
        "nom": "objectif-creer-marseille",
        "methode": "post",
        "url": lambda m: f"{API}/objectifs/",
        "donnees": nouvel_objectif("aire_marseille"),
        "statuts": statuts(secretariat_autre=201, secretariat=400, uesl=201, admin=201),
        "erreurs": [{"champ": "aire", "message": str(MESSAGE_HORS_PERIMETRE)}],
        "effet": objectif_cree("aire_marseille"),
    },
    {
        "nom": "objectif-modifier-lyon",
        "methode": "patch",
        "url": lambda m: f"{API}/objectifs/{m.objectif_lyon.pk}/",
        "donnees": lambda m: {"notes": "Relu par l'API"},
        "version": lambda m: m.objectif_lyon,
        "statuts": statuts(secretariat=200, uesl=200, admin=200),
        "effet": objectif_modifie("objectif_lyon"),
    },
    {
        "nom": "objectif-modifier-marseille",
        "methode": "patch",
        "url": lambda m: f"{API}/objectifs/{m.objectif_marseille.pk}/",
        "donnees": lambda m: {"notes": "Relu par l'API"},
        "version": lambda m: m.objectif_marseille,
        "statuts": statuts(secretariat_autre=200, uesl=200, admin=200),
        "effet": objectif_modifie("objectif_marseille"),
    },
    {
        "nom": "realisation-creer-lyon",
        "methode": "post",
        "url": lambda m: f"{API}/realisations/",
        "donnees": nouvelle_realisation("objectif_lyon"),
        "statuts": statuts(secretariat=201, uesl=201, admin=201),
        "effet": realisation_creee("objectif_lyon"),
    },
    {
        "nom": "realisation-creer-marseille",
        "methode": "post",
        "url": lambda m: f"{API}/realisations/",
        "donnees": nouvelle_realisation("objectif_marseille"),
        "statuts": statuts(secretariat_autre=201, uesl=201, admin=201),
        "effet": realisation_creee("objectif_marseille"),
    },
    {
        "nom": "realisation-corriger-lyon",
        "methode": "patch",
        "url": lambda m: f"{API}/realisations/{m.realisation_lyon.pk}/",
        "donnees": lambda m: {"quantite": 35},
        "version": lambda m: m.realisation_lyon,
        "statuts": statuts(secretariat=200, uesl=200, admin=200),
        "effet": realisation_corrigee,
    },
    {
        "nom": "realisation-valider-lyon",
        "methode": "post",
        "url": lambda m: f"{API}/realisations/{m.soumise.pk}/valider/",
        "donnees": lambda m: {"commentaire": "Conforme"},
        "version": lambda m: m.soumise,
        # Lyon's secretariat recorded it, but is refused for its role first (not for four eyes).
        "statuts": statuts(uesl=200, admin=200),
        "refus": RESERVE_UESL,
        "effet": realisation_examinee("validee", "Conforme"),
    },
    {
        "nom": "realisation-renvoyer-lyon",
        "methode": "post",
        "url": lambda m: f"{API}/realisations/{m.soumise.pk}/renvoyer/",
        "donnees": lambda m: {"commentaire": "Quantité à justifier"},
        "version": lambda m: m.soumise,
        "statuts": statuts(uesl=200, admin=200),
        "refus": RESERVE_UESL,
        "effet": realisation_examinee("renvoyee", "Quantité à justifier"),
    },
]
ECRITURES_PAR_ID = {f"{cas['nom']}-{role}": (cas, role) for cas in ECRITURES for role in ROLES_API}


def etat_de(realisation):
    return Realisation.objects.values_list("etat", "version", "examinee_par", "commentaire_examen").get(
        pk=realisation.pk
    )


def detail_du_refus(cas, role, statut):
    if statut == 401:
        return NON_AUTHENTIFIE
    if statut == 400:
        return INVALIDE
    if role == "elu":
        return str(MESSAGE_LECTURE_SEULE)  # a write token would not help: the role reads only
    if role == UESL_LECTURE:
        return LECTURE_SEULE
    return cas.get("refus", str(MESSAGE_REFUS))


@pytest.mark.parametrize("identifiant", list(ECRITURES_PAR_ID))
def test_ecriture(identifiant, monde_api, client):
    cas, role = ECRITURES_PAR_ID[identifiant]
    monde = monde_api
    attendu = cas["statuts"][role]
    entetes = si_version(cas["version"](monde)) if "version" in cas else {}
    avant, soumise_avant = acteurs.etat_de_la_base(), etat_de(monde.soumise)

    reponse = appel(client, cas["methode"], cas["url"](monde), secret_de(monde, role), cas["donnees"](monde), **entetes)

    if attendu < 400:
        assert reponse.status_code == attendu, reponse.corps
        assert reponse["Content-Type"] == "application/json"
        cas["effet"](monde, utilisateur_de(monde, role), reponse)
        return
    verifier_probleme(reponse, attendu, detail_du_refus(cas, role, attendu))
    if attendu == 400:
        assert reponse.corps["erreurs"] == cas["erreurs"]
    assert acteurs.etat_de_la_base() == avant
    assert etat_de(monde.soumise) == soumise_avant


def test_chaque_role_a_sa_colonne():
    """The table names a status for every role of the matrix, and each write has at least one success."""
    for cas in ECRITURES:
        assert set(cas["statuts"]) == set(ROLES_API), cas["nom"]
        assert any(statut < 300 for statut in cas["statuts"].values()), cas["nom"]


# --- Around the writes: a refusal the service makes, and what is never offered -----------------------------------


def test_renvoi_sans_commentaire_refuse_sans_rien_changer(monde_api, client):
    monde = monde_api
    avant, soumise_avant = acteurs.etat_de_la_base(), etat_de(monde.soumise)
    for donnees in ({}, {"commentaire": "   "}):
        reponse = appel(
            client,
            "post",
            f"{API}/realisations/{monde.soumise.pk}/renvoyer/",
            secret_de(monde, "uesl"),
            donnees,
            **si_version(monde.soumise),
        )
        assert reponse.status_code == 400, reponse.corps
        assert reponse["Content-Type"] == PROBLEME
        assert reponse.corps["erreurs"][0]["message"].startswith("Indiquez ce qui doit être corrigé")
    assert acteurs.etat_de_la_base() == avant
    assert etat_de(monde.soumise) == soumise_avant


def test_renvoi_sans_commentaire_est_une_erreur_de_champ(monde_api, client):
    reponse = appel(
        client,
        "post",
        f"{API}/realisations/{monde_api.soumise.pk}/renvoyer/",
        secret_de(monde_api, "uesl"),
        {},
        **si_version(monde_api.soumise),
    )
    assert reponse.status_code == 400
    assert [e["champ"] for e in reponse.corps["erreurs"]] == ["commentaire"]


DETAILS = {
    "phases": lambda m: f"{API}/phases/{PHASE}/",
    "aires": lambda m: f"{API}/aires/{m.aire_lyon.code}/",
    "conferences": lambda m: f"{API}/conferences/{m.lyon.pk}/",
    "objectifs": lambda m: f"{API}/objectifs/{m.objectif_lyon.pk}/",
    "realisations": lambda m: f"{API}/realisations/{m.realisation_lyon.pk}/",
}
LISTES = {nom: lambda m, nom=nom: f"{API}/{nom}/" for nom in ("phases", "aires", "conferences", "protocole")}
# {id: (method, URL)}: no PUT nor DELETE anywhere, and no write at all on the read-only resources.
NON_OFFERTES = {
    **{f"{nom}-detail-{methode}": (methode, url) for nom, url in DETAILS.items() for methode in ("put", "delete")},
    **{f"{nom}-detail-patch": ("patch", DETAILS[nom]) for nom in ("phases", "aires", "conferences")},
    **{f"{nom}-{methode}": (methode, url) for nom, url in LISTES.items() for methode in ("post", "put", "delete")},
}


@pytest.mark.parametrize("identifiant", list(NON_OFFERTES))
def test_methode_non_offerte_405(identifiant, monde_api, client):
    monde = monde_api
    methode, url = NON_OFFERTES[identifiant]
    avant, soumise_avant = acteurs.etat_de_la_base(), etat_de(monde.soumise)
    entetes = si_version(monde.objectif_lyon)  # a version, so that nothing else than the method can refuse
    reponse = appel(client, methode, url(monde), secret_de(monde, "uesl"), {"notes": "x", "quantite": 1}, **entetes)
    verifier_probleme(reponse, 405, f"Méthode «\u00a0{methode.upper()}\u00a0» non autorisée.")
    assert methode.upper() not in reponse["Allow"]
    assert acteurs.etat_de_la_base() == avant
    assert etat_de(monde.soumise) == soumise_avant


# --- The browser session (the interactive documentation): reads as-is, writes only with the CSRF token --------------


def session(monde, role="uesl"):
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde.utilisateurs[role])
    return client


ECRITURES_EN_SESSION = {cas["nom"]: cas for cas in ECRITURES}


@pytest.mark.parametrize("nom", list(ECRITURES_EN_SESSION))
def test_session_sans_jeton_csrf_403(nom, monde_api):
    monde = monde_api
    cas = ECRITURES_EN_SESSION[nom]
    entetes = si_version(cas["version"](monde)) if "version" in cas else {}
    avant, soumise_avant = acteurs.etat_de_la_base(), etat_de(monde.soumise)
    reponse = appel(session(monde), cas["methode"], cas["url"](monde), None, cas["donnees"](monde), **entetes)
    assert reponse.status_code == 403, reponse.corps
    assert reponse["Content-Type"] == PROBLEME
    assert reponse.corps["detail"]
    assert acteurs.etat_de_la_base() == avant
    assert etat_de(monde.soumise) == soumise_avant


def test_session_sans_jeton_csrf_refus_en_francais(monde_api):
    reponse = appel(session(monde_api), "post", f"{API}/objectifs/", None, nouvel_objectif("aire_lyon")(monde_api))
    assert reponse.status_code == 403
    assert reponse.corps["detail"] == (
        "Jeton CSRF absent ou invalide : rechargez la page de la documentation, puis recommencez."
    )


def test_session_lit_sans_jeton_csrf_et_ecrit_avec(monde_api):
    monde = monde_api
    client = session(monde)
    assert appel(client, "get", f"{API}/objectifs/").status_code == 200
    jeton_csrf = get_random_string(32)  # a CSRF secret: 32 letters or digits
    client.cookies["csrftoken"] = jeton_csrf
    reponse = appel(
        client, "post", f"{API}/objectifs/", None, nouvel_objectif("aire_lyon")(monde), **{"X-CSRFToken": jeton_csrf}
    )
    assert reponse.status_code == 201, reponse.corps
    objectif_cree("aire_lyon")(monde, monde.utilisateurs["uesl"], reponse)


def test_session_d_un_elu_ne_modifie_rien(monde_api):
    """The read-only scope is the token's: an élu signed in through the browser is refused by the role's rule."""
    monde = monde_api
    client = session(monde, "elu")
    jeton_csrf = get_random_string(32)  # a CSRF secret: 32 letters or digits
    client.cookies["csrftoken"] = jeton_csrf
    avant = acteurs.etat_de_la_base()
    reponse = appel(
        client,
        "patch",
        f"{API}/objectifs/{monde.objectif_lyon.pk}/",
        None,
        {"notes": "x"},
        **{"X-CSRFToken": jeton_csrf, **si_version(monde.objectif_lyon)},
    )
    verifier_probleme(reponse, 403, str(MESSAGE_REFUS))
    assert acteurs.etat_de_la_base() == avant
