"""Hostile input (hypothesis): random and adversarial values in every form, every list parameter and every path
segment never give a 500 (SQLite and PostgreSQL alike), always a French message, and never a partial write."""

import datetime
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aires_urbaines.models import AireUrbaine, BassinEmploi, Intercommunalite
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion
from engagements.models import Objectif, Realisation
from partenariat.roles import EQUIPE_UESL
from tests import fabriques
from tests.acteurs import connecte, donnees_formset, utilisateur

pytestmark = pytest.mark.django_db

ADVERSAIRES = [
    "",
    " ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u200b\ufeff",
    "x" * 5000,
    "-1",
    "-999999999999",
    "9" * 40,
    "1e309",
    "NaN",
    "3.5",
    "2013-02-30",
    "31/02/2014",
    "0000-00-00",
    "9999-12-31",
    "1900-01-01",
    "2012-06-26",
    "[]",
    "null",
    # What PostgreSQL cannot store, and what Word and spreadsheets paste.
    "\x00",
    "Lyon\x00",
    "Lyon\x0bligne",
    "Lyon\x85ligne",
    "Lyon\u2028ligne",
    "Lyon\u2029ligne",
    "Lyon\x0cpage",
    "Lyon\r\nligne",
    "\x1b[31mrouge",
    "\x7f",
    "\t",
    "²",
    "9" * 19,
    "9" * 5000,
    "002",
    "9A1",
    "prioritaire-2013",
]
CONTROLES = st.characters(categories=["Cc"]) | st.sampled_from("\u2028\u2029")
valeur = st.one_of(
    st.sampled_from(ADVERSAIRES),
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8") | CONTROLES, max_size=20),
    st.integers(-(10**20), 10**20).map(str),
)
ANGLAIS = (
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "Null characters",
    "is not one of the available choices",
)
# Django's own NUL message is French here, but names nothing: the product's names the character.
MESSAGES_GENERIQUES = ("Le caractère nul n’est pas autorisé",)

FORMULAIRES = {
    "reunion": (Reunion, ["date", "lieu", "ordre_du_jour", "compte_rendu", "nb_participants", "participants"]),
    "realisation": (Realisation, ["date", "quantite", "commentaire"]),
    "objectif": (Objectif, ["aire", "conference", "dispositif", "annee", "cible", "unite", "date_accord", "notes"]),
    "observation": (Observation, ["titre", "date", "nature", "aires", "resume", "chiffres_cles"]),
    "association": (
        AssociationProgrammation,
        ["intercommunalite", "document", "etat", "date_sollicitation", "date_association", "date_avis", "commentaire"],
    ),
    "conference": (
        ConferenceTerritoriale,
        ["nom", "date_installation", "bassins", "aires"]
        + [f"membres-0-{champ}" for champ in ("nom", "college", "organisation", "fonction")],
    ),
}
# Posted as they are beside the hostile values (a formset needs its management form to be judged at all).
FIXES = {"conference": donnees_formset()}
FIXES["conference"]["membres-TOTAL_FORMS"] = "1"


@pytest.fixture
def adresses(client):
    """A small Lyon of its own (the counts below expect one meeting, one objective), signed in as national staff;
    the addresses of its entry pages."""
    connecte(client, utilisateur("uesl-hostile", EQUIPE_UESL))
    aire = fabriques.aire("002", "Lyon")
    conference = fabriques.conference("Conférence de Lyon", installation=datetime.date(2012, 11, 15), aires=[aire])
    BassinEmploi.objects.create(code="8214", nom="Lyon")
    Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")
    objectif = fabriques.objectif(aire, annee=2014, cible=100)
    return {
        "reunion": f"/conferences/{conference.pk}/reunions/ajouter/",
        "realisation": f"/objectifs/{objectif.pk}/realisations/ajouter/",
        "objectif": "/objectifs/ajouter/",
        "observation": f"/conferences/{conference.pk}/observations/ajouter/",
        "association": f"/conferences/{conference.pk}/associations/ajouter/",
        "conference": "/conferences/ajouter/",
    }


@pytest.mark.parametrize("formulaire", list(FORMULAIRES))
def test_saisies_hostiles_jamais_d_erreur_serveur_ni_d_ecriture_partielle(formulaire, adresses, client):
    modele, champs = FORMULAIRES[formulaire]
    url = adresses[formulaire]
    assert client.get(url).status_code == 200

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries(dict.fromkeys(champs, valeur)))
    def envoyer(donnees):
        avant, membres_avant = modele.objects.count(), MembreConference.objects.count()
        reponse = client.post(url, {**FIXES.get(formulaire, {}), **donnees})
        assert reponse.status_code in (200, 302), (donnees, reponse.status_code)
        apres = modele.objects.count()
        if reponse.status_code == 200:
            contenu = reponse.content.decode()
            assert apres == avant, donnees
            assert MembreConference.objects.count() == membres_avant, donnees
            assert not any(mot in contenu for mot in ANGLAIS + MESSAGES_GENERIQUES), donnees
            assert "<script>alert(1)</script>" not in contenu
        else:
            assert apres == avant + 1, donnees
            for objet in modele.objects.order_by("-pk")[:1]:
                assert_texte_stockable(objet)

    envoyer()


def assert_texte_stockable(objet):
    """What was saved holds no control character but the line breaks and tabs of multi-line text."""
    for champ in objet._meta.concrete_fields:
        texte = getattr(objet, champ.attname)
        if isinstance(texte, str):
            autorises = "\n\t" if champ.get_internal_type() == "TextField" else ""
            assert not [
                c for c in texte if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029") and c not in autorises
            ], (champ.name, texte)


# --- Query parameters of every list and form page ------------------------------------------------------------

PARAMETRES = {
    "/": ["date"],
    "/aires/": [
        "q",
        "categorie",
        "tension",
        "phase",
        "region",
        "departement",
        "avec_conference",
        "date",
        "sort",
        "page",
    ],
    "/aires/carte/": ["mode", "date"],
    "/objectifs/": ["aire", "dispositif", "annee", "phase", "conference", "statut", "date", "sort", "page"],
    "/conferences/": ["q", "etat_installation", "sort", "page"],
    "/deploiement/": ["date"],
    "/objectifs/ajouter/": ["aire", "conference"],
    "/conferences/ajouter/": ["aires_recherche", "bassins_recherche"],
}


@pytest.mark.parametrize("url", list(PARAMETRES))
def test_parametres_hostiles_jamais_d_erreur_serveur(url, adresses, client):
    fabriques.entree(AireUrbaine.objects.get(code="002"), fabriques.phase(), datetime.date(2013, 1, 1))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.dictionaries(st.sampled_from(PARAMETRES[url]), valeur, min_size=1))
    def consulter(parametres):
        reponse = client.get(f"{url}?{urlencode(parametres)}")
        assert reponse.status_code in (200, 404), (parametres, reponse.status_code)
        contenu = reponse.content.decode()
        assert not any(mot in contenu for mot in ANGLAIS), parametres
        assert "<script>alert(1)</script>" not in contenu

    consulter()


# --- Path segments --------------------------------------------------------------------------------------------

CHEMINS = [
    "/aires/{}/",
    "/rapports/aires/{}.pdf",
    "/conferences/{}/",
    "/conferences/{}/modifier/",
    "/conferences/reunions/{}/",
    "/rapports/conferences/{}.pdf",
    "/objectifs/{}/",
    "/objectifs/{}/modifier/",
    "/objectifs/realisations/{}/",
]


@pytest.mark.parametrize("chemin", CHEMINS)
def test_segments_hostiles_404_jamais_500(chemin, adresses, client):
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(valeur.filter(lambda v: v not in ("002", "9A1")))  # an existing record would render a page or a PDF
    def consulter(segment):
        reponse = client.get(chemin.format(quote(segment, safe="")))
        assert reponse.status_code in (200, 301, 302, 404), (segment, reponse.status_code)

    consulter()


# --- The defects as found (issue 10) ----------------------------------------------------------------------------


@pytest.mark.parametrize("saut", ["\x0b", "\x85", "\u2028"])
def test_nom_de_conference_avec_un_saut_de_ligne_de_word_refuse(saut, adresses, client):
    """« Lyon\x0bligne » was accepted by the conference form, then broke the XLSX export and the iCal feed."""
    reponse = client.post("/conferences/ajouter/", {"nom": f"Lyon{saut}ligne", **FIXES["conference"]})
    assert reponse.status_code == 200
    assert "Ce champ tient sur une ligne" in reponse.content.decode()
    assert not ConferenceTerritoriale.objects.filter(nom__startswith="Lyon").exists()


def test_compte_rendu_les_sauts_de_ligne_des_autres_logiciels_deviennent_des_sauts_de_ligne(adresses, client):
    url = adresses["reunion"]
    compte_rendu = "Présents\x0bAbsents\x85Excusés\u2028Fin\r\n"
    reponse = client.post(url, {"date": "2013-03-01", "lieu": "Lyon", "compte_rendu": compte_rendu})
    assert reponse.status_code == 302
    assert Reunion.objects.get().compte_rendu == "Présents\nAbsents\nExcusés\nFin"


def test_caractere_nul_refuse_avec_un_message_qui_le_nomme(adresses, client):
    reponse = client.post(adresses["reunion"], {"date": "2013-03-01", "lieu": "Lyon\x00", "compte_rendu": "a\x00b"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert contenu.count("caractère nul (U+0000)") == 2
    assert "Le caractère nul n’est pas autorisé" not in contenu
    assert not Reunion.objects.exists()


@pytest.mark.parametrize(
    ("url", "statut"),
    [("/aires/%00/", 404), ("/rapports/aires/%00.pdf", 404), ("/objectifs/ajouter/?aire=%00", 200)],
)
def test_caractere_nul_dans_l_adresse_jamais_500_sur_postgresql(url, statut, adresses, client):
    """These three gave a 500 on PostgreSQL (DataError: text cannot hold NUL), 404 or 200 on SQLite."""
    assert client.get(url).status_code == statut


@pytest.mark.parametrize("url", ["/aires/?phase=%00", "/objectifs/?phase=%00"])
def test_choix_par_code_avec_un_caractere_nul_dit_choix_valide(url, adresses, client):
    """A chooser keyed on a text column (the phase's code) must refuse NUL as any other impossible choice."""
    contenu = client.get(url).content.decode()
    assert "choix valide" in contenu
    assert "Le caractère nul n’est pas autorisé" not in contenu


def test_identifiants_hors_limites_dans_les_choix_refuses_en_francais(adresses, client):
    """Beyond 64 bits SQLite raised OverflowError in the lookup (a 500): the project's chooser says « choix valide »."""
    enorme = "9" * 25
    reponse = client.post("/conferences/ajouter/", {"nom": "Conférence X", "aires": [enorme], **FIXES["conference"]})
    assert reponse.status_code == 200
    assert "choix valide" in reponse.content.decode()
    reponse = client.post("/objectifs/ajouter/", {"aire": enorme, "conference": enorme, "annee": "2014"})
    assert reponse.status_code == 200
    assert "Choisissez une des conférences dont vous tenez le secrétariat" in reponse.content.decode()
    assert not ConferenceTerritoriale.objects.filter(nom="Conférence X").exists()
    assert Objectif.objects.count() == 1


@pytest.mark.parametrize("annee", ["²", "9" * 5000, "%00"])
def test_annee_du_rapport_national_illisible_404(annee, adresses, client):
    """`str.isdigit()` let « ² » and 5,000 digits through to int(), which raised ValueError (a 500)."""
    assert client.get(f"/rapports/national.pdf?annee={annee}").status_code == 404


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(contenu=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_import_de_communes_hostile_refuse_proprement(contenu, tmp_path_factory):
    from django.core.management import CommandError, call_command

    from aires_urbaines.models import Commune

    fichier = tmp_path_factory.mktemp("hostile") / "communes.csv"
    fichier.write_bytes(
        b"CODGEO,LIBGEO,DEP,REG,AU2010,LIBAU2010,CATAEU2010,ZE2010,LIBZE2010,EPCI,LIBEPCI,NATURE_EPCI,POP2010\n"
        + contenu
    )
    avant = Commune.objects.count()
    try:
        call_command("importer_communes", str(fichier), verbosity=0)
    except CommandError as erreur:
        assert "Ligne" in str(erreur) or "ligne" in str(erreur) or "fichier" in str(erreur).lower()
        assert Commune.objects.count() == avant
