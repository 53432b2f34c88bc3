"""The 2012 protocol's real facts, and clearly labelled demo data, loaded together by `manage.py charger_demo`.

Everything needed is carried here, so the demo works with nothing outside the project. Loading is idempotent:
what is already present (an INSEE import, a staff edit, a previous run) is used as it is, never overwritten.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext
from simple_history.utils import bulk_create_with_history

from aires_urbaines.models import AireUrbaine, BassinEmploi, EntreePhase, Intercommunalite, PhaseDeploiement
from aires_urbaines.services import appliquer_extension_par_defaut, inscrire_aires_dans_phase
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion
from engagements.avancement import EtatRealisation
from engagements.models import ClotureAnnee, Dispositif, Objectif, Realisation, RevisionCible, Unite
from partenariat.alertes.models import Suivi
from partenariat.commun.nombres import nombre
from partenariat.models import (
    ANNEE_DEBUT,
    ANNEE_FIN,
    DATE_SIGNATURE,
    DELAI_INSTALLATION_MOIS,
    AccordNational,
    Clause,
    FrequenceResume,
    PreferencesUtilisateur,
    Protocole,
    Signataire,
)
from partenariat.roles import ELUS, EQUIPE_UESL, SECRETARIAT_CONFERENCE, synchroniser_roles

# --- The protocol's real facts ------------------------------------------------------------------------------

TEXTE_PROTOCOLE = (
    "Le protocole-cadre de partenariat signé le 27 juin par les associations d’élus (Assemblée des "
    "communautés de France, Association des maires des grandes villes de France, Association des "
    "communautés urbaines de France) avec l’Union des entreprises et des salariés pour le logement "
    "(UESL), tête de réseau d’Action Logement (1% Logement) couvre plusieurs objectifs.\n"
    "Les associations d’élus (AdCF, ACUF et AMGVF) y confirment leurs volontés d’accompagner les "
    "communautés dans la mise en œuvre de leur politique locale de l’habitat. Et affirment donc leur "
    "volonté d’un partenariat avec le mouvement Action Logement en vue d’optimiser la mise en œuvre de "
    "leur politique et de les associer aux réflexions prospectives conduites en amont (SCOT, PLH, PDU, "
    "…) et à la programmation opérationnelle, notamment en ce qui concerne le logement social.\n"
    "De leur côté, les partenaires sociaux souhaitent contribuer à la mise en œuvre territoriale, en "
    "lien avec les autorités locales, des accords nationaux interprofessionnels du 29 avril 2011 sur le "
    "logement des jeunes et du 18 avril 2012 sur l’accès à l’emploi.\n"
    "Les parties engagent donc une coopération opérationnelle sur la période 2013/2015 sur les "
    "principaux bassins d’emplois, qui consiste à :\n"
    "- démarrer prioritairement par les aires urbaines métropolitaines[1] connaissant une tension sur le "
    "marché de l’habitat en 2013 puis étendre le dispositif à l’ensemble des grandes aires urbaines ;\n"
    "- les partenaires sociaux installeront dans les six mois après la signature de la convention des "
    "conférences territoriales, émanation du conseil de surveillance de l’UESL-Action Logement, qui "
    "représenteront le mouvement au niveau territorial sur leurs bassins d’emploi ;\n"
    "- les parties recommanderont à leurs membres et représentants d’associer les conférences "
    "territoriales aux travaux de programmation de l’habitat afin d’intégrer les besoins en logement des "
    "entreprises et des salariés;\n"
    "- les parties s’engagent à partager les résultats de l’observation des besoins en logement des "
    "entreprises au niveau local ainsi que les enseignements d’études spécifiques ;\n"
    "- les représentants des parties se concerteront au niveau local pour identifier et définir des "
    "objectifs partagés en matière de logement des salariés qui pourront porter sur les différents "
    "dispositifs existants ou en cours de développement (production de logements sociaux et de logements "
    "privés intermédiaires, accession sociale à la propriété et la location-accession, … opérations "
    "innovantes, accueil spécifique, accompagnement des entreprises, etc.)."
)

TITRE_PROTOCOLE = "Protocole-cadre de partenariat entre les associations d'élus et l'UESL–Action Logement"

SIGNATAIRES = (
    ("AdCF", "Assemblée des communautés de France", Signataire.Nature.ELUS),
    ("AMGVF", "Association des maires des grandes villes de France", Signataire.Nature.ELUS),
    ("ACUF", "Association des communautés urbaines de France", Signataire.Nature.ELUS),
    (
        "UESL",
        "Union des entreprises et des salariés pour le logement – Action Logement",
        Signataire.Nature.PARTENAIRES_SOCIAUX,
    ),
)

# The five commitments are the text's five bullets, in order.
_ENGAGEMENTS = [ligne[2:].rstrip(" ;") for ligne in TEXTE_PROTOCOLE.splitlines() if ligne.startswith("- ")]
CLAUSES = tuple(
    (numero, code, titre, texte)
    for numero, (code, titre), texte in zip(
        range(1, 6),
        (
            (Clause.Code.DEPLOIEMENT, "Démarrer par les aires métropolitaines en tension, puis étendre"),
            (Clause.Code.CONFERENCES, "Installer les conférences territoriales dans les six mois"),
            (Clause.Code.PROGRAMMATION, "Associer les conférences aux travaux de programmation de l'habitat"),
            (Clause.Code.OBSERVATION, "Partager l'observation des besoins en logement des entreprises"),
            (Clause.Code.OBJECTIFS, "Définir des objectifs partagés pour le logement des salariés"),
        ),
        _ENGAGEMENTS,
        strict=True,
    )
)

ACCORDS_NATIONAUX = (
    (
        datetime.date(2011, 4, 29),
        "Accord national interprofessionnel du 29 avril 2011 sur le logement des jeunes",
        "Faciliter l'accès des jeunes, alternants et stagiaires au logement.",
    ),
    (
        datetime.date(2012, 4, 18),
        "Accord national interprofessionnel du 18 avril 2012 sur le logement comme condition d'accès à l'emploi",
        "Faire du logement des salariés un levier de l'accès et du retour à l'emploi.",
    ),
)

PHASE_PRIORITAIRE = "prioritaire-2013"
PHASE_EXTENSION = "extension-2014-2015"
DATE_ENTREE_PRIORITAIRE = datetime.date(2013, 1, 1)
PHASES = (
    (
        PHASE_PRIORITAIRE,
        "2013 – aires métropolitaines en tension",
        1,
        datetime.date(2013, 1, 1),
        "Démarrage prioritaire par les aires urbaines métropolitaines connaissant une tension sur le marché "
        "de l'habitat.",
    ),
    (
        PHASE_EXTENSION,
        "2014–2015 – extension aux grandes aires urbaines",
        2,
        datetime.date(2014, 1, 1),
        "Extension du dispositif à l'ensemble des grandes aires urbaines.",
    ),
)


@dataclass(frozen=True)
class AirePrioritaire:
    """One of the twelve metropolitan areas named as the 2013 priority, with its central basin and EPCI (2012)."""

    code: str
    nom: str
    population: int
    nb_communes: int
    bassin_code: str
    bassin_nom: str
    siren: str | None
    epci_nom: str
    epci_nature: str


# AU2010, populations 2010, ZE2010 and EPCI 2012 of the central commune (INSEE, COG 2012; ODbL).
AIRES_PRIORITAIRES = (
    AirePrioritaire("001", "Paris", 12223100, 1797, "1101", "Paris", None, "Communes hors GFP", ""),
    AirePrioritaire("002", "Lyon", 2165785, 514, "8214", "Lyon", "246900245", "CU de Lyon", "CU"),
    AirePrioritaire(
        "003",
        "Marseille - Aix-en-Provence",
        1718281,
        90,
        "9310",
        "Marseille - Aubagne",
        "241300391",
        "CU Marseille Provence Métropole",
        "CU",
    ),
    AirePrioritaire("004", "Toulouse", 1232398, 453, "0061", "Toulouse", "243100518", "CU du Grand Toulouse", "CU"),
    AirePrioritaire(
        "005", "Lille (partie française)", 1158306, 125, "3111", "Lille", "245900410", "CU de Lille Métropole", "CU"
    ),
    AirePrioritaire("006", "Bordeaux", 1127776, 255, "7204", "Bordeaux", "243300316", "CU de Bordeaux", "CU"),
    AirePrioritaire("007", "Nice", 1001295, 129, "9307", "Nice", "200030195", "Métropole Nice Côte d'Azur", "MET"),
    AirePrioritaire("008", "Nantes", 873133, 114, "5203", "Nantes", "244400404", "CU Nantes Métropole", "CU"),
    AirePrioritaire(
        "009",
        "Strasbourg (partie française)",
        761042,
        267,
        "4205",
        "Strasbourg",
        "246700488",
        "CU de Strasbourg",
        "CU",
    ),
    AirePrioritaire(
        "010", "Grenoble", 669595, 197, "8210", "Grenoble", "243800901", "CA Grenoble Alpes Métropole", "CA"
    ),
    AirePrioritaire("011", "Rennes", 671845, 190, "5312", "Rennes", "243500139", "CA Rennes Métropole", "CA"),
    AirePrioritaire("015", "Montpellier", 549491, 116, "9111", "Montpellier", "243400017", "CA de Montpellier", "CA"),
)
CODES_PRIORITAIRES = tuple(aire.code for aire in AIRES_PRIORITAIRES)

# --- Demo data (fictitious, every name marked « démo ») -----------------------------------------------------

MOT_DE_PASSE_DEMO = "demo-partenariat"


@dataclass(frozen=True)
class CompteDemo:
    """A demo account and its role; `admin` has none, being superuser."""

    username: str
    groupe: str | None
    is_staff: bool = False
    is_superuser: bool = False
    first_name: str = ""


COMPTES_DEMO = (
    CompteDemo("elu", ELUS, first_name="Élu (démo)"),
    CompteDemo("uesl", EQUIPE_UESL, is_staff=True, first_name="Équipe UESL (démo)"),
    CompteDemo("secretariat-lyon", SECRETARIAT_CONFERENCE, first_name="Secrétariat Lyon (démo)"),
    CompteDemo("admin", None, is_staff=True, is_superuser=True, first_name="Administration (démo)"),
)


@dataclass(frozen=True)
class ConferenceDemo:
    """A demo conference: its areas (their central basins follow), installation date and secretariat accounts."""

    nom: str
    aires: tuple[str, ...]
    date_installation: datetime.date | None
    lieu: str
    secretariat: tuple[str, ...] = ()


NOM_CONFERENCE_LYON = "Conférence territoriale Rhône-Alpes – Lyon (démo)"

# Installed on time (deadline 27 December 2012), late, or not yet; Nice is left without a conference.
CONFERENCES_DEMO = (
    ConferenceDemo(NOM_CONFERENCE_LYON, ("002",), datetime.date(2012, 11, 15), "Lyon", ("secretariat-lyon",)),
    ConferenceDemo(
        "Conférence territoriale Provence-Alpes-Côte d'Azur – Marseille (démo)",
        ("003",),
        datetime.date(2013, 2, 4),
        "Marseille",
    ),
    ConferenceDemo("Conférence territoriale Languedoc-Roussillon – Montpellier (démo)", ("015",), None, "Montpellier"),
    ConferenceDemo("Conférence territoriale Île-de-France (démo)", ("001",), datetime.date(2012, 12, 13), "Paris"),
    ConferenceDemo(
        "Conférence territoriale Nord-Pas-de-Calais – Lille (démo)", ("005",), datetime.date(2012, 12, 6), "Lille"
    ),
    ConferenceDemo(
        "Conférence territoriale Aquitaine – Bordeaux (démo)", ("006",), datetime.date(2012, 12, 20), "Bordeaux"
    ),
    ConferenceDemo(
        "Conférence territoriale Midi-Pyrénées – Toulouse (démo)", ("004",), datetime.date(2013, 3, 12), "Toulouse"
    ),
    ConferenceDemo(
        "Conférence territoriale Pays de la Loire – Nantes (démo)", ("008",), datetime.date(2012, 10, 25), "Nantes"
    ),
    ConferenceDemo("Conférence territoriale Bretagne – Rennes (démo)", ("011",), datetime.date(2012, 11, 29), "Rennes"),
    ConferenceDemo(
        "Conférence territoriale Alsace – Strasbourg (démo)", ("009",), datetime.date(2012, 12, 18), "Strasbourg"
    ),
    ConferenceDemo(
        "Conférence territoriale Rhône-Alpes – Grenoble (démo)", ("010",), datetime.date(2013, 1, 17), "Grenoble"
    ),
)

PRENOMS = ("Anne", "Bruno", "Claire", "David", "Émilie", "François", "Hélène", "Julien", "Laure", "Marc", "Nadia")
NOMS = ("Bernard", "Dubois", "Durand", "Fontaine", "Garnier", "Lambert", "Lefèvre", "Mercier", "Moreau", "Roux")

# Scheme → (target per inhabitant and year, unit); the demo's objectives are on four of these per area.
REPERES_DISPOSITIFS = {
    Dispositif.LOGEMENT_SOCIAL: (1 / 2500, Unite.LOGEMENTS),
    Dispositif.PRIVE_INTERMEDIAIRE: (1 / 9000, Unite.LOGEMENTS),
    Dispositif.ACCESSION_SOCIALE: (1 / 12000, Unite.LOGEMENTS),
    Dispositif.LOCATION_ACCESSION: (1 / 30000, Unite.LOGEMENTS),
    Dispositif.OPERATIONS_INNOVANTES: (1 / 150000, Unite.LOGEMENTS),
    Dispositif.ACCUEIL_SPECIFIQUE: (1 / 5000, Unite.SALARIES),
    Dispositif.ACCOMPAGNEMENT_ENTREPRISES: (1 / 40000, Unite.ENTREPRISES),
}

# How far each area's achievements go against its targets: ahead, on track, late, or nothing recorded yet.
RYTHMES = {
    "avance": (1.12, 1.4),
    "dans_les_temps": (0.92, 1.06),
    "retard": (0.3, 0.7),
    "aucune": None,
}
RYTHME_DES_AIRES = {
    "001": "dans_les_temps",
    "002": "avance",
    "003": "retard",
    "004": "retard",
    "005": "dans_les_temps",
    "006": "dans_les_temps",
    "007": "retard",
    "008": "avance",
    "009": "dans_les_temps",
    "010": "dans_les_temps",
    "011": "avance",
    "015": "aucune",
}

MENTION_DEMO = "Donnée de démonstration."
MOTIF_DEMO = "Données de démonstration"

# Lyon's figures are recorded by its secretariat and validated by the UESL team; the other areas have no
# secretariat account: the UESL team records theirs and the administrator validates them (four eyes).
SAISIE_PAR_AIRE = {"002": ("secretariat-lyon", "uesl")}
SAISIE_PAR_DEFAUT = ("uesl", "admin")

COMMENTAIRE_RENVOI = "Merci de joindre le compte rendu de la réunion."


@dataclass(frozen=True)
class ExamenDemo:
    """One objective's latest achievement (its rank among the area's schemes that year), pending or returned.

    `age_jours`: how long ago it was submitted, so that the validation queue's age filter has something to show.
    """

    aire: str
    annee: int
    rang_dispositif: int
    etat: str
    age_jours: int


# Never in 2013: the demo closes that year, and a year is closed only once nothing in it is pending.
EXAMENS_DEMO = (
    ExamenDemo("002", 2015, 0, EtatRealisation.SOUMISE, 2),
    ExamenDemo("002", 2015, 1, EtatRealisation.SOUMISE, 9),
    ExamenDemo("002", 2015, 2, EtatRealisation.SOUMISE, 23),
    ExamenDemo("002", 2014, 0, EtatRealisation.SOUMISE, 47),
    ExamenDemo("002", 2015, 3, EtatRealisation.RENVOYEE, 12),
    ExamenDemo("002", 2014, 1, EtatRealisation.RENVOYEE, 30),
    ExamenDemo("006", 2015, 0, EtatRealisation.SOUMISE, 4),
    ExamenDemo("008", 2015, 1, EtatRealisation.SOUMISE, 16),
    ExamenDemo("001", 2014, 2, EtatRealisation.SOUMISE, 61),
)


@dataclass(frozen=True)
class RevisionDemo:
    """A target revised with its reason: the initial target stays the commitment's baseline."""

    aire: str
    annee: int
    dispositif: str
    ecart: int
    motif: str
    revisee_le: datetime.date


# Two operations of Lyon's social housing moved from 2014 to 2015: one year's target goes down, the next one's up.
REVISIONS_DEMO = (
    RevisionDemo(
        "002",
        2014,
        Dispositif.LOGEMENT_SOCIAL,
        -90,
        "Report de deux opérations à 2015 après un recours contentieux.",
        datetime.date(2014, 9, 18),
    ),
    RevisionDemo(
        "002",
        2015,
        Dispositif.LOGEMENT_SOCIAL,
        90,
        "Deux opérations reportées de 2014 après un recours contentieux : cible relevée d'autant.",
        datetime.date(2015, 3, 5),
    ),
)

ANNEE_CLOSE_DEMO = 2013
DATE_CLOTURE_DEMO = datetime.date(2014, 2, 14)


def _hasard(*cle):
    """A generator seeded by the record's identity, so that each record's numbers do not depend on load order."""
    return random.Random("-".join(["2012", *map(str, cle)]))


# --- Loading ------------------------------------------------------------------------------------------------


class Bilan:
    """What a run created and what it found already present, per kind of record, for the command's output."""

    LIBELLES = {
        "roles": (gettext_lazy("Rôles"), False),
        "signataires": (gettext_lazy("Signataires"), False),
        "protocole": (gettext_lazy("Protocole-cadre"), False),
        "clauses": (gettext_lazy("Clauses"), True),
        "accords": (gettext_lazy("Accords nationaux interprofessionnels"), False),
        "phases": (gettext_lazy("Phases de déploiement"), True),
        "aires": (gettext_lazy("Aires urbaines prioritaires"), True),
        "entrees": (gettext_lazy("Entrées d'aires dans les phases"), True),
        "bassins": (gettext_lazy("Bassins d'emploi"), False),
        "intercommunalites": (gettext_lazy("Intercommunalités"), True),
        "comptes": (gettext_lazy("Comptes de démonstration"), False),
        "conferences": (gettext_lazy("Conférences territoriales (démo)"), True),
        "membres": (gettext_lazy("Membres de conférence"), False),
        "reunions": (gettext_lazy("Réunions"), True),
        "associations": (gettext_lazy("Associations aux travaux de programmation"), True),
        "observations": (gettext_lazy("Observations partagées"), True),
        "objectifs": (gettext_lazy("Objectifs partagés"), False),
        "realisations": (gettext_lazy("Réalisations"), True),
        EtatRealisation.VALIDEE: (gettext_lazy("Réalisations validées"), True),
        EtatRealisation.SOUMISE: (gettext_lazy("Réalisations en attente de validation"), True),
        EtatRealisation.RENVOYEE: (gettext_lazy("Réalisations renvoyées"), True),
        "revisions": (gettext_lazy("Révisions de cible"), True),
        "clotures": (gettext_lazy("Années closes"), True),
        "pieces": (gettext_lazy("Pièces jointes"), True),
        "suivis": (gettext_lazy("Suivis d'aires et de conférences"), False),
    }

    def __init__(self):
        self.comptes = {cle: [0, 0] for cle in self.LIBELLES}

    def compter(self, cle, crees=0, presents=0):
        self.comptes[cle][0] += int(crees)
        self.comptes[cle][1] += int(presents)

    def compter_un(self, cle, cree):
        self.compter(cle, crees=cree, presents=not cree)

    @property
    def total_crees(self):
        return sum(crees for crees, _ in self.comptes.values())

    def lignes(self):
        for cle, (libelle, feminin) in self.LIBELLES.items():
            crees, presents = self.comptes[cle]
            if feminin:
                cree = npgettext("féminin", "%(nombre)s créée", "%(nombre)s créées", crees)
                present = npgettext("féminin", "%(nombre)s déjà présente", "%(nombre)s déjà présentes", presents)
            else:
                cree = npgettext("masculin", "%(nombre)s créé", "%(nombre)s créés", crees)
                present = npgettext("masculin", "%(nombre)s déjà présent", "%(nombre)s déjà présents", presents)
            yield _("%(libelle)s : %(crees)s, %(presents)s") % {
                "libelle": libelle,
                "crees": cree % {"nombre": nombre(crees)},
                "presents": present % {"nombre": nombre(presents)},
            }


def charger_demo():
    """Load roles, the protocol's facts, the rollout and the demo data in one transaction; return the Bilan."""
    bilan = Bilan()
    with transaction.atomic():
        for cree in synchroniser_roles().values():
            bilan.compter_un("roles", cree)
        _charger_protocole(bilan)
        aires = _charger_deploiement(bilan)
        bassins, intercommunalites = _charger_territoires(bilan)
        comptes = _charger_comptes(bilan)
        conferences = _charger_conferences(bilan, aires, bassins, intercommunalites, comptes)
        _charger_objectifs(bilan, aires, conferences, comptes)
        _joindre_pieces(bilan, conferences, comptes["secretariat-lyon"])
        _charger_suivis(bilan, comptes, conferences)
        _clore_annee(bilan, comptes["uesl"])  # last: a closed year's achievements can no longer be written
    return bilan


def _charger_protocole(bilan):
    """The signatories, the protocol with its text, its five clauses and the two agreements it implements."""
    signataires = []
    for ordre, (sigle, nom, nature) in enumerate(SIGNATAIRES, start=1):
        signataire, cree = Signataire.objects.get_or_create(
            sigle=sigle, defaults={"nom": nom, "nature": nature, "ordre": ordre}
        )
        bilan.compter_un("signataires", cree)
        signataires.append(signataire)

    protocole, cree = Protocole.objects.get_or_create(
        date_signature=DATE_SIGNATURE,
        defaults={
            "titre": TITRE_PROTOCOLE,
            "annee_debut": ANNEE_DEBUT,
            "annee_fin": ANNEE_FIN,
            "delai_installation_mois": DELAI_INSTALLATION_MOIS,
            "texte": TEXTE_PROTOCOLE,
        },
    )
    bilan.compter_un("protocole", cree)
    _ajouter_manquants(protocole.signataires, signataires)

    for numero, code, titre, texte in CLAUSES:
        _clause, cree = Clause.objects.get_or_create(
            protocole=protocole, numero=numero, defaults={"code": code, "titre": titre, "texte": texte}
        )
        bilan.compter_un("clauses", cree)
    for date_signature, intitule, objet in ACCORDS_NATIONAUX:
        _accord, cree = AccordNational.objects.get_or_create(
            protocole=protocole, date_signature=date_signature, defaults={"intitule": intitule, "objet": objet}
        )
        bilan.compter_un("accords", cree)
    return protocole


def _charger_deploiement(bilan):
    """The two phases, the twelve priority areas in the first, and the default extension to the other areas."""
    phases = {}
    for code, libelle, ordre, date_debut, description in PHASES:
        phases[code], cree = PhaseDeploiement.objects.get_or_create(
            code=code,
            defaults={"libelle": libelle, "ordre": ordre, "date_debut": date_debut, "description": description},
        )
        bilan.compter_un("phases", cree)

    aires = {}
    for fait in AIRES_PRIORITAIRES:
        aires[fait.code], cree = AireUrbaine.objects.get_or_create(
            code=fait.code,
            defaults={
                "nom": fait.nom,
                "categorie": AireUrbaine.Categorie.GRANDE,
                "population": fait.population,
                "nb_communes": fait.nb_communes,
            },
        )
        bilan.compter_un("aires", cree)

    prioritaires = inscrire_aires_dans_phase(
        phases[PHASE_PRIORITAIRE], dict.fromkeys(aires.values(), DATE_ENTREE_PRIORITAIRE)
    )
    extension = appliquer_extension_par_defaut(phases[PHASE_EXTENSION], codes_exclus=CODES_PRIORITAIRES)
    crees = len(prioritaires) + len(extension)
    bilan.compter(
        "entrees", crees=crees, presents=EntreePhase.objects.filter(phase__in=phases.values()).count() - crees
    )
    return aires


def _charger_territoires(bilan):
    """The priority areas' central employment basins and EPCIs, which the demo conferences work on."""
    bassins, intercommunalites = {}, {}
    for fait in AIRES_PRIORITAIRES:
        bassins[fait.code], cree = BassinEmploi.objects.get_or_create(
            code=fait.bassin_code, defaults={"nom": fait.bassin_nom}
        )
        bilan.compter_un("bassins", cree)
        if fait.siren:  # Paris's communes belonged to no EPCI in 2012.
            intercommunalites[fait.code], cree = Intercommunalite.objects.get_or_create(
                siren=fait.siren, defaults={"nom": fait.epci_nom, "nature": fait.epci_nature}
            )
            bilan.compter_un("intercommunalites", cree)
    return bassins, intercommunalites


def _charger_comptes(bilan):
    """Demo accounts: a password is set only on creation, but roles and flags are restored on every run."""
    User = get_user_model()
    comptes = {}
    for compte in COMPTES_DEMO:
        user, cree = User.objects.get_or_create(
            username=compte.username,
            defaults={
                "first_name": compte.first_name,
                # A reserved domain: the reset-by-email journey can be tried on the demo (console in development).
                "email": f"{compte.username}@demo.invalid",
                "is_staff": compte.is_staff,
                "is_superuser": compte.is_superuser,
            },
        )
        if cree:
            user.set_password(MOT_DE_PASSE_DEMO)
            user.save(update_fields=["password"])
        elif (user.is_staff, user.is_superuser) != (compte.is_staff, compte.is_superuser):
            user.is_staff, user.is_superuser = compte.is_staff, compte.is_superuser
            user.save(update_fields=["is_staff", "is_superuser"])
        if compte.groupe:
            _ajouter_manquants(user.groups, [Group.objects.get(name=compte.groupe)])
        bilan.compter_un("comptes", cree)
        comptes[compte.username] = user
    return comptes


# What the demo accounts follow and how often they get a digest (set when their preferences are first created).
# `elu` follows two areas and a conference, not Lyon: the browser journey has it follow Lyon from the area's page.
SUIVIS_DEMO = {"elu": ("003", "007"), "secretariat-lyon": ("002",)}
CONFERENCES_SUIVIES_DEMO = {"elu": ("006",)}
RESUMES_DEMO = {
    "elu": FrequenceResume.HEBDOMADAIRE,
    "uesl": FrequenceResume.QUOTIDIEN,
    "secretariat-lyon": FrequenceResume.QUOTIDIEN,
}


def _charger_suivis(bilan, comptes, conferences):
    """Follows and digest choices of the demo accounts: `/alertes/?date=2014-06-30` shows what concerns each."""
    for username, codes in SUIVIS_DEMO.items():
        for code in codes:
            _suivi, cree = Suivi.objects.get_or_create(
                utilisateur=comptes[username], aire=AireUrbaine.objects.get(code=code)
            )
            bilan.compter_un("suivis", cree)
    for username, codes in CONFERENCES_SUIVIES_DEMO.items():
        for code in codes:
            _suivi, cree = Suivi.objects.get_or_create(utilisateur=comptes[username], conference=conferences[code])
            bilan.compter_un("suivis", cree)
    for username, frequence in RESUMES_DEMO.items():
        PreferencesUtilisateur.objects.get_or_create(
            utilisateur=comptes[username], defaults={"frequence_resume": frequence}
        )


def _ajouter_manquants(relation, objets):
    """Add to a many-to-many only what is missing: re-adding present rows writes a history row on tracked fields."""
    presents = set(relation.values_list("pk", flat=True))
    manquants = [objet for objet in objets if objet.pk not in presents]
    if manquants:
        relation.add(*manquants)


def _charger_conferences(bilan, aires, bassins, intercommunalites, comptes):
    """Demo conferences; their members, meetings, associations and observations are created with them only."""
    conferences = {}
    for demo in CONFERENCES_DEMO:
        conference, cree = ConferenceTerritoriale.objects.get_or_create(
            nom=demo.nom, defaults={"date_installation": demo.date_installation}
        )
        bilan.compter_un("conferences", cree)
        _ajouter_manquants(conference.aires, [aires[code] for code in demo.aires])
        _ajouter_manquants(conference.bassins, [bassins[code] for code in demo.aires])
        _ajouter_manquants(conference.secretariat, [comptes[username] for username in demo.secretariat])
        for code in demo.aires:
            conferences[code] = conference
        if not cree:
            bilan.compter("membres", presents=conference.membres.count())
            bilan.compter("reunions", presents=conference.reunions.count())
            bilan.compter("associations", presents=conference.associations.count())
            bilan.compter("observations", presents=conference.observations.count())
        elif demo.date_installation:
            membres = _creer_membres(conference)
            bilan.compter("membres", crees=len(membres))
            bilan.compter("reunions", crees=len(_creer_reunions(conference, demo, membres)))
            epcis = [intercommunalites[code] for code in demo.aires if code in intercommunalites]
            bilan.compter("associations", crees=len(_creer_associations(conference, epcis)))
            bilan.compter("observations", crees=len(_creer_observations(conference, demo, aires)))
    return conferences


def _creer_membres(conference):
    """One member per organisation, so both colleges sit in every installed demo conference."""
    hasard = _hasard("membres", conference.nom)
    noms = hasard.sample(
        [f"{prenom} {nom}" for prenom in PRENOMS for nom in NOMS], k=len(MembreConference.Organisation)
    )
    membres = []
    for rang, (organisation, nom) in enumerate(zip(MembreConference.Organisation, noms, strict=True)):
        college = MembreConference.COLLEGE_DES_ORGANISATIONS[organisation]
        # The chair goes to the employers and the vice-chair to the employees, as in the movement's joint bodies.
        fonction = {0: "Président", 3: "Vice-président"}.get(rang, "Membre titulaire")
        membres.append(
            MembreConference.objects.create(
                conference=conference,
                nom=f"{nom} (démo)",
                college=college,
                organisation=organisation,
                fonction=fonction,
            )
        )
    return membres


SUJETS_REUNION = (
    "Objectifs partagés de l'année",
    "Bilan des réalisations",
    "Avis sur le programme local de l'habitat",
    "Résultats de l'observation des besoins des entreprises",
    "Logement des jeunes et des alternants",
)


def _creer_reunions(conference, demo, membres):
    """The installation meeting, then two or three meetings a year over the period."""
    hasard = _hasard("reunions", conference.nom)
    participants = "\n".join(membre.nom for membre in membres)
    dates = [demo.date_installation]
    for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1):
        for mois in sorted(hasard.sample([2, 3, 4, 5, 6, 9, 10, 11, 12], k=hasard.choice([2, 3]))):
            date = datetime.date(annee, mois, hasard.randint(5, 25))
            if date > demo.date_installation:
                dates.append(date)
    reunions = []
    for rang, date in enumerate(dates):
        ordre_du_jour = (
            "Installation de la conférence ; désignation du président et du vice-président."
            if rang == 0
            else " ; ".join(sorted(hasard.sample(SUJETS_REUNION, k=2)))
        )
        reunions.append(
            Reunion.objects.create(
                conference=conference,
                date=date,
                lieu=demo.lieu,
                ordre_du_jour=ordre_du_jour,
                compte_rendu=MENTION_DEMO,
                nb_participants=hasard.randint(len(membres) - 2, len(membres)),
                participants=participants,
            )
        )
    return reunions


def _creer_associations(conference, intercommunalites):
    """PLH and SCOT for each EPCI, sometimes the PDU; at various stages, with consistent dates."""
    hasard = _hasard("associations", conference.nom)
    debut = max(conference.date_installation, datetime.date(2013, 1, 1))
    associations = []
    for intercommunalite in intercommunalites:
        documents = [AssociationProgrammation.Document.PLH, AssociationProgrammation.Document.SCOT]
        if hasard.random() < 0.5:
            documents.append(AssociationProgrammation.Document.PDU)
        for document in documents:
            sollicitation = debut + datetime.timedelta(days=hasard.randint(20, 400))
            etat = hasard.choice(list(AssociationProgrammation.Etat))
            association = sollicitation + datetime.timedelta(days=hasard.randint(15, 90))
            avis = association + datetime.timedelta(days=hasard.randint(60, 240))
            associations.append(
                AssociationProgrammation.objects.create(
                    conference=conference,
                    intercommunalite=intercommunalite,
                    document=document,
                    etat=etat,
                    date_sollicitation=sollicitation,
                    date_association=association if etat != AssociationProgrammation.Etat.SOLLICITEE else None,
                    date_avis=avis if etat == AssociationProgrammation.Etat.AVIS_RENDU else None,
                    commentaire=MENTION_DEMO,
                )
            )
    return associations


def _creer_observations(conference, demo, aires):
    """A needs observation the year after installation, and a specific study the year after that."""
    hasard = _hasard("observations", conference.nom)
    aires_couvertes = [aires[code] for code in demo.aires]
    annee = max(conference.date_installation.year + 1, ANNEE_DEBUT)
    faits = [
        (
            Observation.Nature.OBSERVATION,
            f"Besoins en logement des salariés – bassin de {demo.lieu} (démo)",
            datetime.date(annee, hasard.randint(3, 6), hasard.randint(1, 28)),
            "Enquête auprès des entreprises du bassin sur les difficultés de recrutement liées au logement.",
            f"{hasard.randint(120, 600)} entreprises interrogées\n"
            f"{hasard.randint(25, 55)} % signalent des difficultés de logement de leurs recrues",
        ),
        (
            Observation.Nature.ETUDE,
            f"Logement des jeunes actifs et des alternants – {demo.lieu} (démo)",
            datetime.date(annee + 1, hasard.randint(1, 11), hasard.randint(1, 28)),
            "Étude de l'offre de logements temporaires accessibles aux jeunes en mobilité professionnelle.",
            f"{hasard.randint(800, 4000)} jeunes en alternance hébergés hors du bassin\n"
            f"{hasard.randint(150, 900)} places en résidence sociale",
        ),
    ]
    observations = []
    for nature, titre, date, resume, chiffres_cles in faits:
        observation = Observation.objects.create(
            conference=conference, nature=nature, titre=titre, date=date, resume=resume, chiffres_cles=chiffres_cles
        )
        observation.aires.add(*aires_couvertes)
        observations.append(observation)
    return observations


def _charger_objectifs(bilan, aires, conferences, comptes):
    """Targets for the twelve areas over 2013–2015 on four schemes each, and dated achievements for new targets.

    Achievements and revisions are added only to the targets this run creates, so that real targets are never given
    demo data; a closed year gets no new objective nor achievement.
    """
    uesl = comptes["uesl"]
    existants = set(
        Objectif.objects.filter(aire__in=aires.values()).values_list("aire__code", "dispositif", "annee", "unite")
    )
    closes = ClotureAnnee.objects.annees_closes()  # a closed year's objectives are settled: none is added
    nouveaux = []
    for code, aire in aires.items():
        conference = conferences.get(code)
        installee = conference is not None and conference.date_installation is not None
        for annee in sorted(set(range(ANNEE_DEBUT, ANNEE_FIN + 1)) - closes):
            for dispositif in _dispositifs(code):
                taux, unite = REPERES_DISPOSITIFS[dispositif]
                if (code, dispositif.value, annee, unite.value) in existants:
                    continue
                hasard_objectif = _hasard("cible", code, dispositif.value, annee)
                cible = aire.population * taux * (1 + 0.1 * (annee - ANNEE_DEBUT)) * hasard_objectif.uniform(0.85, 1.15)
                cible = max(2, int(round(cible / 5) * 5) if cible > 50 else int(round(cible)))
                objectif = Objectif(
                    aire=aire,
                    conference=conference if installee else None,
                    dispositif=dispositif,
                    annee=annee,
                    cible=cible,
                    unite=unite,
                    notes=MENTION_DEMO,
                    date_accord=_date_accord(conference, annee) if installee or conference is None else None,
                )
                if objectif.date_accord:  # the history tells when the target was agreed, not when the demo ran
                    objectif._history_date = _moment(objectif.date_accord, 11)
                nouveaux.append(objectif)
    crees = bulk_create_with_history(nouveaux, Objectif, default_user=uesl, default_change_reason=MOTIF_DEMO)
    bilan.compter("objectifs", crees=len(crees), presents=len(existants))

    revisions = _reviser_cibles(crees, uesl)
    bilan.compter(
        "revisions",
        crees=len(revisions),
        presents=RevisionCible.objects.filter(objectif__aire__in=aires.values()).count() - len(revisions),
    )

    realisations = _creer_realisations(crees, comptes)
    tous = Realisation.objects.filter(objectif__aire__in=aires.values())
    bilan.compter("realisations", crees=len(realisations), presents=tous.count() - len(realisations))
    crees_par_etat = Counter(realisation.etat for realisation in realisations)
    par_etat = dict(tous.order_by().values_list("etat").annotate(n=Count("pk")))
    for etat in EtatRealisation:
        bilan.compter(etat, crees=crees_par_etat[etat], presents=par_etat.get(etat, 0) - crees_par_etat[etat])


def _dispositifs(code):
    """Social housing and three other schemes drawn for the area, in the order their objectives are listed."""
    hasard = _hasard("dispositifs", code)
    autres = [dispositif for dispositif in Dispositif if dispositif != Dispositif.LOGEMENT_SOCIAL]
    return [Dispositif.LOGEMENT_SOCIAL, *sorted(hasard.sample(autres, k=3))]


def _moment(date, heure, jours=0, minutes=0):
    """An aware datetime on `date` (plus `jours`) at `heure` local time: figures are recorded in office hours."""
    naif = datetime.datetime.combine(date + datetime.timedelta(days=jours), datetime.time(heure, minutes))
    return timezone.make_aware(naif)


def _reviser_cibles(objectifs, uesl):
    """Revise the targets of `REVISIONS_DEMO` among the new objectives, with their reason in the history."""
    par_cle = {(o.aire.code, o.annee, o.dispositif): o for o in objectifs}
    revisions = []
    for revision in REVISIONS_DEMO:
        objectif = par_cle.get((revision.aire, revision.annee, revision.dispositif))
        if objectif is None:
            continue
        revisee_le = _moment(revision.revisee_le, 15)
        ancienne = objectif.cible
        objectif.cible = ancienne + revision.ecart
        objectif.version += 1
        objectif._history_user, objectif._history_date = uesl, revisee_le
        objectif._change_reason = revision.motif
        objectif.save(update_fields=["cible", "version"])
        creee = RevisionCible.objects.create(
            objectif=objectif,
            ancienne_cible=ancienne,
            nouvelle_cible=objectif.cible,
            motif=revision.motif,
            revisee_par=uesl,
        )
        # `revisee_le` is set on creation by the model; the demo's revision took place during the period.
        RevisionCible.objects.filter(pk=creee.pk).update(revisee_le=revisee_le)
        revisions.append(creee)
    return revisions


def _creer_realisations(objectifs, comptes):
    """The new objectives' achievements with their lifecycle (submitted, then validated or returned), and a history
    of each step: its submission by the recorder, its examination by someone else."""
    examens = {(e.aire, e.annee, e.rang_dispositif): e for e in EXAMENS_DEMO}
    realisations = []
    for objectif in objectifs:
        saisies = _realisations(objectif)
        code = objectif.aire.code
        saisi_par, examinee_par = (comptes[nom] for nom in SAISIE_PAR_AIRE.get(code, SAISIE_PAR_DEFAUT))
        examen = examens.get((code, objectif.annee, _dispositifs(code).index(objectif.dispositif)))
        if examen and saisies:
            saisies.append(_realisation_en_examen(objectif, saisies[-1].date))
        for rang, realisation in enumerate(saisies):
            hasard = _hasard("examen", code, objectif.dispositif, objectif.annee, rang)
            etat = examen.etat if examen and rang == len(saisies) - 1 else EtatRealisation.VALIDEE
            realisation.saisi_par = realisation.modifie_par = saisi_par
            realisation.etat = etat
            if etat == EtatRealisation.VALIDEE:
                realisation.soumise_le = _moment(
                    realisation.date, hasard.randint(9, 17), hasard.randint(1, 6), hasard.randrange(60)
                )
                realisation.examinee_le = realisation.soumise_le + datetime.timedelta(
                    days=hasard.randint(2, 15), hours=hasard.randint(0, 5)
                )
            else:
                jour = timezone.localdate() - datetime.timedelta(days=examen.age_jours)
                realisation.soumise_le = _moment(jour, hasard.randint(9, 17), minutes=hasard.randrange(60))
            if etat == EtatRealisation.RENVOYEE:
                realisation.examinee_le = realisation.soumise_le + datetime.timedelta(days=1, hours=2)
                realisation.commentaire_examen = COMMENTAIRE_RENVOI
            if etat != EtatRealisation.SOUMISE:
                realisation.examinee_par = examinee_par
                realisation.version = 2
            realisations.append(realisation)

    # The model's own bulk write keeps the running totals of both sets and the pending counts.
    Realisation.objects.bulk_create(realisations)
    for realisation in realisations:
        realisation.saisi_le = realisation.soumise_le  # recorded and submitted at once, not when the demo ran
    Realisation.objects.bulk_update(realisations, ["saisi_le"], batch_size=500)
    _historiser_realisations(realisations)
    return realisations


def _realisation_en_examen(objectif, apres):
    """The latest figure of an objective, recorded after its validated ones: small, so the area keeps its pace."""
    hasard = _hasard("en-examen", objectif.aire.code, objectif.dispositif, objectif.annee)
    date = min(apres + datetime.timedelta(days=hasard.randint(5, 40)), datetime.date(objectif.annee, 12, 28))
    return Realisation(
        objectif=objectif,
        date=date,
        quantite=max(1, round(objectif.cible * hasard.uniform(0.03, 0.08))),
        commentaire=MENTION_DEMO,
    )


def _historiser_realisations(realisations):
    """One history entry for the submission, and one for the examination when there was one."""
    champs = [champ.attname for champ in Realisation._meta.concrete_fields]
    soumissions, examens = [], []
    for realisation in realisations:
        soumission = Realisation(**{champ: getattr(realisation, champ) for champ in champs})
        soumission.etat, soumission.version = EtatRealisation.SOUMISE, 1
        soumission.examinee_par_id, soumission.examinee_le, soumission.commentaire_examen = None, None, ""
        soumission._history_user, soumission._history_date = realisation.saisi_par, realisation.soumise_le
        soumission._change_reason = MOTIF_DEMO
        soumissions.append(soumission)
        if realisation.examinee_le:
            realisation._history_user, realisation._history_date = realisation.examinee_par, realisation.examinee_le
            realisation._change_reason = (
                "Validation"
                if realisation.etat == EtatRealisation.VALIDEE
                else f"Renvoi : {realisation.commentaire_examen}"
            )
            examens.append(realisation)
    Realisation.history.bulk_history_create(soumissions, batch_size=500)
    Realisation.history.bulk_history_create(examens, batch_size=500, update=True)


def _clore_annee(bilan, uesl):
    """Close 2013, as the UESL team did once its figures were validated; a closing already recorded is left as is,
    reopened or not, and the year stays open while anything in it awaits validation."""
    cloture = ClotureAnnee.objects.filter(annee=ANNEE_CLOSE_DEMO).first()
    en_suspens = Realisation.objects.filter(
        objectif__annee=ANNEE_CLOSE_DEMO, etat__in=[EtatRealisation.SOUMISE, EtatRealisation.RENVOYEE]
    )
    creee = cloture is None and not en_suspens.exists()
    if creee:
        cloture = ClotureAnnee(
            annee=ANNEE_CLOSE_DEMO, close=True, close_le=_moment(DATE_CLOTURE_DEMO, 11), close_par=uesl
        )
        cloture._history_user, cloture._history_date = uesl, cloture.close_le
        cloture._change_reason = f"Clôture de l'année {ANNEE_CLOSE_DEMO} : chiffres validés."
        cloture.save()
    bilan.compter("clotures", crees=creee, presents=ClotureAnnee.objects.closes().count() - creee)


# Lyon's evidence: the latest achievement of these objectives (area, year, rank of the scheme), pending in the demo.
JUSTIFICATIFS_DEMO = (("002", 2015, 0), ("002", 2015, 1), ("002", 2014, 0))


def _joindre_pieces(bilan, conferences, secretariat):
    """A few small real files on Lyon's records, deposited by its secretariat through the product's own service
    (checks, private storage, history); a file of the same name already on the record is left as it is."""
    from partenariat.models import PieceJointe
    from partenariat.pieces_jointes import joindre_piece, permission_gerer

    lyon = conferences.get("002")
    if lyon is None or lyon.date_installation is None:
        return
    crees = presents = 0
    for objet, nature, nom, moment, fabriquer in _pieces_demo(lyon):
        if not secretariat.has_perm(permission_gerer(objet), objet):
            continue  # a record of someone else's: the service would refuse it
        if PieceJointe.objects.de(objet).filter(nature=nature, nom_original=nom).exists():
            presents += 1
            continue
        fichier = SimpleUploadedFile(nom, fabriquer(), content_type="application/octet-stream")
        piece = joindre_piece(objet, nature, fichier, secretariat)
        # Deposited when the record was made, not when the demo ran.
        PieceJointe.objects.filter(pk=piece.pk).update(deposee_le=moment)
        PieceJointe.history.filter(id=piece.pk).update(history_date=moment)
        crees += 1
    bilan.compter("pieces", crees=crees, presents=presents)


def _pieces_demo(lyon):
    """(record, nature, file name, deposit time, maker of the content) of each demo file that has its record."""
    from partenariat.models import NaturePiece

    for code, annee, rang in JUSTIFICATIFS_DEMO:
        objectif = Objectif.objects.filter(aire__code=code, annee=annee, dispositif=_dispositifs(code)[rang]).first()
        realisation = objectif and objectif.realisations.order_by("-date", "-pk").first()
        if realisation is not None:
            yield (
                realisation,
                NaturePiece.JUSTIFICATIF,
                f"justificatif-{objectif.dispositif}-{realisation.date.isoformat()}.pdf".replace("_", "-"),
                realisation.soumise_le or _moment(realisation.date, 10),
                lambda r=realisation: _pdf_justificatif(r),
            )
    reunion = lyon.reunions.filter(date__year=2014).order_by("date", "pk").first()
    if reunion is not None:
        jour = reunion.date.isoformat()
        yield (
            reunion,
            NaturePiece.COMPTE_RENDU,
            f"compte-rendu-conference-lyon-{jour}.pdf",
            _moment(reunion.date, 10, jours=7),
            lambda: _pdf_compte_rendu(reunion),
        )
        yield (
            reunion,
            NaturePiece.FEUILLE_PRESENCE,
            f"feuille-de-presence-{jour}.xlsx",
            _moment(reunion.date, 18),
            lambda: _classeur_presence(lyon, reunion),
        )
    association = lyon.associations.select_related("intercommunalite").order_by("pk").first()
    if association is not None:
        yield (
            association,
            NaturePiece.DELIBERATION,
            f"deliberation-{association.document}-{association.intercommunalite.siren}.pdf".lower(),
            _moment(association.date_association or association.date_sollicitation, 16),
            lambda: _pdf_deliberation(association),
        )
    etude = lyon.observations.filter(nature=Observation.Nature.ETUDE).order_by("pk").first()
    if etude is not None:
        yield (
            etude,
            NaturePiece.ETUDE,
            f"etude-jeunes-actifs-lyon-{etude.date.year}.pdf",
            _moment(etude.date, 14),
            lambda: _pdf_document(etude.titre, [etude.resume, *etude.chiffres_cles.splitlines(), MENTION_DEMO]),
        )


def _pdf_document(titre, paragraphes):
    """A short tagged PDF: a title and a few lines, drawn by the product's own PDF renderer."""
    from django.utils.html import format_html, format_html_join

    from partenariat.commun.pdf import rendre_pdf

    return rendre_pdf(
        format_html(
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{}</title></head>'
            "<body><h1>{}</h1>{}</body></html>",
            titre,
            titre,
            format_html_join("", "<p>{}</p>", ((paragraphe,) for paragraphe in paragraphes)),
        )
    )


def _pdf_justificatif(realisation):
    objectif = realisation.objectif
    return _pdf_document(
        f"Justificatif – {objectif.get_dispositif_display()} {objectif.annee} – {objectif.aire.nom}",
        [
            f"Réalisation du {realisation.date:%d/%m/%Y} : {nombre(realisation.quantite)} "
            f"{objectif.get_unite_display()}.",
            "Attestation des services instructeurs : décisions de financement et ordres de service joints.",
            MENTION_DEMO,
        ],
    )


def _pdf_compte_rendu(reunion):
    return _pdf_document(
        f"Compte rendu de la conférence de Lyon du {reunion.date:%d/%m/%Y}",
        [
            f"Lieu : {reunion.lieu}. Participants : {reunion.nb_participants}.",
            f"Ordre du jour : {reunion.ordre_du_jour}",
            "Les membres ont examiné l'avancement des objectifs partagés et arrêté le calendrier des prochaines "
            "réunions.",
            MENTION_DEMO,
        ],
    )


def _pdf_deliberation(association):
    return _pdf_document(
        f"Délibération – {association.get_document_display()} – {association.intercommunalite.nom}",
        [
            "Le conseil communautaire associe la conférence territoriale aux travaux d'élaboration du document.",
            f"Sollicitation du {association.date_sollicitation:%d/%m/%Y}.",
            MENTION_DEMO,
        ],
    )


def _classeur_presence(lyon, reunion):
    """The attendance sheet as the secretariat keeps it: one line per member, with their college."""
    import tablib

    feuille = tablib.Dataset(headers=["Nom", "Collège", "Organisation", "Fonction", "Présent"])
    feuille.title = f"Réunion du {reunion.date:%d-%m-%Y}"
    for membre in lyon.membres.order_by("pk"):
        feuille.append(
            [membre.nom, membre.get_college_display(), membre.get_organisation_display(), membre.fonction, "oui"]
        )
    return feuille.export("xlsx")


def _date_accord(conference, annee):
    """Targets are agreed each December for the next year; 2013's a month after the conference's installation."""
    if annee > ANNEE_DEBUT or conference is None:
        return datetime.date(annee - 1, 12, 10)
    return max(conference.date_installation, datetime.date(2012, 12, 10)) + datetime.timedelta(days=30)


def _realisations(objectif):
    """Two to four dated achievements within the target's year, adding up to the area's pace against the target."""
    rythme = RYTHMES[RYTHME_DES_AIRES[objectif.aire.code]]
    if rythme is None:
        return []
    hasard = _hasard("realisations", objectif.aire.code, objectif.dispositif, objectif.annee)
    total = round(objectif.cible * hasard.uniform(*rythme))
    nb_mois = hasard.randint(2, 4)
    mois = sorted(hasard.sample(range(2, 13), k=nb_mois))
    poids = [hasard.uniform(0.5, 1.5) for _ in mois]
    quantites = [int(total * p / sum(poids)) for p in poids]
    quantites[-1] += total - sum(quantites)
    return [
        Realisation(
            objectif=objectif,
            date=datetime.date(objectif.annee, m, hasard.randint(1, 28)),
            quantite=quantite,
            commentaire=MENTION_DEMO,
        )
        for m, quantite in zip(mois, quantites, strict=True)
        if quantite > 0
    ]
