"""Hostile files (hypothesis) for the achievements import: whatever is uploaded, neither the check nor the
confirmation gives a 500, every refusal is in French, a refused file writes nothing, and a good file is applied
line for line, exactly once."""

import csv
import datetime
import html
import io
import re
import unicodedata

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engagements.lecture import QUANTITE_MAX
from engagements.models import Dispositif, Objectif, Realisation, Unite
from engagements.services import motif_import
from engagements.views import CLE_IMPORTS
from partenariat.commun.textes import normaliser_texte
from partenariat.models import DATE_SIGNATURE
from tests import fabriques

pytestmark = pytest.mark.django_db

# The client, the session and the database outlive the examples: every assertion compares with a count read first.
REGLAGES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

URL_IMPORT = "/objectifs/importer/"
URL_LISTE = "/objectifs/"

# What the form and the file check say when they refuse (engagements/forms.py, views.py, imports.py).
REFUS = (
    "est refusé : rien n'a été enregistré.",
    "Le fichier est vide.",
    "Choisissez un fichier à importer.",
    "Le fichier doit être au format CSV (.csv) ou Excel (.xlsx).",
    "Le fichier dépasse 5 Mo",
)
DEBUTS_RAPPORT = ("Ligne ", "Colonne", "Le fichier ", "… et ")
# Django's, Python's, tablib's and openpyxl's own wording: none may reach a French page.
ANGLAIS = (
    "This field",
    "Enter a valid",
    "Ensure this value",
    "Null characters",
    "Server Error",
    "Traceback",
    "field larger",
    "field limit",
    "InvalidDimensions",
    "zip file",
    "line contains",
    "codec",
    "Exceeds the limit",
    "Error",
    "Exception",
    "not supported",
)
SCRIPT = "<script>alert(1)</script>"

# (area code, scheme, year, unit) of every objective of the world below; Lyon's 2013 social housing has two
# units, so its lines must name the unit.
OBJECTIFS = (
    ("002", Dispositif.LOGEMENT_SOCIAL, 2013, Unite.LOGEMENTS),
    ("002", Dispositif.LOGEMENT_SOCIAL, 2013, Unite.MENAGES),
    ("002", Dispositif.ACCESSION_SOCIALE, 2014, Unite.LOGEMENTS),
    ("003", Dispositif.LOGEMENT_SOCIAL, 2013, Unite.LOGEMENTS),
    ("003", Dispositif.ACCUEIL_SPECIFIQUE, 2015, Unite.SALARIES),
)
AMBIGUS = {("002", Dispositif.LOGEMENT_SOCIAL, 2013)}
PORTEE = {"uesl": OBJECTIFS, "secretariat": tuple(o for o in OBJECTIFS if o[0] == "002")}

ENTETES = {
    "aire": ("Code aire", "code de l'aire", "Code AU2010", "CODE AIRE"),
    "dispositif": ("Dispositif", "DISPOSITIF"),
    "annee": ("Année", "annee", "ANNÉE"),
    "date": ("Date réalisation", "Date de réalisation", "date de la realisation"),
    "quantite": ("Quantité réalisée", "Quantité", "QUANTITE REALISEE"),
    "unite": ("Unité", "unite"),
    "commentaire": ("Commentaire",),
}
OBLIGATOIRES = ("aire", "dispositif", "annee", "date", "quantite")
EXTRAS = ("Aire urbaine", "Cible", "Taux (%)", "Statut")
LATIN1 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:'\"!?()-éèàçôÉ"
ENTETE = "Code aire,Dispositif,Année,Unité,Date réalisation,Quantité réalisée,Commentaire\n"
SAUTS = ["\n", "\r", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def monde(monde):
    """The shared world, with more objectives to import into: other units, dispositifs and years."""
    fabriques.objectif(monde.aire_lyon, 2013, 40, unite=Unite.MENAGES, conference=monde.lyon)
    fabriques.objectif(monde.aire_lyon, 2014, 60, dispositif=Dispositif.ACCESSION_SOCIALE, conference=monde.lyon)
    fabriques.objectif(
        monde.aire_marseille,
        2015,
        30,
        dispositif=Dispositif.ACCUEIL_SPECIFIQUE,
        unite=Unite.SALARIES,
        conference=monde.marseille,
    )
    return monde


# --- Helpers ---------------------------------------------------------------------------------------------------


def compter():
    return Realisation.objects.count(), Realisation.history.count()


def dernier_pk():
    return Realisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def url_confirmation(jeton):
    return reverse("engagements:realisation_import_confirm", kwargs={"jeton": jeton})


def messages_de(reponse):
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


def rapport(page):
    section = re.search(r'<section class="rapport-import".*?</section>', page, re.S)
    return [html.unescape(li) for li in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)] if section else []


def sans_anglais(texte):
    assert not any(mot in texte for mot in ANGLAIS), texte[-3000:]


def en_attente(client):
    return dict(client.session.get(CLE_IMPORTS, {}))


def televerser(client, contenu, nom="realisations.csv"):
    """Upload; a refusal must be French and leave no trace. Returns the pending import's token, or None."""
    avant, attente_avant = compter(), set(en_attente(client))
    donnees = {} if contenu is None else {"fichier": SimpleUploadedFile(nom, contenu)}
    reponse = client.post(URL_IMPORT, donnees)
    assert reponse.status_code in (200, 302), reponse.status_code
    assert compter() == avant  # nothing is written before confirmation
    page = reponse.content.decode()
    assert SCRIPT not in page
    sans_anglais(html.unescape(page))
    if reponse.status_code == 200:
        texte = html.unescape(page)
        assert any(message in texte for message in REFUS), texte[-3000:]
        lignes = rapport(page)
        if "est refusé" in texte:
            assert lignes
        assert all(ligne.startswith(DEBUTS_RAPPORT) for ligne in lignes), lignes
        assert set(en_attente(client)) == attente_avant
        return None
    jeton = reponse["Location"].rstrip("/").rsplit("/", 1)[1]
    assert reponse["Location"] == url_confirmation(jeton)
    assert jeton in en_attente(client)
    return jeton


def confirmer(client, jeton, donnees=None):
    """Preview then confirm a pending import: applied whole (one row per checked line) or refused in French."""
    url = url_confirmation(jeton)
    lignes = en_attente(client)[jeton]["lignes"]
    apercu = client.get(url)
    assert apercu.status_code == 200
    assert SCRIPT not in apercu.content.decode()
    avant, depuis = compter(), dernier_pk()
    reponse = client.post(url, donnees or {})
    assert reponse.status_code == 302
    messages = messages_de(reponse)
    sans_anglais(messages)
    assert jeton not in en_attente(client)
    if reponse["Location"] == URL_LISTE:
        assert "importée" in messages, messages
        assert compter() == (avant[0] + len(lignes), avant[1] + len(lignes))
        crees = Realisation.objects.filter(pk__gt=depuis)
        aujourd_hui = timezone.localdate()
        assert all(0 <= r.quantite <= QUANTITE_MAX and DATE_SIGNATURE <= r.date <= aujourd_hui for r in crees)
        return sorted(crees.values_list("objectif", "date", "quantite", "commentaire"))
    assert reponse["Location"] == URL_IMPORT
    assert "rien n'a été enregistré" in messages, messages
    assert compter() == avant
    return None


def ecrire_csv(entetes, lignes, separateur=",", fin_de_ligne="\n", encodage="utf-8", quotes=csv.QUOTE_MINIMAL):
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=separateur, lineterminator=fin_de_ligne, quoting=quotes)
    ecrivain.writerow(entetes)
    ecrivain.writerows(lignes)
    return sortie.getvalue().encode(encodage, errors="replace")


def sans_accents(texte):
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


# --- Strategies ------------------------------------------------------------------------------------------------


@st.composite
def ligne_valide(draw, objectifs=OBJECTIFS, alphabet=None):
    """A line any reader of the export could write for one of `objectifs`, with what it must create."""
    code, dispositif, annee, unite = draw(st.sampled_from(objectifs))
    libelle = str(Dispositif(dispositif).label)
    date = draw(st.dates(DATE_SIGNATURE, datetime.date(2015, 12, 31)))
    quantite = draw(st.integers(0, QUANTITE_MAX))
    if alphabet is None:
        # Line breaks of other tools are unified on import; every other control character is refused.
        lisibles = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\u2028\u2029")
        commentaire = draw(st.text(lisibles | st.sampled_from(SAUTS), max_size=40))
    else:
        commentaire = draw(st.text(alphabet, max_size=40))
    unite_ecrite = str(draw(st.sampled_from([unite, Unite(unite).label])))
    if (code, dispositif, annee) not in AMBIGUS:
        unite_ecrite = draw(st.sampled_from(["", unite_ecrite]))
    cellules = {
        "aire": draw(st.sampled_from([code, code.lstrip("0"), f" {code} "])),
        "dispositif": draw(
            st.sampled_from([dispositif, dispositif.upper(), libelle, libelle.upper(), sans_accents(libelle)])
        ),
        "annee": draw(st.sampled_from([str(annee), f" {annee} "])),
        "unite": unite_ecrite,
        "date": draw(st.sampled_from([date.isoformat(), f"{date:%d/%m/%Y}"])),
        "quantite": draw(st.sampled_from(["{}", "+{}", "{:,}"])).format(quantite),
        "commentaire": commentaire,
    }
    # French thousands separators; the narrow no-break space has no Latin-1 code.
    separateurs = [" ", "\u00a0"] if alphabet else [" ", "\u00a0", "\u202f"]
    cellules["quantite"] = cellules["quantite"].replace(",", draw(st.sampled_from(separateurs)))
    attendu = normaliser_texte(commentaire, multiligne=True).strip()
    return cellules, ((code, dispositif, annee, unite), date, quantite, attendu)


@st.composite
def fichier_valide(draw, objectifs=OBJECTIFS):
    encodage = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    alphabet = LATIN1 if encodage == "latin-1" else None
    lignes = draw(st.lists(ligne_valide(objectifs, alphabet), min_size=1, max_size=8))
    colonnes = [*OBLIGATOIRES, "unite", "commentaire"]
    extras = draw(st.lists(st.sampled_from(EXTRAS), unique=True, max_size=2))
    ordre = draw(st.permutations(colonnes + extras))
    entetes = [draw(st.sampled_from(ENTETES[c])) if c in ENTETES else c for c in ordre]
    rangees = [[cellules.get(c, "x") for c in ordre] for cellules, _ in lignes]
    contenu = ecrire_csv(
        entetes,
        rangees,
        separateur=draw(st.sampled_from([",", ";"])),
        # As spreadsheets write them: a bare CR in a cell is quoted whatever the line ending.
        **draw(st.sampled_from([{"fin_de_ligne": "\r\n"}, {"fin_de_ligne": "\n", "quotes": csv.QUOTE_ALL}])),
        encodage=encodage,
    )
    return contenu, [attendu for _, attendu in lignes]


GENERIQUES = [
    "",
    " ",
    SCRIPT,
    "' OR 1=1 --",
    "\u202e\u200b\ufeff",
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "null",
    "[]",
    "x" * 5000,
    "\t\r\n",
]
VALEURS = {
    "aire": ["002", "2", "003", "999", "0002", "02A", "-2", "ABC", "²", "2.0"],
    "dispositif": [
        "logement_social",
        "Production de logements sociaux",
        "Accession sociale à la propriété",
        "Logements de fonction",
        "LOGEMENT SOCIAL",
    ],
    "annee": ["2013", "2014", "2015", "2012", "2016", "2013.0", "13", "-2013", "deux mille treize", "9" * 5000],
    "date": [
        "2013-06-15",
        "15/06/2013",
        "27/06/2012",
        "2014-02-30",
        "31/13/2014",
        "30/02/2014",
        "2012-06-26",
        "26/06/2012",
        "0000-00-00",
        "9999-12-31",
        "1900-01-01",
        "2013/06/15",
        "15-06-2013",
        "2013-06-15T00:00",
        "41000",
        "demain",
    ],
    "quantite": [
        "0",
        "12",
        "1 200",
        str(QUANTITE_MAX),
        str(QUANTITE_MAX + 1),
        str(10**30),
        "9" * 5000,
        "-1",
        "-0",
        "3.5",
        "1,5",
        "1e3",
        "١٢",
        "²",
        "9223372036854775808",
        "-9223372036854775809",
        "0x10",
        "NaN",
        "inf",
    ],
    "unite": ["", "logements", "ménages", "salariés", "kg"],
    "commentaire": ["", "Livraison", "Ligne 1 : fausse erreur"],
}


def cellule_hostile(cle):
    return st.one_of(st.sampled_from(VALEURS[cle]), st.sampled_from(GENERIQUES), st.text(max_size=20))


@st.composite
def fichier_hostile(draw):
    """Headers missing, doubled or extra, in any order; cells of any kind; rows too short or too long."""
    colonnes = [c for c in ENTETES if c not in draw(st.sets(st.sampled_from(list(ENTETES)), max_size=2))]
    colonnes += draw(st.lists(st.sampled_from(list(ENTETES)), max_size=1))
    colonnes += draw(st.lists(st.sampled_from(EXTRAS) | st.text(max_size=10), max_size=2))
    ordre = draw(st.permutations(colonnes))
    entetes = [draw(st.sampled_from(ENTETES[c])) if c in ENTETES else c for c in ordre]
    rangees = []
    for _ in range(draw(st.integers(0, 5))):
        rangee = [draw(cellule_hostile(c)) if c in ENTETES else draw(st.text(max_size=5)) for c in ordre]
        coupe = draw(st.integers(-2, 2))
        rangees.append(rangee[:coupe] if coupe < 0 else rangee + ["en trop"] * coupe)
    return ecrire_csv(
        entetes,
        rangees,
        separateur=draw(st.sampled_from([",", ";"])),
        fin_de_ligne=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        encodage=draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"])),
    )


@st.composite
def classeur_hostile(draw):
    """A real XLSX whose cells carry spreadsheet types: floats, huge integers, booleans, dates, empty cells."""
    typee = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(-1e300, 1e300),
        st.dates(datetime.date(1900, 3, 1), datetime.date(9999, 12, 31)),
        st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20),
    )
    classeur = tablib.Dataset(headers=[e.strip() for e in ENTETE.split(",")])
    for _ in range(draw(st.integers(0, 4))):
        rangee = [draw(st.sampled_from([2, "002", 2.0])), "logement_social", 2013.0, "logements", None, None, None]
        for index in draw(st.sets(st.integers(0, 6), min_size=1)):
            rangee[index] = draw(typee)
        classeur.append(rangee)
    return classeur.export("xlsx")


fichier_brut = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", errors="replace")),
    st.binary(max_size=300).map(lambda b: ENTETE.encode() + b),
    st.text(max_size=300).map(lambda t: (ENTETE + t).encode("utf-16")),
    st.integers(1, 3).map(lambda n: ENTETE.encode() + b"002,logement_social,2013,,2013-06-15,1," + b"x" * 140_000 * n),
)
NOMS = st.sampled_from(
    [
        "realisations.csv",
        "REALISATIONS.CSV",
        "realisations.xlsx",
        "../../etc/passwd.csv",
        f"{SCRIPT}.csv",
        "données été 2013.csv",
        "x" * 200 + ".csv",
        "realisations.txt",
        "realisations.csv.exe",
        "realisations",
    ]
)


# --- Properties ------------------------------------------------------------------------------------------------


@REGLAGES
@given(
    fichier=fichier_valide(),
    donnees_confirmation=st.dictionaries(
        st.sampled_from(["quantite", "objectif", "date", "_confirmer"]), st.text(max_size=10)
    ),
)
def test_un_fichier_valide_cree_chaque_ligne_exactement_une_fois(client, monde, fichier, donnees_confirmation):
    contenu, attendues = fichier
    client.force_login(monde.utilisateurs["uesl"])
    objectifs = {(o.aire.code, o.dispositif, o.annee, o.unite): o.pk for o in Objectif.objects.select_related("aire")}

    jeton = televerser(client, contenu)
    assert jeton is not None
    attente = en_attente(client)[jeton]
    assert len(attente["lignes"]) == len(attendues)
    # Whatever the browser posts at confirmation, only the lines the server checked are applied.
    crees = confirmer(client, jeton, donnees_confirmation)
    assert crees == sorted(
        (objectifs[cle], date, quantite, commentaire) for cle, date, quantite, commentaire in attendues
    )
    assert Realisation.history.filter(history_change_reason=motif_import(jeton)).count() == len(attendues)

    # Confirming again (double click, back button) applies nothing.
    avant = compter()
    encore = client.post(url_confirmation(jeton))
    assert encore["Location"] == URL_IMPORT
    assert "déjà été appliqué" in messages_de(encore)
    assert compter() == avant

    # Nor does a stale copy of the pending import (a second tab): the history already holds this token.
    session = client.session
    session[CLE_IMPORTS] = {**session.get(CLE_IMPORTS, {}), jeton: attente}
    session.save()
    rejeu = client.post(url_confirmation(jeton))
    assert rejeu["Location"] == URL_IMPORT
    assert "déjà été importé" in messages_de(rejeu)
    assert compter() == avant


@REGLAGES
@given(contenu=fichier_hostile(), utilisateur=st.sampled_from(["uesl", "secretariat"]), nom=NOMS)
def test_un_fichier_hostile_est_refuse_en_francais_ou_applique_en_entier(client, monde, contenu, utilisateur, nom):
    client.force_login(monde.utilisateurs[utilisateur])
    jeton = televerser(client, contenu, nom)
    if jeton is not None:
        confirmer(client, jeton)


@REGLAGES
@given(contenu=fichier_brut | classeur_hostile(), nom=NOMS)
@example(contenu=None, nom="realisations.csv")
@example(contenu=b"", nom="realisations.csv")
@example(contenu=b"\xef\xbb\xbf", nom="realisations.csv")
@example(contenu=ENTETE.encode(), nom="realisations.csv")
@example(contenu=ENTETE.encode() + b"\n\n;;;\n,,,,,,\n", nom="realisations.csv")
@example(contenu=ENTETE.encode() + b"002,logement_social,2013,,2013-06-15,1,\x00\n", nom="realisations.csv")
@example(contenu=ENTETE.encode() + b"002,logement_social,2013,,2013-06-15,1,,en trop\n", nom="realisations.csv")
@example(contenu=ENTETE.encode("utf-16") + "002,Lyon".encode("utf-16"), nom="realisations.csv")
@example(contenu=b"PK\x03\x04" + b"\x00" * 100, nom="realisations.xlsx")
@example(contenu=ENTETE.encode(), nom="realisations.xlsx")
@example(contenu=ENTETE.encode() + b"002,logement_social,2013,,2013-06-15,1\n" * 10_001, nom="realisations.csv")
def test_un_fichier_quelconque_ne_donne_jamais_d_erreur_serveur(client, monde, contenu, nom):
    client.force_login(monde.utilisateurs["uesl"])
    jeton = televerser(client, contenu, nom)
    if jeton is not None:
        confirmer(client, jeton)


# (column, value) that make a line wrong whatever the rest, and the words the report gives for it.
MAUVAISES = [
    ("aire", "999", "aire urbaine « 999 » inconnue"),
    ("aire", "", "le code de l'aire urbaine est vide"),
    ("dispositif", "Logements de fonction", "dispositif « Logements de fonction » inconnu"),
    ("annee", "2016", "hors de la période du protocole (2013 à 2015)"),
    ("annee", "2012", "hors de la période du protocole (2013 à 2015)"),
    ("annee", "9" * 5000, "hors de la période du protocole"),
    ("unite", "kg", "unité « kg » inconnue"),
    ("date", "2014-02-30", "illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
    ("date", "31/13/2014", "illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
    ("date", "26/06/2012", "antérieure à la signature du protocole (27/06/2012)"),
    ("date", "", "date de réalisation manquante"),
    ("date", "9999-12-31", "date 31/12/9999 postérieure à aujourd'hui"),
    ("date", "31/12/9999", "date 31/12/9999 postérieure à aujourd'hui"),
    ("quantite", "-5", "quantité -5 négative"),
    ("quantite", "3.5", "un nombre entier est attendu"),
    ("quantite", "=1+1", "un nombre entier est attendu"),
    ("quantite", "", "quantité réalisée manquante"),
    ("quantite", str(QUANTITE_MAX + 1), "hors limites"),
    ("quantite", str(10**30), "hors limites"),
    ("quantite", "9" * 5000, "hors limites"),
    ("quantite", "-" + "9" * 40, "hors limites"),
]
BASE = {
    "aire": "002",
    "dispositif": "logement_social",
    "annee": "2013",
    "unite": "logements",
    "date": "15/06/2013",
    "quantite": "5",
    "commentaire": "",
}


@REGLAGES
@given(
    cas=st.sampled_from(["uesl", "secretariat"]).flatmap(
        lambda u: st.tuples(st.just(u), st.lists(ligne_valide(PORTEE[u], LATIN1), max_size=4))
    ),
    mauvaise=st.sampled_from(MAUVAISES),
    rang=st.integers(0, 4),
)
@example(
    cas=("secretariat", []),
    mauvaise=("aire", "003", "ne relève pas de vos conférences"),
    rang=0,
)
@example(cas=("uesl", []), mauvaise=("annee", "2014", "aucun objectif pour l'aire 002"), rang=0)
@example(cas=("uesl", []), mauvaise=("unite", "", "plusieurs objectifs correspondent"), rang=0)
def test_une_seule_ligne_fausse_refuse_tout_le_fichier_en_la_nommant(client, monde, cas, mauvaise, rang):
    utilisateur, bonnes = cas
    colonne, valeur, message = mauvaise
    client.force_login(monde.utilisateurs[utilisateur])
    rang = min(rang, len(bonnes))
    colonnes = list(BASE)
    rangees = [[cellules[c] for c in colonnes] for cellules, _ in bonnes]
    rangees.insert(rang, [valeur if c == colonne else BASE[c] for c in colonnes])
    entetes = [ENTETES[c][0] for c in colonnes]

    avant = compter()
    reponse = client.post(URL_IMPORT, {"fichier": SimpleUploadedFile("r.csv", ecrire_csv(entetes, rangees))})
    assert reponse.status_code == 200
    assert compter() == avant
    assert not en_attente(client)
    lignes = rapport(reponse.content.decode())
    assert len(lignes) == 1, lignes
    assert lignes[0].startswith(f"Ligne {rang + 2} : ") and message in lignes[0], lignes


@REGLAGES
@given(
    jeton=st.uuids(),
    donnees=st.dictionaries(st.sampled_from(["_confirmer", "_abandonner", "jeton", "lignes"]), st.text(max_size=20)),
    methode=st.sampled_from(["get", "post"]),
)
def test_confirmer_un_import_inconnu_ne_fait_rien(client, monde, jeton, donnees, methode):
    client.force_login(monde.utilisateurs["uesl"])
    avant = compter()
    reponse = getattr(client, methode)(url_confirmation(jeton), donnees)
    assert reponse.status_code == 302 and reponse["Location"] == URL_IMPORT
    assert "a expiré : rien n'a été enregistré de nouveau" in messages_de(reponse)
    assert compter() == avant


@settings(REGLAGES, max_examples=20)
@given(fichier=fichier_valide(PORTEE["secretariat"]))
def test_un_objectif_sorti_du_perimetre_avant_la_confirmation_refuse_tout(client, monde, fichier):
    contenu, _ = fichier
    secretariat = monde.utilisateurs["secretariat"]
    client.force_login(secretariat)
    jeton = televerser(client, contenu)
    assert jeton is not None
    # Still a secretariat (of Marseille), so the page opens, but Lyon's objectives are no longer its own.
    monde.marseille.secretariat.add(secretariat)
    monde.lyon.secretariat.remove(secretariat)
    try:
        assert confirmer(client, jeton) is None
    finally:
        monde.lyon.secretariat.add(secretariat)
        monde.marseille.secretariat.remove(secretariat)
