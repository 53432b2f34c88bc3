"""Every write URL × every role × GET and POST: the status, and the database left untouched by every refusal."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from aires_urbaines.models import Intercommunalite
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion
from conferences.regles import peut_gerer_conference, peut_modifier_conference
from engagements.models import Objectif, Realisation
from engagements.regles import objectifs_modifiables, peut_modifier_objectif
from tests import acteurs
from tests.acteurs import DISPOSITIF_LIBRE, ROLES, connecte, donnees_formset, donnees_membre

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("communes")]

AGENTS = {"secretariat", "uesl", "admin"}  # may record Lyon's activity
NATIONAUX = {"uesl", "admin"}  # may change Lyon's own fields and create conferences
CHOIX_INVALIDE = "Sélectionnez un choix valide"


def etat_de_la_base():
    """The shared snapshot, plus what a refused tag or association would change: areas and intercommunalities."""
    return {
        **acteurs.etat_de_la_base(),
        "aires_des_observations": sorted(Observation.aires.through.objects.values_list("observation", "aireurbaine")),
        "intercommunalites_des_associations": sorted(
            AssociationProgrammation.objects.values_list("pk", "intercommunalite")
        ),
        "historique": (Observation.history.count(), AssociationProgrammation.history.count()),
    }


def fichier_lyon(monde):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contenu = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n"
        f"002,{monde.objectif_lyon.get_dispositif_display()},2013,15/06/2013,12\n"
    )
    return SimpleUploadedFile("realisations.csv", contenu.encode("utf-8"), content_type="text/csv")


@dataclass
class Cas:
    """One write URL: who may use it, what to post, and how to see that the post took effect."""

    nom: str
    url: object  # monde -> URL
    autorises: set
    donnees: object = None  # monde -> posted data
    effet: object = None  # monde -> bool, once an allowed POST is done
    # Roles that may open the page but whose post is refused by validation (200, form redisplayed).
    refuses_par_le_formulaire: frozenset = frozenset()
    statut_post: int = 302
    message_refus: str = ""  # shown on the redisplayed form of those roles


CAS = [
    Cas(
        "conference_add",
        lambda m: reverse("conferences:conference_add"),
        NATIONAUX,
        lambda m: {
            "nom": "Conférence de Grenoble",
            "date_installation": "2012-12-01",
            "aires": [m.aire_marseille.pk],
            **donnees_formset(membres=[{"nom": "Paul Roux", "college": "salaries", "organisation": "CGT"}]),
        },
        lambda m: ConferenceTerritoriale.objects.filter(
            nom="Conférence de Grenoble", membres__nom="Paul Roux"
        ).exists(),
    ),
    Cas(
        "conference_edit",
        lambda m: reverse("conferences:conference_edit", args=[m.lyon.pk]),
        NATIONAUX,
        lambda m: {
            "nom": "Conférence de Lyon renommée",
            "date_installation": "2012-11-15",
            "aires": [m.aire_lyon.pk],
            "bassins": [m.bassin_lyon.pk],
            "version": "1",
            **donnees_formset(existants=[(m.membre_lyon.pk, donnees_membre(m.membre_lyon), False)]),
        },
        lambda m: ConferenceTerritoriale.objects.get(pk=m.lyon.pk).nom == "Conférence de Lyon renommée",
    ),
    Cas(
        "membres_edit",
        lambda m: reverse("conferences:membres_edit", args=[m.lyon.pk]),
        AGENTS,
        lambda m: {
            "version": "1",
            **donnees_formset(
                existants=[(m.membre_lyon.pk, donnees_membre(m.membre_lyon), False)],
                membres=[{"nom": "Marc Garnier", "college": "salaries", "organisation": "CFDT"}],
            ),
        },
        lambda m: MembreConference.objects.filter(conference=m.lyon, nom="Marc Garnier").exists(),
    ),
    Cas(
        "reunion_add",
        lambda m: reverse("conferences:reunion_add", args=[m.lyon.pk]),
        AGENTS,
        lambda m: {"date": "2013-06-20", "lieu": "Villeurbanne"},
        lambda m: Reunion.objects.filter(conference=m.lyon, lieu="Villeurbanne").exists(),
    ),
    Cas(
        "reunion_edit",
        lambda m: reverse("conferences:reunion_edit", args=[m.reunion_lyon.pk]),
        AGENTS,
        lambda m: {"date": "2013-03-12", "lieu": "Lyon, Hôtel de région"},
        lambda m: Reunion.objects.get(pk=m.reunion_lyon.pk).lieu == "Lyon, Hôtel de région",
    ),
    Cas(
        "association_add",
        lambda m: reverse("conferences:association_add", args=[m.lyon.pk]),
        AGENTS,
        lambda m: {
            "intercommunalite": m.epci_lyon.pk,
            "document": "SCOT",
            "etat": "sollicitee",
            "date_sollicitation": "2013-04-02",
        },
        lambda m: AssociationProgrammation.objects.filter(conference=m.lyon, document="SCOT").exists(),
    ),
    Cas(
        "association_edit",
        lambda m: reverse("conferences:association_edit", args=[m.association_lyon.pk]),
        AGENTS,
        lambda m: {
            "intercommunalite": m.epci_lyon.pk,
            "document": "PLH",
            "etat": "avis_rendu",
            "date_sollicitation": "2013-02-01",
            "date_avis": "2013-09-01",
        },
        lambda m: AssociationProgrammation.objects.get(pk=m.association_lyon.pk).etat == "avis_rendu",
    ),
    Cas(
        "observation_add",
        lambda m: reverse("conferences:observation_add", args=[m.lyon.pk]),
        AGENTS,
        lambda m: {"titre": "Étude jeunes actifs", "date": "2014-01-15", "nature": "etude", "aires": [m.aire_lyon.pk]},
        lambda m: Observation.objects.filter(conference=m.lyon, titre="Étude jeunes actifs").exists(),
    ),
    Cas(
        "observation_edit",
        lambda m: reverse("conferences:observation_edit", args=[m.observation_lyon.pk]),
        AGENTS,
        lambda m: {"titre": "Besoins 2013", "date": "2013-05-02", "nature": "observation"},
        lambda m: Observation.objects.get(pk=m.observation_lyon.pk).titre == "Besoins 2013",
    ),
    # A secretariat tags its observations only with its conference's areas (Paris: nobody's; Marseille: another
    # conference's), associates it only with the intercommunalities of those areas; national staff anywhere.
    Cas(
        "observation_add_hors_perimetre",
        lambda m: reverse("conferences:observation_add", args=[m.lyon.pk]),
        NATIONAUX,
        lambda m: {
            "titre": "Étude interrégionale",
            "date": "2014-01-15",
            "nature": "etude",
            "aires": [m.aire_lyon.pk, m.aire_paris.pk, m.aire_marseille.pk],
        },
        lambda m: (
            set(Observation.objects.get(titre="Étude interrégionale").aires.all())
            == {m.aire_lyon, m.aire_paris, m.aire_marseille}
        ),
        refuses_par_le_formulaire=frozenset({"secretariat"}),
        message_refus=CHOIX_INVALIDE,
    ),
    Cas(
        "observation_edit_hors_perimetre",
        lambda m: reverse("conferences:observation_edit", args=[m.observation_lyon.pk]),
        NATIONAUX,
        lambda m: {
            "titre": "Besoins des entreprises",
            "date": "2013-05-02",
            "nature": "observation",
            "resume": "Enquête.",
            "aires": [m.aire_lyon.pk, m.aire_paris.pk],
        },
        lambda m: set(m.observation_lyon.aires.all()) == {m.aire_lyon, m.aire_paris},
        refuses_par_le_formulaire=frozenset({"secretariat"}),
        message_refus=CHOIX_INVALIDE,
    ),
    Cas(
        "association_add_hors_perimetre",
        lambda m: reverse("conferences:association_add", args=[m.lyon.pk]),
        NATIONAUX,
        lambda m: {
            "intercommunalite": m.epci_marseille.pk,
            "document": "SCOT",
            "etat": "sollicitee",
            "date_sollicitation": "2013-04-02",
        },
        lambda m: m.lyon.associations.filter(intercommunalite=m.epci_marseille).exists(),
        refuses_par_le_formulaire=frozenset({"secretariat"}),
        message_refus=CHOIX_INVALIDE,
    ),
    Cas(
        "association_edit_hors_perimetre",
        lambda m: reverse("conferences:association_edit", args=[m.association_lyon.pk]),
        NATIONAUX,
        lambda m: {
            "intercommunalite": m.epci_marseille.pk,
            "document": "PLH",
            "etat": "sollicitee",
            "date_sollicitation": "2013-02-01",
            "commentaire": "Premier PLH.",
        },
        lambda m: AssociationProgrammation.objects.get(pk=m.association_lyon.pk).intercommunalite == m.epci_marseille,
        refuses_par_le_formulaire=frozenset({"secretariat"}),
        message_refus=CHOIX_INVALIDE,
    ),
    Cas(
        "objectif_add",
        lambda m: reverse("engagements:objectif_add"),
        AGENTS,
        lambda m: {
            "aire": m.aire_lyon.pk,
            "conference": m.lyon.pk,
            "dispositif": DISPOSITIF_LIBRE,
            "annee": "2014",
            "cible": "40",
            "unite": "logements",
        },
        lambda m: Objectif.objects.filter(aire=m.aire_lyon, dispositif=DISPOSITIF_LIBRE).exists(),
        # Marseille's secretariat may add objectives, but not on Lyon's area.
        refuses_par_le_formulaire=frozenset({"secretariat_autre"}),
    ),
    Cas(
        "objectif_edit",
        lambda m: reverse("engagements:objectif_edit", args=[m.objectif_lyon.pk]),
        AGENTS,
        lambda m: {
            "aire": m.aire_lyon.pk,
            "conference": m.lyon.pk,
            "dispositif": m.objectif_lyon.dispositif,
            "annee": "2013",
            "cible": "120",
            "motif_revision": "Programme relevé",
            "unite": "logements",
            "version": "1",
        },
        lambda m: Objectif.objects.get(pk=m.objectif_lyon.pk).cible == 120,
    ),
    Cas(
        "realisation_add",
        lambda m: reverse("engagements:realisation_add", args=[m.objectif_lyon.pk]),
        AGENTS,
        lambda m: {"date": "2013-07-01", "quantite": "25"},
        lambda m: Realisation.objects.filter(objectif=m.objectif_lyon, quantite=25).exists(),
    ),
    Cas(
        "realisation_edit",
        lambda m: reverse("engagements:realisation_edit", args=[m.realisation_lyon.pk]),
        AGENTS,
        lambda m: {"date": "2013-04-01", "quantite": "35"},
        lambda m: Realisation.objects.get(pk=m.realisation_lyon.pk).quantite == 35,
    ),
    Cas(
        "realisation_import",
        lambda m: reverse("engagements:realisation_import"),
        AGENTS,
        lambda m: {"fichier": fichier_lyon(m)},
        # The upload only prepares a preview: nothing is written before confirmation.
        lambda m: Realisation.objects.count() == 1,
        refuses_par_le_formulaire=frozenset({"secretariat_autre"}),
    ),
]
CAS_PAR_NOM = {cas.nom: cas for cas in CAS}


def client_de(monde, role):
    return connecte(Client(), monde.utilisateurs[role])


def verifier_refus(reponse, role, avant):
    if role == "anonyme":
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/comptes/connexion/")
    else:
        assert reponse.status_code == 403
    assert etat_de_la_base() == avant


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("nom", list(CAS_PAR_NOM))
def test_get(nom, role, monde):
    cas = CAS_PAR_NOM[nom]
    avant = etat_de_la_base()
    reponse = client_de(monde, role).get(cas.url(monde))
    if role in cas.autorises or role in cas.refuses_par_le_formulaire:
        assert reponse.status_code == 200
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("nom", list(CAS_PAR_NOM))
def test_post(nom, role, monde):
    cas = CAS_PAR_NOM[nom]
    avant = etat_de_la_base()
    reponse = client_de(monde, role).post(cas.url(monde), cas.donnees(monde))
    if role in cas.autorises:
        assert reponse.status_code == cas.statut_post, reponse.content.decode()[-3000:]
        assert cas.effet(monde)
    elif role in cas.refuses_par_le_formulaire:
        assert reponse.status_code == 200
        assert reponse.context["form"].errors or reponse.context.get("rapport")
        assert cas.message_refus in reponse.content.decode()
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


@pytest.mark.parametrize("role", ROLES)
def test_confirmation_d_import(role, monde):
    """Only a preview made in one's own session can be confirmed, and only within one's conferences."""
    client = client_de(monde, role)
    jeton = str(uuid.uuid4())
    if role in AGENTS:
        televersement = client.post(reverse("engagements:realisation_import"), {"fichier": fichier_lyon(monde)})
        jeton = televersement["Location"].rstrip("/").rsplit("/", 1)[1]
    avant = etat_de_la_base()
    reponse = client.post(reverse("engagements:realisation_import_confirm", args=[jeton]))
    if role in AGENTS:
        assert reponse.status_code == 302
        assert Realisation.objects.filter(objectif=monde.objectif_lyon, quantite=12).count() == 1
    elif role == "secretariat_autre":
        assert reponse.status_code == 302
        assert reponse["Location"] == reverse("engagements:realisation_import")
        assert etat_de_la_base() == avant
    else:
        verifier_refus(reponse, role, avant)


def test_un_secretariat_ne_modifie_pas_la_reunion_d_une_autre_conference_en_changeant_l_identifiant(monde):
    client = client_de(monde, "secretariat")
    avant = etat_de_la_base()
    url = reverse("conferences:reunion_edit", args=[monde.reunion_marseille.pk])
    refus = client.get(url)
    assert refus.status_code == 403
    assert "Accès refusé" in refus.content.decode()
    assert client.post(url, {"date": "2013-03-14", "lieu": "Lyon"}).status_code == 403
    assert etat_de_la_base() == avant
    assert Reunion.objects.get(pk=monde.reunion_marseille.pk).lieu == "Marseille"
    # Nor a new meeting in Marseille's conference, nor an achievement on Marseille's objective.
    assert (
        client.post(reverse("conferences:reunion_add", args=[monde.marseille.pk]), {"date": "2013-05-05"}).status_code
        == 403
    )
    url = reverse("engagements:realisation_add", args=[monde.objectif_marseille.pk])
    assert client.post(url, {"date": "2013-05-05", "quantite": "5"}).status_code == 403
    assert etat_de_la_base() == avant


def test_csrf_exige_sur_les_ecritures(monde):
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde.utilisateurs["uesl"])
    avant = etat_de_la_base()
    url = reverse("conferences:reunion_add", args=[monde.lyon.pk])
    assert client.post(url, {"date": "2013-06-20", "lieu": "Villeurbanne"}).status_code == 403
    assert etat_de_la_base() == avant
    assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode()


def test_regles_objet(monde):
    u = monde.utilisateurs
    assert peut_modifier_conference(u["uesl"], monde.lyon)
    assert peut_modifier_conference(u["admin"], monde.lyon)
    assert not peut_modifier_conference(u["secretariat"], monde.lyon)
    assert peut_gerer_conference(u["secretariat"], monde.lyon)
    assert not peut_gerer_conference(u["secretariat"], monde.marseille)
    assert not peut_gerer_conference(u["elu"], monde.lyon)
    assert peut_modifier_objectif(u["secretariat"], monde.objectif_lyon)
    assert not peut_modifier_objectif(u["secretariat"], monde.objectif_marseille)
    # An objective without a conference belongs to the secretariat of the conference covering its area.
    sans_conference = Objectif.objects.create(aire=monde.aire_lyon, dispositif=DISPOSITIF_LIBRE, annee=2015, cible=5)
    assert peut_modifier_objectif(u["secretariat"], sans_conference)
    assert not peut_modifier_objectif(u["secretariat_autre"], sans_conference)
    assert set(objectifs_modifiables(u["secretariat"])) == {monde.objectif_lyon, sans_conference}
    assert objectifs_modifiables(u["uesl"]).count() == 3


def test_liens_de_saisie_selon_le_role(monde):
    """Pages offer only the actions the user may take (the server checks anyway)."""
    page = reverse("conferences:conference_detail", args=[monde.lyon.pk])
    modifier = reverse("conferences:conference_edit", args=[monde.lyon.pk])
    ajouter_reunion = reverse("conferences:reunion_add", args=[monde.lyon.pk])
    attendus = {
        "elu": (False, False),
        "secretariat_autre": (False, False),
        "secretariat": (False, True),
        "uesl": (True, True),
    }
    for role, (voit_modifier, voit_ajouter) in attendus.items():
        contenu = client_de(monde, role).get(page).content.decode()
        assert (modifier in contenu) is voit_modifier, role
        assert (ajouter_reunion in contenu) is voit_ajouter, role
    liste = client_de(monde, "elu").get(reverse("engagements:objectif_list")).content.decode()
    assert reverse("engagements:objectif_add") not in liste
    assert reverse("engagements:realisation_import") not in liste
    liste = client_de(monde, "secretariat").get(reverse("engagements:objectif_list")).content.decode()
    assert reverse("engagements:objectif_add") in liste


def test_les_choix_proposes_suivent_la_regle(monde):
    """The lists offer only what the user may choose: a secretariat its conference's areas and intercommunalities."""
    pages = {
        "aires": (
            reverse("conferences:observation_add", args=[monde.lyon.pk]),
            {"secretariat": {monde.aire_lyon}, "uesl": {monde.aire_lyon, monde.aire_marseille, monde.aire_paris}},
            "Marseille - Aix-en-Provence (003)",
        ),
        "intercommunalite": (
            reverse("conferences:association_add", args=[monde.lyon.pk]),
            {"secretariat": {monde.epci_lyon}, "uesl": {monde.epci_lyon, monde.epci_marseille}},
            "SIREN 241300391",
        ),
    }
    for champ, (url, attendus, libelle_marseille) in pages.items():
        for role, choix in attendus.items():
            client = client_de(monde, role)
            assert set(client.get(url).context["form"].fields[champ].queryset) == choix, (champ, role)
            # Nor does a search bring the others back.
            contenu = client.get(url, {f"{champ}_recherche": "Marseille"}).content.decode()
            assert (libelle_marseille in contenu) is (role == "uesl"), (champ, role)


def test_une_aire_saisie_avant_la_regle_reste_affichee_et_conservee(monde):
    """An observation tagged with Paris before the rule: the secretariat sees it, keeps it, cannot add Marseille."""
    observation = monde.observation_lyon
    observation.aires.add(monde.aire_paris)
    client = client_de(monde, "secretariat")
    url = reverse("conferences:observation_edit", args=[observation.pk])
    contenu = client.get(url).content.decode()
    assert re.search(rf'value="{monde.aire_paris.pk}"[^>]*checked', contenu)

    donnees = {"titre": "Besoins 2013", "date": "2013-05-02", "nature": "observation"}
    avant = etat_de_la_base()
    refus = client.post(url, {**donnees, "aires": [monde.aire_lyon.pk, monde.aire_paris.pk, monde.aire_marseille.pk]})
    assert refus.status_code == 200
    assert CHOIX_INVALIDE in refus.content.decode()
    assert etat_de_la_base() == avant

    reponse = client.post(url, {**donnees, "aires": [monde.aire_lyon.pk, monde.aire_paris.pk]})
    assert reponse.status_code == 302
    observation.refresh_from_db()
    assert observation.titre == "Besoins 2013"
    assert set(observation.aires.all()) == {monde.aire_lyon, monde.aire_paris}


def test_une_intercommunalite_associee_avant_la_regle_reste_modifiable(monde):
    """An association with Marseille's intercommunality made before the rule: kept on edit, not swapped for another."""
    association = monde.association_lyon
    AssociationProgrammation.objects.filter(pk=association.pk).update(intercommunalite=monde.epci_marseille)
    autre = Intercommunalite.objects.create(siren="241300417", nom="CA du Pays d'Aix", nature="CA")
    client = client_de(monde, "secretariat")
    url = reverse("conferences:association_edit", args=[association.pk])
    donnees = {"document": "PLH", "etat": "associee", "date_sollicitation": "2013-02-01"}
    avant = etat_de_la_base()
    refus = client.post(url, {**donnees, "intercommunalite": autre.pk})
    assert refus.status_code == 200
    assert CHOIX_INVALIDE in refus.content.decode()
    assert etat_de_la_base() == avant

    assert client.post(url, {**donnees, "intercommunalite": monde.epci_marseille.pk}).status_code == 302
    association.refresh_from_db()
    assert (association.etat, association.intercommunalite) == ("associee", monde.epci_marseille)
