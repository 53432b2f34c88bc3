"""Alerts, follows, digest preferences and the unsubscribe link × every role × GET and POST: the status, and what
the database holds afterwards (nothing changed by a refusal, exactly the expected change by a success).

Then the scope of the alerts page on hand-made data: a secretariat never reads another conference's alerts, on the
page nor in its export, whatever it adds to the address; every link of the table opens for whoever was shown it."""

import copy
import csv
import datetime
import io
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagements.avancement import EtatRealisation
from engagements.models import Realisation
from partenariat.alertes.models import Suivi
from partenariat.alertes.resumes import SEL_DESABONNEMENT, jeton_desabonnement
from partenariat.models import FrequenceResume, PreferencesUtilisateur
from partenariat.roles import ELUS
from tests import acteurs, fabriques
from tests.acteurs import connecte

pytestmark = pytest.mark.django_db

# The roles of tests/acteurs.py, and a signed-in person in no group: being signed in is all these pages ask.
ROLES = ("anonyme", "sans_role", *acteurs.ROLES[1:])
CONNEXION = "connexion"  # sent to the sign-in page, back to the asked page afterwards
AU = "2014-06-30"  # inside the protocol's period: objectives of 2014 are behind schedule on that day


@pytest.fixture
def personnes(monde):
    """Every role with an address and a daily digest, already following Lyon (its area and its conference); and
    `abonne`, the person whose unsubscribe link every role opens."""
    monde.utilisateurs["sans_role"] = acteurs.utilisateur("sans-role")
    monde.abonne = acteurs.utilisateur("abonne", ELUS, email="abonne@exemple.invalid")
    for user in [u for u in monde.utilisateurs.values() if u is not None] + [monde.abonne]:
        user.email = user.email or f"{user.username}@exemple.invalid"
        user.save(update_fields=["email"])
        PreferencesUtilisateur.objects.create(utilisateur=user, frequence_resume=FrequenceResume.QUOTIDIEN)
        if user != monde.abonne:
            Suivi.objects.create(utilisateur=user, aire=monde.aire_lyon)
            Suivi.objects.create(utilisateur=user, conference=monde.lyon)
    return monde


def etat_de_la_base():
    """What these pages can write: the follows, the digest choices and the addresses."""
    User = get_user_model()
    return {
        "suivis": {
            (s.utilisateur.username, s.aire.code if s.aire_id else None, s.conference.nom if s.conference_id else None)
            for s in Suivi.objects.select_related("utilisateur", "aire", "conference")
        },
        "frequences": dict(PreferencesUtilisateur.objects.values_list("utilisateur__username", "frequence_resume")),
        "emails": dict(User.objects.values_list("username", "email")),
    }


def suivi_ajoute(aire=None, conference=None):
    def effet(etat, username, monde):
        etat["suivis"].add(
            (username, aire(monde).code if aire else None, conference(monde).nom if conference else None)
        )

    return effet


def suivi_retire(aire=None, conference=None):
    def effet(etat, username, monde):
        etat["suivis"].discard(
            (username, aire(monde).code if aire else None, conference(monde).nom if conference else None)
        )

    return effet


def preferences_choisies(etat, username, monde):
    etat["emails"][username] = "nouvelle.adresse@exemple.invalid"
    etat["frequences"][username] = FrequenceResume.HEBDOMADAIRE


def abonne_desabonne(etat, username, monde):
    etat["frequences"]["abonne"] = FrequenceResume.AUCUN


def jeton_falsifie(monde):
    """The link of `abonne` with its signature altered by one character."""
    jeton = jeton_desabonnement(monde.abonne)
    return jeton[:-1] + ("A" if jeton[-1] != "A" else "B")


@dataclass
class Cas:
    """One page and method: the answer to anonymous people and to signed-in people, and what a success writes."""

    nom: str
    methode: str
    url: object  # monde -> URL
    anonyme: object  # status, or CONNEXION
    connecte: object  # status, or the Location of a redirect (monde -> str)
    donnees: object = None  # monde -> posted data
    effet: object = None  # (state, username, monde) -> None, the expected change of a signed-in success
    effet_anonyme: bool = False  # the success needs no sign-in: anonymous people get the same effect
    contient: str = ""  # text of the signed-in answer


def adresse_de(nom):
    return lambda m: reverse(nom)


URL_ALERTES = adresse_de("alertes:alerte_list")
URL_SUIVIS = adresse_de("suivis")
URL_PREFERENCES = adresse_de("preferences")
MARSEILLE, LYON = (lambda m: m.aire_marseille), (lambda m: m.aire_lyon)
CONFERENCE_MARSEILLE, CONFERENCE_LYON = (lambda m: m.marseille), (lambda m: m.lyon)

CAS = [
    Cas("alertes", "get", URL_ALERTES, CONNEXION, 200, contient="Alertes au "),
    Cas("alertes_date", "get", lambda m: f"{reverse('alertes:alerte_list')}?date={AU}&tout=on", CONNEXION, 200),
    Cas("alertes_csv", "get", lambda m: f"{reverse('alertes:alerte_list')}?_export=csv", CONNEXION, 200),
    Cas("alertes_xlsx", "get", lambda m: f"{reverse('alertes:alerte_list')}?_export=xlsx", CONNEXION, 200),
    Cas("alertes_ods", "get", lambda m: f"{reverse('alertes:alerte_list')}?_export=ods", CONNEXION, 200),
    Cas("alertes_format_inconnu", "get", lambda m: f"{reverse('alertes:alerte_list')}?_export=json", CONNEXION, 400),
    Cas("alertes", "post", URL_ALERTES, CONNEXION, 405, donnees=lambda m: {}),
    Cas("suivis", "get", URL_SUIVIS, CONNEXION, 200, contient="Mes suivis"),
    Cas("suivis", "post", URL_SUIVIS, CONNEXION, 405, donnees=lambda m: {}),
    Cas("suivre_aire", "get", lambda m: reverse("suivre_aire", args=["003"]), CONNEXION, 405),
    Cas(
        "suivre_aire",
        "post",
        lambda m: reverse("suivre_aire", args=["003"]),
        CONNEXION,
        lambda m: m.aire_marseille.get_absolute_url(),
        donnees=lambda m: {"suivre": "1"},
        effet=suivi_ajoute(aire=MARSEILLE),
    ),
    Cas(
        "suivre_aire_deja_suivie",
        "post",
        lambda m: reverse("suivre_aire", args=["002"]),
        CONNEXION,
        lambda m: m.aire_lyon.get_absolute_url(),
        donnees=lambda m: {"suivre": "1"},
        effet=lambda etat, username, monde: None,  # following it again changes nothing
    ),
    Cas(
        "ne_plus_suivre_aire",
        "post",
        lambda m: reverse("suivre_aire", args=["002"]),
        CONNEXION,
        lambda m: m.aire_lyon.get_absolute_url(),
        donnees=lambda m: {"suivre": "0"},
        effet=suivi_retire(aire=LYON),
    ),
    Cas(
        "suivre_aire_vers_une_page",
        "post",
        lambda m: reverse("suivre_aire", args=["003"]),
        CONNEXION,
        lambda m: f"{reverse('alertes:alerte_list')}?date={AU}",
        donnees=lambda m: {"suivre": "1", "suivant": f"{reverse('alertes:alerte_list')}?date={AU}"},
        effet=suivi_ajoute(aire=MARSEILLE),
    ),
    # Another site is never a destination: back to the area's page.
    Cas(
        "suivre_aire_vers_un_autre_site",
        "post",
        lambda m: reverse("suivre_aire", args=["003"]),
        CONNEXION,
        lambda m: m.aire_marseille.get_absolute_url(),
        donnees=lambda m: {"suivre": "1", "suivant": "https://exemple.invalid/piege/"},
        effet=suivi_ajoute(aire=MARSEILLE),
    ),
    Cas("suivre_aire_incomplet", "post", lambda m: reverse("suivre_aire", args=["003"]), CONNEXION, 400, lambda m: {}),
    Cas(
        "suivre_aire_inconnue",
        "post",
        lambda m: reverse("suivre_aire", args=["999"]),
        CONNEXION,
        404,
        donnees=lambda m: {"suivre": "1"},
    ),
    Cas("suivre_conference", "get", lambda m: reverse("suivre_conference", args=[m.marseille.pk]), CONNEXION, 405),
    Cas(
        "suivre_conference",
        "post",
        lambda m: reverse("suivre_conference", args=[m.marseille.pk]),
        CONNEXION,
        lambda m: m.marseille.get_absolute_url(),
        donnees=lambda m: {"suivre": "1"},
        effet=suivi_ajoute(conference=CONFERENCE_MARSEILLE),
    ),
    Cas(
        "ne_plus_suivre_conference",
        "post",
        lambda m: reverse("suivre_conference", args=[m.lyon.pk]),
        CONNEXION,
        lambda m: m.lyon.get_absolute_url(),
        donnees=lambda m: {"suivre": "0"},
        effet=suivi_retire(conference=CONFERENCE_LYON),
    ),
    Cas(
        "suivre_conference_incomplet",
        "post",
        lambda m: reverse("suivre_conference", args=[m.marseille.pk]),
        CONNEXION,
        400,
        donnees=lambda m: {"suivre": "oui"},
    ),
    Cas(
        "suivre_conference_inconnue",
        "post",
        lambda m: reverse("suivre_conference", args=[m.marseille.pk + 1000]),
        CONNEXION,
        404,
        donnees=lambda m: {"suivre": "1"},
    ),
    Cas("preferences", "get", URL_PREFERENCES, CONNEXION, 200, contient="Résumé par courriel"),
    Cas(
        "preferences",
        "post",
        URL_PREFERENCES,
        CONNEXION,
        lambda m: reverse("preferences"),
        donnees=lambda m: {"email": "nouvelle.adresse@exemple.invalid", "frequence_resume": "hebdomadaire"},
        effet=preferences_choisies,
    ),
    Cas(
        "preferences_resume_sans_adresse",
        "post",
        URL_PREFERENCES,
        CONNEXION,
        200,
        donnees=lambda m: {"email": "", "frequence_resume": "quotidien"},
        contient="Indiquez une adresse électronique pour recevoir un résumé.",
    ),
    Cas(
        "preferences_frequence_inconnue",
        "post",
        URL_PREFERENCES,
        CONNEXION,
        200,
        donnees=lambda m: {"email": "nouvelle.adresse@exemple.invalid", "frequence_resume": "mensuel"},
        contient="Sélectionnez un choix valide",
    ),
    # The unsubscribe link works signed out, and for whoever opens it: the signature is the proof.
    Cas(
        "desabonnement",
        "get",
        lambda m: reverse("desabonnement", args=[jeton_desabonnement(m.abonne)]),
        200,
        200,
        contient="Me désabonner",
    ),
    Cas(
        "desabonnement",
        "post",
        lambda m: reverse("desabonnement", args=[jeton_desabonnement(m.abonne)]),
        200,
        200,
        donnees=lambda m: {},
        effet=abonne_desabonne,
        effet_anonyme=True,
        contient="ne recevra plus de résumé par courriel",
    ),
    Cas("desabonnement_falsifie", "get", lambda m: reverse("desabonnement", args=[jeton_falsifie(m)]), 400, 400),
    Cas(
        "desabonnement_falsifie",
        "post",
        lambda m: reverse("desabonnement", args=[jeton_falsifie(m)]),
        400,
        400,
        donnees=lambda m: {},
    ),
]


def identifiant(cas):
    return f"{cas.methode}-{cas.nom}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cas", CAS, ids=identifiant)
def test_matrice(cas, role, personnes):
    user = personnes.utilisateurs[role]
    client = connecte(Client(), user)
    url = cas.url(personnes)
    avant = etat_de_la_base()
    reponse = client.post(url, cas.donnees(personnes)) if cas.methode == "post" else client.get(url)
    attendu = cas.anonyme if user is None else cas.connecte
    if attendu == CONNEXION:
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(f"{reverse('connexion')}?next=")
    elif callable(attendu):
        assert reponse.status_code == 302, reponse.content.decode()[-2000:]
        assert reponse["Location"] == attendu(personnes)
    else:
        assert reponse.status_code == attendu, reponse.content.decode()[-2000:]
    if cas.contient and user is not None and reponse.status_code == 200:
        assert cas.contient in reponse.content.decode()
    attendu_apres = copy.deepcopy(avant)
    if cas.effet and (user is not None or cas.effet_anonyme):
        cas.effet(attendu_apres, user.username if user else None, personnes)
    assert etat_de_la_base() == attendu_apres


def test_un_export_est_un_fichier_du_format_demande(personnes):
    client = connecte(Client(), personnes.utilisateurs["uesl"])
    attendus = {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }
    for format_, type_ in attendus.items():
        reponse = client.get(reverse("alertes:alerte_list"), {"_export": format_, "date": AU})
        assert reponse.status_code == 200
        assert reponse["Content-Type"].startswith(type_), format_
        assert f'filename="alertes-{AU}.{format_}"' in reponse["Content-Disposition"]


def test_le_lien_de_desabonnement_se_passe_de_jeton_csrf(personnes):
    """RFC 8058: mail clients post the one-click unsubscribe themselves, without any page's CSRF token."""
    client = Client(enforce_csrf_checks=True)
    reponse = client.post(reverse("desabonnement", args=[jeton_desabonnement(personnes.abonne)]))
    assert reponse.status_code == 200
    assert PreferencesUtilisateur.objects.get(utilisateur=personnes.abonne).frequence_resume == FrequenceResume.AUCUN


def test_suivre_exige_le_jeton_csrf(personnes):
    """Following changes what reaches a person's digest: unlike the unsubscribe link, it carries no proof of its own."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(personnes.utilisateurs["elu"])
    avant = etat_de_la_base()
    assert client.post(reverse("suivre_aire", args=["003"]), {"suivre": "1"}).status_code == 403
    assert client.post(reverse("preferences"), {"email": "", "frequence_resume": "aucun"}).status_code == 403
    assert etat_de_la_base() == avant


@pytest.mark.parametrize(
    "jeton",
    [
        "n-importe-quoi",
        # Signed with another salt: a link made for another purpose is no unsubscribe link.
        pytest.param("autre_sel", id="autre-sel"),
        # Well signed, but naming no person, or not a person's key.
        pytest.param("personne_inconnue", id="personne-inconnue"),
        pytest.param("pas_un_identifiant", id="pas-un-identifiant"),
        pytest.param("horodate", id="horodate"),
    ],
)
def test_un_lien_de_desabonnement_forge_ne_change_rien(jeton, personnes):
    valeurs = {
        "autre_sel": signing.dumps(personnes.abonne.pk, salt="partenariat.autre-usage"),
        "personne_inconnue": signing.Signer(salt=SEL_DESABONNEMENT).sign_object(987654),
        "pas_un_identifiant": signing.Signer(salt=SEL_DESABONNEMENT).sign_object("abonne"),
        # Signed as the old timestamped links were: valid signature, but not a token of this kind.
        "horodate": signing.dumps(1, salt=SEL_DESABONNEMENT),
    }
    url = reverse("desabonnement", args=[valeurs.get(jeton, jeton)])
    avant = etat_de_la_base()
    for reponse in (Client().get(url), Client().post(url)):
        assert reponse.status_code == 400
        assert "Ce lien de désabonnement" in reponse.content.decode()
        assert "Me désabonner" not in reponse.content.decode()
    assert etat_de_la_base() == avant


def test_le_lien_de_desabonnement_marche_deconnecte(personnes):
    """Opened from the email, signed out: one button (a mail scanner following links unsubscribes nobody), then done."""
    client = Client()
    url = reverse("desabonnement", args=[jeton_desabonnement(personnes.abonne)])
    avant = etat_de_la_base()
    page = client.get(url)
    contenu = page.content.decode()
    assert page.status_code == 200
    assert "Ne plus envoyer de résumé par courriel au compte abonne ?" in contenu
    assert '<form method="post">' in contenu and "Me désabonner" in contenu
    assert etat_de_la_base() == avant  # opening the link is not unsubscribing
    fait = client.post(url)
    assert fait.status_code == 200
    assert "le compte abonne ne recevra plus de résumé par courriel" in fait.content.decode()
    attendu = copy.deepcopy(avant)
    attendu["frequences"]["abonne"] = FrequenceResume.AUCUN
    assert etat_de_la_base() == attendu
    # Twice is harmless.
    assert client.post(url).status_code == 200
    assert etat_de_la_base() == attendu


# --- Whose alerts the page shows, on hand-made data -----------------------------------------------------------------


class LignesDuTableau(HTMLParser):
    """The `<tbody>` rows of the page's table: the text of each cell and the links of the row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lignes = []
        self.dans_tbody = False
        self.cellule = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.dans_tbody = True
        elif self.dans_tbody and tag == "tr":
            self.lignes.append({"cellules": [], "liens": []})
        elif self.dans_tbody and tag == "td":
            self.cellule = []
        elif self.dans_tbody and tag == "a" and self.lignes:
            self.lignes[-1]["liens"].append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.dans_tbody = False
        elif tag == "td" and self.cellule is not None:
            self.lignes[-1]["cellules"].append(" ".join("".join(self.cellule).split()))
            self.cellule = None

    def handle_data(self, data):
        if self.cellule is not None:
            self.cellule.append(data)


def lignes_de(reponse):
    lecteur = LignesDuTableau()
    lecteur.feed(reponse.content.decode())
    # Without any alert, the one row says so.
    return [ligne for ligne in lecteur.lignes if ligne["liens"]]


# The table's columns: severity, type, alert, area, conference, since.
ALERTE, AIRE, CONFERENCE = 2, 3, 4


@pytest.fixture
def deux_conferences(monde):
    """Lyon and Marseille in the rollout scheme since 2013, each with a 2014 objective behind schedule on 30 June
    2014, an achievement waiting for validation for months, a meeting over a year old; Lyon also an achievement
    returned and never corrected. And Grenoble, in the scheme with no conference: nobody's but national staff's.

    The élu follows Lyon's area only; each secretariat follows the other conference and its area, which must widen
    nothing: following is open to every signed-in person, the scope of a secretariat is its conferences'.
    """
    fabriques.protocole()
    phase = fabriques.phase()
    for aire in (monde.aire_lyon, monde.aire_marseille):
        fabriques.entree(aire, phase, datetime.date(2013, 1, 1))
    fabriques.entree(fabriques.aire("004", "Grenoble"), phase, datetime.date(2013, 1, 1))
    auteur = monde.utilisateurs["secretariat"]
    for aire, conference in ((monde.aire_lyon, monde.lyon), (monde.aire_marseille, monde.marseille)):
        objectif = fabriques.objectif(aire, 2014, 200, conference=conference)
        fabriques.realisation(objectif, 10, datetime.date(2014, 2, 1))
        soumise = fabriques.realisation(objectif, 5, datetime.date(2014, 3, 1), etat=EtatRealisation.SOUMISE)
        Realisation.objects.filter(pk=soumise.pk).update(
            soumise_le=timezone.make_aware(datetime.datetime(2014, 3, 2, 10)), saisi_par=auteur, modifie_par=auteur
        )
    renvoyee = fabriques.realisation(monde.objectif_lyon, 8, datetime.date(2013, 9, 1), etat=EtatRealisation.RENVOYEE)
    Realisation.objects.filter(pk=renvoyee.pk).update(
        examinee_le=timezone.make_aware(datetime.datetime(2014, 5, 2, 10)), commentaire_examen="Justificatif illisible"
    )
    monde.utilisateurs["sans_role"] = acteurs.utilisateur("sans-role")
    Suivi.objects.create(utilisateur=monde.utilisateurs["elu"], aire=monde.aire_lyon)
    for role, aire, conference in (
        ("secretariat", monde.aire_marseille, monde.marseille),
        ("secretariat_autre", monde.aire_lyon, monde.lyon),
    ):
        Suivi.objects.create(utilisateur=monde.utilisateurs[role], aire=aire)
        Suivi.objects.create(utilisateur=monde.utilisateurs[role], conference=conference)
    return monde


PERIMETRES = {
    "secretariat": ("Lyon (002)", "Conférence de Lyon"),
    "secretariat_autre": ("Marseille - Aix-en-Provence (003)", "Conférence de Marseille"),
}
NOMS_DES_AUTRES = {"secretariat": ("Marseille", "Grenoble"), "secretariat_autre": ("Lyon", "Grenoble")}


def verifier_perimetre(role, lignes, sans_aire="—"):
    """Every row is about the secretariat's own area or its own conference, and at least one about each.

    `sans_aire`: the area cell of a conference's own alert ("—" on the page, empty in an export)."""
    aire, conference = PERIMETRES[role]
    assert lignes, "aucune alerte : le test ne prouverait rien"
    for cellules in lignes:
        assert cellules[AIRE] in (aire, sans_aire), cellules
        assert cellules[CONFERENCE] == conference, cellules
        assert not any(nom in cellules[ALERTE] for nom in NOMS_DES_AUTRES[role]), cellules
    assert any(cellules[AIRE] == aire for cellules in lignes)
    assert any(cellules[AIRE] == sans_aire for cellules in lignes)  # the conference's own alert (no meeting)


@pytest.mark.parametrize("role", ["secretariat", "secretariat_autre"])
@pytest.mark.parametrize("parametres", [{}, {"tout": "on"}, {"conference": "autre"}, {"aire": "autre"}])
def test_un_secretariat_ne_voit_que_les_alertes_de_sa_conference(role, parametres, deux_conferences):
    """Neither `?tout=on` (offered to those who read everything) nor a filter on the other conference brings its
    alerts back: a filter narrows the scope, never widens it."""
    monde = deux_conferences
    autre = monde.marseille if role == "secretariat" else monde.lyon
    autre_aire = monde.aire_marseille if role == "secretariat" else monde.aire_lyon
    valeurs = {"conference": autre.pk, "aire": autre_aire.code}
    parametres = {cle: valeurs.get(cle, valeur) if valeur == "autre" else valeur for cle, valeur in parametres.items()}
    client = connecte(Client(), monde.utilisateurs[role])
    reponse = client.get(reverse("alertes:alerte_list"), {"date": AU, **parametres})
    assert reponse.status_code == 200
    lignes = [ligne["cellules"] for ligne in lignes_de(reponse)]
    if "conference" in parametres or "aire" in parametres:
        assert lignes == []
        return
    verifier_perimetre(role, lignes)
    contenu = reponse.content.decode()
    assert 'name="tout"' not in contenu and "Voir toutes les alertes" not in contenu  # not offered


def test_un_secretariat_qui_ajoute_tout_n_est_pas_dit_voir_tout_le_partenariat(deux_conferences):
    """The page says whose alerts it shows: `?tout=on` typed by a secretariat widens nothing, nor may the text."""
    client = connecte(Client(), deux_conferences.utilisateurs["secretariat"])
    contenu = client.get(reverse("alertes:alerte_list"), {"date": AU, "tout": "on"}).content.decode()
    assert "Vous voyez toutes les alertes du partenariat." not in contenu
    assert "Vous voyez les alertes de vos conférences et de ce que vous suivez." in contenu


@pytest.mark.parametrize("role", ["secretariat", "secretariat_autre"])
@pytest.mark.parametrize("tout", [False, True], ids=["portee", "tout"])
def test_l_export_d_un_secretariat_ne_contient_que_sa_conference(role, tout, deux_conferences):
    client = connecte(Client(), deux_conferences.utilisateurs[role])
    parametres = {"date": AU, "_export": "csv", **({"tout": "on"} if tout else {})}
    reponse = client.get(reverse("alertes:alerte_list"), parametres)
    assert reponse.status_code == 200
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig"))))
    entetes, lignes = lignes[0], lignes[1:]
    assert entetes[:6] == ["Gravité", "Type", "Alerte", "Aire urbaine", "Conférence", "Depuis le"], entetes
    verifier_perimetre(role, lignes, sans_aire="")
    # As many rows as the page shows, each with its absolute address.
    page = client.get(reverse("alertes:alerte_list"), {k: v for k, v in parametres.items() if k != "_export"})
    assert len(lignes) == len(lignes_de(page))
    assert all(cellules[6].startswith("http") for cellules in lignes)


def test_l_export_donne_la_gravite_en_texte(deux_conferences):
    """A spreadsheet cell holds the severity's word, not the page's markup."""
    client = connecte(Client(), deux_conferences.utilisateurs["uesl"])
    reponse = client.get(reverse("alertes:alerte_list"), {"date": AU, "_export": "csv"})
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig"))))[1:]
    assert lignes
    assert {cellules[0] for cellules in lignes} <= {"Haute", "Moyenne", "Basse"}, {c[0] for c in lignes}


def aires_et_conferences(reponse):
    return {(c[AIRE], c[CONFERENCE]) for c in (ligne["cellules"] for ligne in lignes_de(reponse))}


TOUTES = {
    ("Lyon (002)", "Conférence de Lyon"),
    ("—", "Conférence de Lyon"),
    ("Marseille - Aix-en-Provence (003)", "Conférence de Marseille"),
    ("—", "Conférence de Marseille"),
    ("Grenoble (004)", "—"),
}


@pytest.mark.parametrize("role", ["uesl", "admin"])
def test_l_equipe_nationale_voit_les_deux_conferences(role, deux_conferences):
    client = connecte(Client(), deux_conferences.utilisateurs[role])
    for parametres in ({"date": AU}, {"date": AU, "tout": "on"}):
        reponse = client.get(reverse("alertes:alerte_list"), parametres)
        assert aires_et_conferences(reponse) >= TOUTES
        assert "Vous voyez les alertes de tout le partenariat." in reponse.content.decode()


def test_un_elu_voit_ce_qu_il_suit_et_tout_sur_demande(deux_conferences):
    client = connecte(Client(), deux_conferences.utilisateurs["elu"])
    suivies = client.get(reverse("alertes:alerte_list"), {"date": AU})
    assert aires_et_conferences(suivies) == {("Lyon (002)", "Conférence de Lyon")}
    assert "Voir toutes les alertes" in suivies.content.decode()
    toutes = client.get(reverse("alertes:alerte_list"), {"date": AU, "tout": "on"})
    assert aires_et_conferences(toutes) >= TOUTES
    assert "Vous voyez toutes les alertes du partenariat." in toutes.content.decode()


def test_une_personne_sans_role_ne_voit_aucune_alerte(deux_conferences):
    client = connecte(Client(), deux_conferences.utilisateurs["sans_role"])
    for parametres in ({"date": AU}, {"date": AU, "tout": "on"}):
        reponse = client.get(reverse("alertes:alerte_list"), parametres)
        assert reponse.status_code == 200
        assert lignes_de(reponse) == []
        assert "Aucune alerte ne correspond à ces filtres." in reponse.content.decode()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonyme"])
@pytest.mark.parametrize("tout", [False, True], ids=["portee", "tout"])
def test_chaque_lien_d_alerte_s_ouvre_pour_qui_le_voit(role, tout, deux_conferences):
    """The page where one acts on an alert opens for whoever is shown it: no alert leads to a refusal."""
    client = connecte(Client(), deux_conferences.utilisateurs[role])
    reponse = client.get(reverse("alertes:alerte_list"), {"date": AU, **({"tout": "on"} if tout else {})})
    assert reponse.status_code == 200
    lignes = lignes_de(reponse)
    assert len(lignes) < 25, "tout doit tenir sur la première page"
    if role != "sans_role":
        assert lignes
    for ligne in lignes:
        assert len(ligne["liens"]) == 1, ligne
        lien = ligne["liens"][0]
        assert lien.startswith("/"), lien
        page = client.get(lien)
        assert page.status_code == 200, (lien, page.status_code)
