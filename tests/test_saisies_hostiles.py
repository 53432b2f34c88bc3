"""Hostile input (hypothesis): random and adversarial values in every form never give a 500, always a French
message, and never a partial write."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aires_urbaines.models import BassinEmploi, Intercommunalite
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation, Reunion
from engagements.models import Objectif, Realisation
from partenariat.roles import EQUIPE_UESL
from tests import fabriques

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
]
valeur = st.one_of(st.sampled_from(ADVERSAIRES), st.text(max_size=60), st.integers(-(10**20), 10**20).map(str))
ANGLAIS = ("This field is required", "Enter a valid", "Ensure this value", "Select a valid choice", "Null characters")

FORMULAIRES = {
    "reunion": (Reunion, ["date", "lieu", "ordre_du_jour", "compte_rendu", "nb_participants", "participants"]),
    "realisation": (Realisation, ["date", "quantite", "commentaire"]),
    "objectif": (Objectif, ["aire", "conference", "dispositif", "annee", "cible", "unite", "date_accord", "notes"]),
    "observation": (Observation, ["titre", "date", "nature", "aires", "resume", "chiffres_cles"]),
    "association": (
        AssociationProgrammation,
        ["intercommunalite", "document", "etat", "date_sollicitation", "date_association", "date_avis", "commentaire"],
    ),
    "conference": (ConferenceTerritoriale, ["nom", "date_installation", "bassins", "aires"]),
}


@pytest.fixture
def monde(client):
    uesl = get_user_model().objects.create_user("uesl-hostile")
    uesl.groups.add(Group.objects.get(name=EQUIPE_UESL))
    client.force_login(uesl)
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
def test_saisies_hostiles_jamais_d_erreur_serveur_ni_d_ecriture_partielle(formulaire, monde, client):
    modele, champs = FORMULAIRES[formulaire]
    url = monde[formulaire]
    assert client.get(url).status_code == 200

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries(dict.fromkeys(champs, valeur)))
    def envoyer(donnees):
        avant = modele.objects.count()
        reponse = client.post(url, donnees)
        assert reponse.status_code in (200, 302), (donnees, reponse.status_code)
        apres = modele.objects.count()
        if reponse.status_code == 200:
            contenu = reponse.content.decode()
            assert apres == avant, donnees
            assert not any(mot in contenu for mot in ANGLAIS), donnees
            assert "<script>alert(1)</script>" not in contenu
        else:
            assert apres == avant + 1, donnees

    envoyer()


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
