"""Small builders for hand-made test data: each returns saved rows with sensible defaults."""

import datetime
import itertools

from aires_urbaines.models import AireUrbaine, EntreePhase, PhaseDeploiement
from conferences.models import ConferenceTerritoriale
from engagements.models import Dispositif, Objectif, Realisation
from partenariat.models import Protocole

_compteur = itertools.count(100)


def protocole():
    return Protocole.objects.get_or_create(
        titre="Protocole-cadre de test",
        defaults={"date_signature": datetime.date(2012, 6, 27), "annee_debut": 2013, "annee_fin": 2015},
    )[0]


def phase(code="prioritaire-2013", debut=datetime.date(2013, 1, 1), ordre=1, libelle=None):
    return PhaseDeploiement.objects.get_or_create(
        code=code, defaults={"libelle": libelle or code, "date_debut": debut, "ordre": ordre}
    )[0]


def aire(code=None, nom=None, categorie="grande", population=100_000, **kwargs):
    code = code or f"{next(_compteur):03d}"
    return AireUrbaine.objects.create(
        code=code, nom=nom or f"Aire {code}", categorie=categorie, population=population, **kwargs
    )


def entree(aire_, phase_, date):
    return EntreePhase.objects.create(aire=aire_, phase=phase_, date_entree=date)


def conference(nom=None, installation=None, aires=()):
    conf = ConferenceTerritoriale.objects.create(
        nom=nom or f"Conférence {next(_compteur)}", date_installation=installation
    )
    conf.aires.set(aires)
    return conf


def objectif(aire_, annee=2013, cible=100, dispositif=Dispositif.LOGEMENT_SOCIAL, **kwargs):
    return Objectif.objects.create(aire=aire_, annee=annee, cible=cible, dispositif=dispositif, **kwargs)


def realisation(objectif_, quantite, date, etat="validee"):
    """Validated by default: the figures count it."""
    return Realisation.objects.create(objectif=objectif_, quantite=quantite, date=date, etat=etat)


def jeu_de_donnees(nb_aires, objectifs_par_aire=3, realisations_par_objectif=2, debut=1):
    """A bulk data set (areas in phases, conferences, objectives, achievements) to prove constant query counts."""
    from aires_urbaines.models import BassinEmploi
    from conferences.models import MembreConference, Reunion

    prioritaire = phase("prioritaire-2013", D2013, 1, "2013 – aires métropolitaines en tension")
    extension = phase("extension-2014-2015", datetime.date(2014, 1, 1), 2, "2014–2015 – extension")
    aires = AireUrbaine.objects.bulk_create(
        AireUrbaine(code=f"{i:03d}", nom=f"Aire {i:03d}", categorie="grande", population=10_000 + i)
        for i in range(debut, debut + nb_aires)
    )
    EntreePhase.objects.bulk_create(
        EntreePhase(aire=a, phase=prioritaire if i % 2 else extension, date_entree=D2013 if i % 2 else D2014)
        for i, a in enumerate(aires)
    )
    bassins = BassinEmploi.objects.bulk_create(
        BassinEmploi(code=f"{i:04d}", nom=f"Bassin {i}") for i in range(debut, debut + nb_aires)
    )
    conferences = ConferenceTerritoriale.objects.bulk_create(
        ConferenceTerritoriale(nom=f"Conférence {i:04d}", date_installation=datetime.date(2012, 10 + i % 3, 1))
        for i in range(debut, debut + nb_aires)
    )
    ConferenceTerritoriale.aires.through.objects.bulk_create(
        ConferenceTerritoriale.aires.through(conferenceterritoriale=c, aireurbaine=a)
        for c, a in zip(conferences, aires, strict=True)
    )
    ConferenceTerritoriale.bassins.through.objects.bulk_create(
        ConferenceTerritoriale.bassins.through(conferenceterritoriale=c, bassinemploi=b)
        for c, b in zip(conferences, bassins, strict=True)
    )
    MembreConference.objects.bulk_create(
        MembreConference(conference=c, nom=f"Membre {i}", college="employeurs", organisation="MEDEF")
        for i, c in enumerate(conferences)
    )
    Reunion.objects.bulk_create(Reunion(conference=c, date=datetime.date(2013, 3, 1)) for c in conferences)
    dispositifs = list(Dispositif.values)
    objectifs = Objectif.objects.bulk_create(
        Objectif(
            aire=a,
            conference=c,
            dispositif=dispositifs[k % len(dispositifs)],
            annee=2013 + k % 3,
            cible=100 + k,
        )
        for a, c in zip(aires, conferences, strict=True)
        for k in range(objectifs_par_aire)
    )
    Realisation.objects.bulk_create(
        Realisation(objectif=o, quantite=10 + j, date=datetime.date(o.annee, 3 + j, 1), etat="validee")
        for o in objectifs
        for j in range(realisations_par_objectif)
    )
    Objectif.objects.recalculer_cumuls()
    return aires


D2013 = datetime.date(2013, 1, 1)
D2014 = datetime.date(2014, 1, 1)
