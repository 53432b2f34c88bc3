"""The people and records the data-entry tests act on: Lyon's and Marseille's conferences, and one user per role."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aires_urbaines.models import BassinEmploi, Commune, Intercommunalite
from conferences.models import AssociationProgrammation, MembreConference, Observation, Reunion
from engagements.models import Dispositif, Objectif, Realisation
from partenariat.roles import ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE
from tests import fabriques

# Every role the permission matrix looks at; `secretariat` holds Lyon's, `secretariat_autre` Marseille's.
ROLES = ("anonyme", "elu", "secretariat_autre", "secretariat", "uesl", "admin")


def utilisateur(username, groupe=None, password=None, **attributs):
    """Tests sign in with force_login: no password unless the test signs in for real, so no slow hashing."""
    user = get_user_model().objects.create_user(username=username, password=password, **attributs)
    if groupe:
        user.groups.add(Group.objects.get(name=groupe))
    return user


def connecte(client, user):
    """The client signed in as `user`; left anonymous for None (the `anonyme` role)."""
    if user is not None:
        client.force_login(user)
    return client


def connecte_compte(client, username):
    """The client signed in as one of the accounts `charger_demo` creates."""
    return connecte(client, get_user_model().objects.get(username=username))


@dataclass
class Monde:
    lyon: object
    marseille: object
    aire_lyon: object
    aire_marseille: object
    bassin_lyon: object
    epci_lyon: object
    epci_marseille: object
    membre_lyon: object
    reunion_lyon: object
    reunion_marseille: object
    association_lyon: object
    observation_lyon: object
    objectif_lyon: object
    objectif_marseille: object
    realisation_lyon: object
    utilisateurs: dict = field(default_factory=dict)
    aire_paris: object = None  # set by rattacher_communes


def rattacher_communes(monde):
    """The world, with each intercommunality holding a commune of its area and Paris covered by no one.

    Which intercommunalities a conference may be associated with follows from the communes of its areas.
    """
    monde.aire_paris = fabriques.aire("001", "Paris", population=12_223_100)
    for code, nom, region, aire, epci in (
        ("69123", "Lyon", "82", monde.aire_lyon, monde.epci_lyon),
        ("13055", "Marseille", "93", monde.aire_marseille, monde.epci_marseille),
    ):
        Commune.objects.create(
            code_insee=code, nom=nom, departement=code[:2], region=region, aire_urbaine=aire, intercommunalite=epci
        )
    return monde


def construire_monde():
    """Two installed conferences with one record of every kind, and the users of every role."""
    aire_lyon = fabriques.aire("002", "Lyon", population=2_165_785)
    aire_marseille = fabriques.aire("003", "Marseille - Aix-en-Provence", population=1_718_281)
    bassin_lyon = BassinEmploi.objects.create(code="8214", nom="Lyon")
    BassinEmploi.objects.create(code="9310", nom="Marseille - Aubagne")
    epci_lyon = Intercommunalite.objects.create(siren="246900245", nom="CU de Lyon", nature="CU")
    epci_marseille = Intercommunalite.objects.create(
        siren="241300391", nom="CU Marseille Provence Métropole", nature="CU"
    )
    lyon = fabriques.conference("Conférence de Lyon", datetime.date(2012, 11, 15), [aire_lyon])
    lyon.bassins.add(bassin_lyon)
    marseille = fabriques.conference("Conférence de Marseille", datetime.date(2013, 2, 4), [aire_marseille])
    utilisateurs = {
        "anonyme": None,
        "elu": utilisateur("elu-test", ELUS),
        "secretariat_autre": utilisateur("secretariat-marseille", SECRETARIAT_CONFERENCE),
        "secretariat": utilisateur("secretariat-lyon", SECRETARIAT_CONFERENCE),
        "uesl": utilisateur("uesl-test", EQUIPE_UESL, is_staff=True),
        "admin": utilisateur("admin-test", is_staff=True, is_superuser=True),
    }
    lyon.secretariat.add(utilisateurs["secretariat"])
    marseille.secretariat.add(utilisateurs["secretariat_autre"])
    objectif_lyon = fabriques.objectif(aire_lyon, 2013, 100, conference=lyon)
    objectif_marseille = fabriques.objectif(aire_marseille, 2013, 80, conference=marseille)
    observation_lyon = Observation.objects.create(
        conference=lyon, titre="Besoins des entreprises", date=datetime.date(2013, 5, 2), resume="Enquête."
    )
    observation_lyon.aires.add(aire_lyon)
    return Monde(
        lyon=lyon,
        marseille=marseille,
        aire_lyon=aire_lyon,
        aire_marseille=aire_marseille,
        bassin_lyon=bassin_lyon,
        epci_lyon=epci_lyon,
        epci_marseille=epci_marseille,
        membre_lyon=MembreConference.objects.create(
            conference=lyon, nom="Anne Durand", college="employeurs", organisation="MEDEF", fonction="Présidente"
        ),
        reunion_lyon=Reunion.objects.create(conference=lyon, date=datetime.date(2013, 3, 12), lieu="Lyon"),
        reunion_marseille=Reunion.objects.create(
            conference=marseille, date=datetime.date(2013, 3, 14), lieu="Marseille"
        ),
        association_lyon=AssociationProgrammation.objects.create(
            conference=lyon,
            intercommunalite=epci_lyon,
            document="PLH",
            date_sollicitation=datetime.date(2013, 2, 1),
            commentaire="Premier PLH.",
        ),
        observation_lyon=observation_lyon,
        objectif_lyon=objectif_lyon,
        objectif_marseille=objectif_marseille,
        realisation_lyon=Realisation.objects.create(
            objectif=objectif_lyon,
            quantite=30,
            date=datetime.date(2013, 4, 1),
            commentaire="Livraison.",
            etat="validee",
        ),
        utilisateurs=utilisateurs,
    )


def etat_de_la_base():
    """Every row and every user-entered value the write pages can touch, to prove a refusal changed nothing."""
    from conferences.models import ConferenceTerritoriale

    return {
        "conferences": sorted(
            (c.pk, c.nom, c.date_installation, c.version, tuple(sorted(c.aires.values_list("pk", flat=True))))
            for c in ConferenceTerritoriale.objects.all()
        ),
        "membres": sorted(MembreConference.objects.values_list("pk", "nom", "college", "organisation", "fonction")),
        "reunions": sorted(Reunion.objects.values_list("pk", "date", "lieu", "ordre_du_jour", "compte_rendu")),
        "associations": sorted(
            AssociationProgrammation.objects.values_list("pk", "document", "etat", "commentaire", "date_avis")
        ),
        "observations": sorted(Observation.objects.values_list("pk", "titre", "resume", "chiffres_cles")),
        "objectifs": sorted(Objectif.objects.values_list("pk", "cible", "notes", "version", "dispositif", "annee")),
        "realisations": sorted(Realisation.objects.values_list("pk", "quantite", "date", "commentaire")),
    }


def donnees_formset(prefixe="membres", membres=(), existants=()):
    """Posted data of the members formset: `existants` are (pk, values, delete), `membres` new values."""
    donnees = {
        f"{prefixe}-TOTAL_FORMS": str(len(existants) + len(membres)),
        f"{prefixe}-INITIAL_FORMS": str(len(existants)),
        f"{prefixe}-MIN_NUM_FORMS": "0",
        f"{prefixe}-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, valeurs, supprimer) in enumerate(existants):
        donnees[f"{prefixe}-{index}-id"] = str(pk)
        donnees.update({f"{prefixe}-{index}-{cle}": valeur for cle, valeur in valeurs.items()})
        if supprimer:
            donnees[f"{prefixe}-{index}-DELETE"] = "on"
    for index, valeurs in enumerate(membres, start=len(existants)):
        donnees.update({f"{prefixe}-{index}-{cle}": valeur for cle, valeur in valeurs.items()})
    return donnees


def donnees_membre(membre):
    return {
        "nom": membre.nom,
        "college": membre.college,
        "organisation": membre.organisation,
        "fonction": membre.fonction,
    }


DISPOSITIF_LIBRE = Dispositif.ACCESSION_SOCIALE  # no objective on it in the world above


def prechauffer_alertes(*users):
    """Compute the navigation's count of alerts for `users` beforehand: a page's query count then measures the page
    itself (the count is computed once per person every few minutes, at a cost of its own: tests/alertes)."""
    from partenariat.alertes.services import nb_alertes

    for user in users:
        nb_alertes(type(user).objects.get(pk=user.pk))
