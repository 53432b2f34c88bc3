"""Imports of the reference files that build the territory: INSEE's commune table and the A/B/C zoning.

Each import reads and checks the whole file before writing anything, then writes in one transaction, touching only
the rows that changed, so that a second run of the same file is reported as changing nothing.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partenariat.commun.nombres import nombre, pourcentage
from partenariat.commun.tableur import ErreurTableur, lire_tableau
from partenariat.commun.textes import normaliser
from partenariat.models import noter_changement

from .models import (
    SEUIL_TENSION,
    ZONES_TENDUES,
    AireUrbaine,
    BassinEmploi,
    Commune,
    Intercommunalite,
    Tension,
    ZonageMillesime,
    ZoneABC,
)
from .services import ErreurTerritoire

# The official files ship inside the project (see referentiels/SOURCES.md): a bare clone imports all of France.
REFERENTIELS = Path(__file__).resolve().parent / "referentiels"
FICHIER_COMMUNES = REFERENTIELS / "au2010_communes_cog2012.csv.gz"
FICHIER_ZONAGE = REFERENTIELS / "zonage_abc_2022_communes.csv.gz"
DOSSIER_CONTOURS = REFERENTIELS / "geo"
MILLESIME_ZONAGE = "Zonage A/B/C 2022"

BATCH_SIZE = 1000
# How often (in rows) the progress callback is told about the reading of the file.
PAS_PROGRESSION = 1000
# How many unmatched communes the zoning report names before it only counts them.
NB_NON_APPARIEES_CITEES = 20
DEJA_VUE = gettext_lazy("la commune %(code)s figure déjà ligne %(ligne)s")
AUCUNE_COMMUNE = gettext_lazy("aucune commune dans le fichier (seulement la ligne d'en-tête)")

AIRES_FICTIVES = {"000", "997", "998"}
EPCI_HORS_GROUPEMENT = "ZZZZZZZZZ"
# Every commune of an area tells the area's category, its pole (111, 211, 221) as its ring (112, 212, 222): a
# regional extract holding only an area's ring communes still imports.
CATEGORIE_PAR_CATAEU = {
    "111": AireUrbaine.Categorie.GRANDE,
    "112": AireUrbaine.Categorie.GRANDE,
    "211": AireUrbaine.Categorie.MOYENNE,
    "212": AireUrbaine.Categorie.MOYENNE,
    "221": AireUrbaine.Categorie.PETITE,
    "222": AireUrbaine.Categorie.PETITE,
}
CATEGORIES_DANS_UNE_AIRE = set(CATEGORIE_PAR_CATAEU)
CATEGORIES_HORS_AIRE = {"120", "300", "400"}

RE_CODE_COMMUNE = re.compile(r"[0-9][0-9AB][0-9]{3}")
RE_DEPARTEMENT = re.compile(r"[0-9]{2}|2[AB]|97[0-9]")
RE_REGION = re.compile(r"[0-9]{2}")
RE_AIRE = re.compile(r"[0-9][0-9A-Z][0-9]")  # overseas areas: 9A1, 9B2…
RE_ZONE_EMPLOI = re.compile(r"[0-9]{4}")
RE_SIREN = re.compile(r"[0-9]{9}")
RE_ENTIER = re.compile(r"[0-9]+")

ZONES_PAR_GRAPHIE = {
    "ABIS": ZoneABC.A_BIS,
    "A": ZoneABC.A,
    "B1": ZoneABC.B1,
    "B2": ZoneABC.B2,
    "C": ZoneABC.C,
}
# The tighter zone wins a tie for the dominant zone.
ORDRE_ZONES = list(ZoneABC)


@dataclass
class Bilan:
    """Created / updated / unchanged rows of one model: what an import did, and the proof a re-run did nothing."""

    libelle: str
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    absents: int = 0

    @property
    def nb_modifications(self):
        return self.crees + self.modifies

    def ligne(self):
        comptes = [
            ngettext("%(nombre)s création", "%(nombre)s créations", self.crees) % {"nombre": nombre(self.crees)},
            ngettext("%(nombre)s mise à jour", "%(nombre)s mises à jour", self.modifies)
            % {"nombre": nombre(self.modifies)},
            _("%(nombre)s sans changement") % {"nombre": nombre(self.inchanges)},
        ]
        if self.absents:
            comptes.append(
                ngettext(
                    "%(nombre)s en base hors du fichier (non traité)",
                    "%(nombre)s en base hors du fichier (non traités)",
                    self.absents,
                )
                % {"nombre": nombre(self.absents)}
            )
        return _("%(libelle)s : %(comptes)s.") % {"libelle": self.libelle, "comptes": ", ".join(comptes)}


@dataclass
class RapportImport:
    """What an import read and wrote, in words the operator reads at the end of the command."""

    titre: str
    bilans: dict[str, Bilan]
    informations: list[str] = field(default_factory=list)
    non_appariees: list[tuple[str, str, int]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def nb_modifications(self):
        return sum(bilan.nb_modifications for bilan in self.bilans.values())

    def lignes(self):
        lignes = [self.titre, *(bilan.ligne() for bilan in self.bilans.values()), *self.informations]
        if self.non_appariees:
            citees = ", ".join(
                _("%(code)s %(nom)s (ligne %(ligne)s)") % {"code": code, "nom": nom, "ligne": ligne}
                if nom
                else _("%(code)s (ligne %(ligne)s)") % {"code": code, "ligne": ligne}
                for code, nom, ligne in self.non_appariees[:NB_NON_APPARIEES_CITEES]
            )
            reste = len(self.non_appariees) - NB_NON_APPARIEES_CITEES
            if reste > 0:
                citees += ngettext(" et %(nombre)s autre", " et %(nombre)s autres", reste) % {"nombre": nombre(reste)}
            lignes.append(
                _("Communes du fichier absentes de la base (non appariées) : %(nombre)s — %(citees)s.")
                % {"nombre": nombre(len(self.non_appariees)), "citees": citees}
            )
        if self.nb_modifications == 0:
            lignes.append(_("Aucune modification : la base était déjà à jour."))
        if self.dry_run:
            lignes.append(_("Simulation (--dry-run) : rien n'a été enregistré."))
        return lignes


def lire_csv(fichier):
    """Read a reference CSV file (gzipped or not) with the product's one reader; refuse what is not CSV text."""
    try:
        table = lire_tableau(fichier, xlsx=False)
    except ErreurTableur as exc:
        raise ErreurTerritoire(exc.message, exc.ligne) from None
    if table.ligne_entete is None:
        raise ErreurTerritoire(_("le fichier %(nom)s est vide") % {"nom": table.nom})
    return table


def importer_communes(fichier, *, dry_run=False, progress=None):
    """Create or update communes, urban areas, employment zones and EPCIs from INSEE's commune table (COG 2012)."""
    table = lire_csv(fichier)
    colonnes = _colonnes_exactes(
        table,
        (
            "CODGEO",
            "LIBGEO",
            "DEP",
            "REG",
            "AU2010",
            "LIBAU2010",
            "CATAEU2010",
            "ZE2010",
            "LIBZE2010",
            "EPCI",
            "LIBEPCI",
            "NATURE_EPCI",
            "POP2010",
        ),
    )
    lues = _analyser_communes(table, colonnes, progress)
    rapport = RapportImport(
        titre=ngettext(
            "Fichier %(fichier)s : %(nombre)s commune lue.",
            "Fichier %(fichier)s : %(nombre)s communes lues.",
            len(lues.communes),
        )
        % {"fichier": table.description(), "nombre": nombre(len(lues.communes))},
        bilans={
            "bassins": Bilan(_("Bassins d'emploi")),
            "intercommunalites": Bilan(_("Intercommunalités")),
            "aires": Bilan(_("Aires urbaines")),
            "communes": Bilan(_("Communes")),
        },
        informations=[
            _(
                "Communes hors aire urbaine (AU2010 000, 997, 998) : %(hors_aire)s ; "
                "communes hors groupement (EPCI %(epci)s) : %(hors_groupement)s."
            )
            % {
                "hors_aire": nombre(lues.nb_hors_aire),
                "epci": EPCI_HORS_GROUPEMENT,
                "hors_groupement": nombre(lues.nb_hors_groupement),
            }
        ],
        dry_run=dry_run,
    )
    with transaction.atomic():
        bassins = _synchroniser(BassinEmploi, "code", lues.bassins, rapport.bilans["bassins"], progress)
        epcis = _synchroniser(Intercommunalite, "siren", lues.intercommunalites, rapport.bilans["intercommunalites"])
        aires = _synchroniser(AireUrbaine, "code", lues.aires, rapport.bilans["aires"], progress)
        communes = {}
        for code, valeurs in lues.communes.items():
            aire, bassin, epci = valeurs.pop("_aire"), valeurs.pop("_bassin"), valeurs.pop("_epci")
            valeurs["aire_urbaine_id"] = aires.get(aire)
            valeurs["bassin_emploi_id"] = bassins[bassin]
            valeurs["intercommunalite_id"] = epcis.get(epci)
            communes[code] = valeurs
        _synchroniser(Commune, "code_insee", communes, rapport.bilans["communes"], progress)
        noter_changement()  # bulk writes send no signal: the reports' data version is moved here
        if dry_run:
            transaction.set_rollback(True)
    return rapport


def importer_zonage(fichier, *, millesime=None, dry_run=False, progress=None):
    """Set each commune's A/B/C zone from a housing-ministry list, then each area's population-weighted tension."""
    table = lire_csv(fichier)
    if millesime is None:
        millesime = (
            MILLESIME_ZONAGE
            if Path(str(fichier)) == FICHIER_ZONAGE
            else _("Zonage A/B/C — %(fichier)s") % {"fichier": table.nom}
        )
    libelle = millesime.strip()
    if not libelle:
        raise ErreurTerritoire(_("le libellé du millésime du zonage est vide"))
    libelle = libelle[: ZonageMillesime._meta.get_field("libelle").max_length]
    col_code, col_zone, col_nom = _colonnes_zonage(table)
    zones, noms = _analyser_zonage(table, col_code, col_zone, col_nom, progress)

    rapport = RapportImport(
        titre=ngettext(
            "Fichier %(fichier)s : %(nombre)s commune lue, millésime « %(millesime)s ».",
            "Fichier %(fichier)s : %(nombre)s communes lues, millésime « %(millesime)s ».",
            len(zones),
        )
        % {"fichier": table.description(), "nombre": nombre(len(zones)), "millesime": libelle},
        bilans={
            "millesime": Bilan(_("Millésime du zonage")),
            "communes": Bilan(_("Communes (zone A/B/C)")),
            "aires": Bilan(_("Aires urbaines (tension)")),
        },
        dry_run=dry_run,
    )
    with transaction.atomic():
        communes = list(Commune.objects.only("id", "code_insee", "zone_abc", "population", "aire_urbaine_id"))
        if not communes:
            raise ErreurTerritoire(
                _("aucune commune en base : importez d'abord les communes (commande importer_communes)")
            )
        connues = set()
        a_modifier = defaultdict(list)
        for commune in communes:
            connues.add(commune.code_insee)
            zone = zones.get(commune.code_insee, "")
            if zone != commune.zone_abc:
                a_modifier[zone].append(commune.pk)
                commune.zone_abc = zone
        bilan = rapport.bilans["communes"]
        bilan.modifies = sum(len(pks) for pks in a_modifier.values())
        bilan.inchanges = len(communes) - bilan.modifies
        fait = 0
        for zone, pks in a_modifier.items():
            for debut in range(0, len(pks), BATCH_SIZE):
                lot = pks[debut : debut + BATCH_SIZE]
                Commune.objects.filter(pk__in=lot).update(zone_abc=zone)
                fait += len(lot)
                _signaler(progress, _("Écriture des zones"), fait, bilan.modifies)

        rapport.non_appariees = [(code, noms[code][0], noms[code][1]) for code in zones if code not in connues]
        sans_zone = sum(1 for commune in communes if not commune.zone_abc)
        rapport.informations.append(
            _(
                "Communes appariées : %(appariees)s ; communes de la base sans zone dans ce fichier "
                "(fusionnées depuis, par exemple) : %(sans_zone)s."
            )
            % {"appariees": nombre(len(zones) - len(rapport.non_appariees)), "sans_zone": nombre(sans_zone)}
        )

        zonage = _enregistrer_millesime(libelle, len(zones), len(rapport.non_appariees), rapport.bilans["millesime"])
        nb_tendues, nb_evaluees = _calculer_tensions(communes, zonage, rapport.bilans["aires"], progress)
        rapport.informations.append(
            _(
                "Aires urbaines en marché tendu : %(tendues)s sur %(evaluees)s aires ayant des communes zonées "
                "(seuil : %(seuil)s de la population en zone A bis, A ou B1)."
            )
            % {
                "tendues": nombre(nb_tendues),
                "evaluees": nombre(nb_evaluees),
                "seuil": pourcentage(SEUIL_TENSION * 100),
            }
        )
        noter_changement()
        if dry_run:
            transaction.set_rollback(True)
    return rapport


def calculer_tension(population_par_zone):
    """An area's tension from the population of its zoned communes per zone: (share in a tight zone, tension, dominant
    zone). Communes without a zone are left out of the share rather than counted as not tight."""
    total = sum(population_par_zone.values())
    if not total:
        return None, "", ""
    part = sum(population_par_zone.get(zone, 0) for zone in ZONES_TENDUES) / total
    tension = Tension.TENDUE if part >= SEUIL_TENSION else Tension.NON_TENDUE
    dominante = max(ORDRE_ZONES, key=lambda zone: (population_par_zone.get(zone, 0), -ORDRE_ZONES.index(zone)))
    return part, tension.value, dominante.value


# --- reading and checking ---------------------------------------------------------------------------------------


@dataclass
class _CommunesLues:
    communes: dict = field(default_factory=dict)
    aires: dict = field(default_factory=dict)
    bassins: dict = field(default_factory=dict)
    intercommunalites: dict = field(default_factory=dict)
    nb_hors_aire: int = 0
    nb_hors_groupement: int = 0


def _analyser_communes(table, colonnes, progress):
    """Check every row of the commune table and gather the values to write, keyed by code."""
    lues = _CommunesLues()
    lignes_commune = {}
    premiere_ligne = {}  # (kind, code) -> line where the entity was first seen, to point at inconsistencies
    max_nom = Commune._meta.get_field("nom").max_length
    max_aire = AireUrbaine._meta.get_field("nom").max_length
    max_bassin = BassinEmploi._meta.get_field("nom").max_length
    max_epci = Intercommunalite._meta.get_field("nom").max_length
    natures = set(Intercommunalite.Nature.values)
    total = len(table.lignes)
    for rang, (numero, champs) in enumerate(table.lignes, start=1):
        _verifier_nb_champs(table, numero, champs)
        v = {nom: champs[i].strip() for nom, i in colonnes.items()}

        code = v["CODGEO"].upper()
        if not RE_CODE_COMMUNE.fullmatch(code):
            raise ErreurTerritoire(
                _(
                    "code commune (CODGEO) « %(code)s » invalide : 5 caractères attendus, des chiffres sauf 2A/2B "
                    "pour la Corse (ex. 01001, 2A004)"
                )
                % {"code": v["CODGEO"]},
                numero,
            )
        if code in lignes_commune:
            raise ErreurTerritoire(DEJA_VUE % {"code": code, "ligne": lignes_commune[code]}, numero)
        lignes_commune[code] = numero
        _verifier_nom(v["LIBGEO"], _("nom de commune (LIBGEO)"), max_nom, numero)
        if not RE_DEPARTEMENT.fullmatch(v["DEP"]):
            raise ErreurTerritoire(
                _("département (DEP) « %(valeur)s » invalide (ex. 01, 2A, 971)") % {"valeur": v["DEP"]}, numero
            )
        if not RE_REGION.fullmatch(v["REG"]):
            raise ErreurTerritoire(
                _("région (REG) « %(valeur)s » invalide : 2 chiffres attendus") % {"valeur": v["REG"]}, numero
            )
        if not RE_ENTIER.fullmatch(v["POP2010"]):
            raise ErreurTerritoire(
                _("population (POP2010) « %(valeur)s » non numérique : entier attendu") % {"valeur": v["POP2010"]},
                numero,
            )
        population = int(v["POP2010"])

        aire, categorie = v["AU2010"], v["CATAEU2010"]
        if not RE_AIRE.fullmatch(aire):
            raise ErreurTerritoire(
                _("code d'aire urbaine (AU2010) « %(valeur)s » invalide : 3 caractères attendus (ex. 001, 9A1)")
                % {"valeur": aire},
                numero,
            )
        if aire in AIRES_FICTIVES:
            if categorie not in CATEGORIES_HORS_AIRE:
                raise ErreurTerritoire(
                    _(
                        "catégorie (CATAEU2010) « %(categorie)s » incompatible avec AU2010 %(aire)s, qui n'est pas "
                        "une aire urbaine : 120, 300 ou 400 attendu"
                    )
                    % {"categorie": categorie, "aire": aire},
                    numero,
                )
            lues.nb_hors_aire += 1
        else:
            if categorie not in CATEGORIES_DANS_UNE_AIRE:
                raise ErreurTerritoire(
                    _(
                        "catégorie (CATAEU2010) « %(categorie)s » invalide pour une commune de l'aire urbaine "
                        "%(aire)s : 111, 112, 211, 212, 221 ou 222 attendu"
                    )
                    % {"categorie": categorie, "aire": aire},
                    numero,
                )
            _verifier_nom(v["LIBAU2010"], _("nom d'aire urbaine (LIBAU2010)"), max_aire, numero)
            donnees = lues.aires.get(aire)
            if donnees is None:
                donnees = lues.aires[aire] = {
                    "nom": v["LIBAU2010"],
                    "categorie": None,
                    "population": 0,
                    "nb_communes": 0,
                }
                premiere_ligne["aire", aire] = numero
            elif donnees["nom"] != v["LIBAU2010"]:
                ligne = premiere_ligne["aire", aire]
                _incoherence(_("l'aire urbaine"), aire, "LIBAU2010", v["LIBAU2010"], donnees["nom"], ligne, numero)
            donnees["population"] += population
            donnees["nb_communes"] += 1
            categorie_aire = CATEGORIE_PAR_CATAEU[categorie]
            if donnees["categorie"] is None:
                donnees["categorie"], donnees["_ligne_categorie"] = categorie_aire, (categorie, numero)
            elif donnees["categorie"] != categorie_aire:
                connue, ligne = donnees["_ligne_categorie"]
                raise ErreurTerritoire(
                    _(
                        "commune de catégorie %(categorie)s dans l'aire urbaine %(aire)s, dont une autre commune est "
                        "de catégorie %(connue)s (ligne %(ligne)s) : une aire n'a qu'une catégorie"
                    )
                    % {"categorie": categorie, "aire": aire, "connue": connue, "ligne": ligne},
                    numero,
                )

        bassin = v["ZE2010"]
        if not RE_ZONE_EMPLOI.fullmatch(bassin):
            raise ErreurTerritoire(
                _("code de zone d'emploi (ZE2010) « %(valeur)s » invalide : 4 chiffres attendus") % {"valeur": bassin},
                numero,
            )
        _verifier_nom(v["LIBZE2010"], _("nom de zone d'emploi (LIBZE2010)"), max_bassin, numero)
        if bassin not in lues.bassins:
            lues.bassins[bassin] = {"nom": v["LIBZE2010"]}
            premiere_ligne["bassin", bassin] = numero
        elif lues.bassins[bassin]["nom"] != v["LIBZE2010"]:
            nom_connu, ligne = lues.bassins[bassin]["nom"], premiere_ligne["bassin", bassin]
            _incoherence(_("la zone d'emploi"), bassin, "LIBZE2010", v["LIBZE2010"], nom_connu, ligne, numero)

        epci = v["EPCI"]
        if epci == EPCI_HORS_GROUPEMENT:
            lues.nb_hors_groupement += 1
        else:
            if not RE_SIREN.fullmatch(epci):
                raise ErreurTerritoire(
                    _(
                        "intercommunalité (EPCI) « %(valeur)s » invalide : SIREN de 9 chiffres ou %(hors_groupement)s "
                        "(commune hors groupement) attendu"
                    )
                    % {"valeur": epci, "hors_groupement": EPCI_HORS_GROUPEMENT},
                    numero,
                )
            if v["NATURE_EPCI"] not in natures:
                raise ErreurTerritoire(
                    _("nature d'intercommunalité (NATURE_EPCI) « %(valeur)s » inconnue : %(natures)s attendu")
                    % {"valeur": v["NATURE_EPCI"], "natures": ", ".join(sorted(natures))},
                    numero,
                )
            _verifier_nom(v["LIBEPCI"], _("nom d'intercommunalité (LIBEPCI)"), max_epci, numero)
            valeurs = {"nom": v["LIBEPCI"], "nature": v["NATURE_EPCI"]}
            if epci not in lues.intercommunalites:
                lues.intercommunalites[epci] = valeurs
                premiere_ligne["epci", epci] = numero
            elif lues.intercommunalites[epci] != valeurs:
                connues = lues.intercommunalites[epci]
                colonne = "LIBEPCI" if connues["nom"] != valeurs["nom"] else "NATURE_EPCI"
                cle = "nom" if colonne == "LIBEPCI" else "nature"
                ligne = premiere_ligne["epci", epci]
                _incoherence(_("l'intercommunalité"), epci, colonne, valeurs[cle], connues[cle], ligne, numero)

        lues.communes[code] = {
            "nom": v["LIBGEO"],
            "departement": v["DEP"],
            "region": v["REG"],
            "population": population,
            "categorie_aire": categorie,
            "_aire": aire,
            "_bassin": bassin,
            "_epci": epci,
        }
        if rang % PAS_PROGRESSION == 0 or rang == total:
            _signaler(progress, _("Lecture du fichier"), rang, total)

    if not lues.communes:
        raise ErreurTerritoire(AUCUNE_COMMUNE)
    for donnees in lues.aires.values():
        donnees.pop("_ligne_categorie")
    return lues


def _analyser_zonage(table, col_code, col_zone, col_nom, progress):
    """Check every row of a zoning list; return zone and (name, line) per commune code."""
    zones, noms = {}, {}
    total = len(table.lignes)
    for rang, (numero, champs) in enumerate(table.lignes, start=1):
        _verifier_nb_champs(table, numero, champs)
        brut = champs[col_code].strip()
        code = brut.upper()
        if re.fullmatch(r"[0-9]{4}", code):
            # A spreadsheet drops the leading zero of codes 01001…09999; the code is still unambiguous.
            code = "0" + code
        if not RE_CODE_COMMUNE.fullmatch(code):
            raise ErreurTerritoire(
                _(
                    "code commune « %(code)s » invalide : 5 caractères attendus, des chiffres sauf 2A/2B pour la "
                    "Corse (ex. 01001, 2A004)"
                )
                % {"code": brut},
                numero,
            )
        if code in zones:
            raise ErreurTerritoire(DEJA_VUE % {"code": code, "ligne": noms[code][1]}, numero)
        zone = _normaliser_zone(champs[col_zone])
        if zone is None:
            valeur = champs[col_zone].strip()
            if valeur:
                message = _("zone « %(zone)s » inconnue pour la commune %(code)s : A bis, A, B1, B2 ou C attendu") % {
                    "zone": valeur,
                    "code": code,
                }
            else:
                message = _("zone manquante pour la commune %(code)s : A bis, A, B1, B2 ou C attendu") % {"code": code}
            raise ErreurTerritoire(message, numero)
        zones[code] = zone
        noms[code] = (champs[col_nom].strip() if col_nom is not None else "", numero)
        if rang % PAS_PROGRESSION == 0 or rang == total:
            _signaler(progress, _("Lecture du fichier"), rang, total)
    if not zones:
        raise ErreurTerritoire(AUCUNE_COMMUNE)
    return zones, noms


def _colonnes_exactes(table, noms):
    """Position of each required column, found by its INSEE code whatever the order and the case."""
    positions = {}
    for i, entete in enumerate(table.entetes):
        cle = entete.strip().upper()
        if cle in noms:
            if cle in positions:
                raise ErreurTerritoire(
                    _("colonne %(colonne)s présente deux fois dans l'en-tête") % {"colonne": cle}, table.ligne_entete
                )
            positions[cle] = i
    manquantes = [nom for nom in noms if nom not in positions]
    if manquantes:
        raise ErreurTerritoire(
            ngettext(
                "colonne obligatoire absente : %(colonnes)s (en-tête lu : %(entete)s)",
                "colonnes obligatoires absentes : %(colonnes)s (en-tête lu : %(entete)s)",
                len(manquantes),
            )
            % {"colonnes": ", ".join(manquantes), "entete": ", ".join(entete.strip() for entete in table.entetes)},
            table.ligne_entete,
        )
    return positions


def _colonnes_zonage(table):
    """Find the commune-code, zone and (optional) name columns among the headers the ministry has used."""
    normalises = [_normaliser_entete(entete) for entete in table.entetes]

    def chercher(candidats, prefixe=None):
        trouvees = [i for i, entete in enumerate(normalises) if entete in candidats]
        if not trouvees and prefixe:
            trouvees = [i for i, entete in enumerate(normalises) if entete.startswith(prefixe)]
        return trouvees

    lu = ", ".join(entete.strip() for entete in table.entetes)
    code = chercher({"codecommune", "codgeo", "codeinsee", "codecommuneinsee", "codeinseecommune", "insee", "depcom"})
    zone = chercher({"zoneabc", "zonageabc", "zone", "zonage"}, prefixe="zonage")
    for trouvees, libelle in (
        (code, _("du code commune (« Code Commune » ou « CODGEO »)")),
        (zone, _("de la zone (« Zone ABC »)")),
    ):
        if not trouvees:
            raise ErreurTerritoire(
                _("colonne %(colonne)s absente (en-tête lu : %(entete)s)") % {"colonne": libelle, "entete": lu},
                table.ligne_entete,
            )
        if len(trouvees) > 1:
            ambigues = ", ".join(f"« {table.entetes[i].strip()} »" for i in trouvees)
            raise ErreurTerritoire(
                _("plusieurs colonnes possibles %(colonne)s : %(colonnes)s ; n'en gardez qu'une")
                % {"colonne": libelle, "colonnes": ambigues},
                table.ligne_entete,
            )
    nom = chercher({"nomcommune", "libgeo", "commune", "nom", "libellecommune"})
    return code[0], zone[0], nom[0] if nom else None


def _verifier_nb_champs(table, numero, champs):
    attendus = len(table.entetes)
    if len(champs) < attendus:
        raise ErreurTerritoire(
            ngettext(
                "%(nombre)s champ au lieu de %(attendus)s (ligne tronquée ou séparateur manquant ?)",
                "%(nombre)s champs au lieu de %(attendus)s (ligne tronquée ou séparateur manquant ?)",
                len(champs),
            )
            % {"nombre": len(champs), "attendus": attendus},
            numero,
        )
    if len(champs) > attendus:
        raise ErreurTerritoire(
            _(
                "%(nombre)s champs au lieu de %(attendus)s (champs en trop : séparateur « %(separateur)s » "
                "dans une valeur non protégée par des guillemets ?)"
            )
            % {"nombre": len(champs), "attendus": attendus, "separateur": table.libelle_separateur},
            numero,
        )


def _verifier_nom(valeur, libelle, longueur_max, numero):
    if not valeur:
        raise ErreurTerritoire(_("%(champ)s manquant") % {"champ": libelle}, numero)
    if len(valeur) > longueur_max:
        raise ErreurTerritoire(
            _("%(champ)s trop long (%(longueur)s caractères, %(maximum)s au plus)")
            % {"champ": libelle, "longueur": len(valeur), "maximum": longueur_max},
            numero,
        )


def _incoherence(entite, code, colonne, valeur, valeur_connue, ligne, numero):
    """One entity named two ways in the file: a sign of a shifted or hand-edited column."""
    raise ErreurTerritoire(
        _("%(colonne)s « %(valeur)s » pour %(entite)s %(code)s, alors que la ligne %(ligne)s donne « %(connue)s »")
        % {
            "colonne": colonne,
            "valeur": valeur,
            "entite": entite,
            "code": code,
            "ligne": ligne,
            "connue": valeur_connue,
        },
        numero,
    )


def _normaliser_entete(entete):
    return re.sub(r"[^a-z0-9]", "", normaliser(entete))


def _normaliser_zone(valeur):
    graphie = re.sub(r"[^A-Z0-9]", "", normaliser(valeur).upper()).removeprefix("ZONE")
    return ZONES_PAR_GRAPHIE.get(graphie)


# --- writing ------------------------------------------------------------------------------------------------------


def _synchroniser(modele, cle, attendues, bilan, progress=None):
    """Bring a table in line with the file: create missing rows, update changed ones, leave equal ones untouched.

    Returns the primary key of every row of the file, by code, for the foreign keys of the rows that point to it.
    """
    existantes = {getattr(objet, cle): objet for objet in modele.objects.all()}
    a_creer, a_modifier, champs_modifies = [], [], set()
    for code, valeurs in attendues.items():
        objet = existantes.get(code)
        if objet is None:
            a_creer.append(modele(**{cle: code}, **valeurs))
            continue
        changes = [nom for nom, valeur in valeurs.items() if getattr(objet, nom) != valeur]
        if changes:
            for nom in changes:
                setattr(objet, nom, valeurs[nom])
            champs_modifies.update(changes)
            a_modifier.append(objet)
    bilan.crees, bilan.modifies = len(a_creer), len(a_modifier)
    bilan.inchanges = len(attendues) - bilan.crees - bilan.modifies
    bilan.absents = sum(1 for code in existantes if code not in attendues)

    libelle = _("Écriture : %(modeles)s") % {"modeles": modele._meta.verbose_name_plural}
    total, fait = len(a_creer) + len(a_modifier), 0
    for debut in range(0, len(a_creer), BATCH_SIZE):
        lot = a_creer[debut : debut + BATCH_SIZE]
        modele.objects.bulk_create(lot)
        fait += len(lot)
        _signaler(progress, libelle, fait, total)
    for debut in range(0, len(a_modifier), BATCH_SIZE):
        lot = a_modifier[debut : debut + BATCH_SIZE]
        modele.objects.bulk_update(lot, sorted(champs_modifies))
        fait += len(lot)
        _signaler(progress, libelle, fait, total)
    if not a_creer:
        return {code: objet.pk for code, objet in existantes.items()}
    return dict(modele.objects.values_list(cle, "pk"))


def _enregistrer_millesime(libelle, nb_communes, nb_non_appariees, bilan):
    valeurs = {"nb_communes": nb_communes, "nb_non_appariees": nb_non_appariees}
    zonage, cree = ZonageMillesime.objects.get_or_create(libelle=libelle, defaults=valeurs)
    if cree:
        bilan.crees = 1
    elif any(getattr(zonage, nom) != valeur for nom, valeur in valeurs.items()):
        for nom, valeur in valeurs.items():
            setattr(zonage, nom, valeur)
        zonage.save()
        bilan.modifies = 1
    else:
        bilan.inchanges = 1
    return zonage


def _calculer_tensions(communes, zonage, bilan, progress):
    """Recompute every area's tension from its communes' zones and link it to the zoning vintage used."""
    population_par_zone = defaultdict(lambda: defaultdict(int))
    for commune in communes:
        if commune.aire_urbaine_id and commune.zone_abc:
            population_par_zone[commune.aire_urbaine_id][commune.zone_abc] += commune.population
    champs = ["part_population_tendue", "tension", "zone_dominante", "zonage_id"]
    a_modifier, nb_tendues, nb_evaluees = [], 0, 0
    aires = list(AireUrbaine.objects.only("id", "part_population_tendue", "tension", "zone_dominante", "zonage"))
    for aire in aires:
        part, tension, dominante = calculer_tension(population_par_zone.get(aire.pk, {}))
        nb_evaluees += part is not None
        nb_tendues += tension == Tension.TENDUE
        valeurs = dict(zip(champs, (part, tension, dominante, zonage.pk), strict=True))
        if any(getattr(aire, nom) != valeur for nom, valeur in valeurs.items()):
            for nom, valeur in valeurs.items():
                setattr(aire, nom, valeur)
            a_modifier.append(aire)
    for debut in range(0, len(a_modifier), BATCH_SIZE):
        AireUrbaine.objects.bulk_update(a_modifier[debut : debut + BATCH_SIZE], champs)
        _signaler(progress, _("Écriture des tensions"), min(debut + BATCH_SIZE, len(a_modifier)), len(a_modifier))
    bilan.modifies = len(a_modifier)
    bilan.inchanges = len(aires) - len(a_modifier)
    return nb_tendues, nb_evaluees


def _signaler(progress, etape, fait, total):
    if progress is not None:
        progress(etape, fait, total)
