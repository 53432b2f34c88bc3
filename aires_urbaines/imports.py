"""Imports of the reference files that build the territory: INSEE's commune table and the A/B/C zoning.

Each import reads and checks the whole file before writing anything, then writes in one transaction, touching only
the rows that changed, so that a second run of the same file is reported as changing nothing.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from partenariat.commun.tableur import ErreurTableur, lire_tableau
from partenariat.commun.textes import normaliser

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


class ErreurImport(Exception):
    """The one error of the imports: a French message, with the 1-based file line at fault when there is one."""

    def __init__(self, message, ligne=None):
        self.message = message
        self.ligne = ligne
        super().__init__(f"Ligne {ligne} : {message}" if ligne else message[:1].upper() + message[1:])


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
        texte = (
            f"{self.libelle} : {_nombre(self.crees)} création(s), {_nombre(self.modifies)} mise(s) à jour, "
            f"{_nombre(self.inchanges)} sans changement"
        )
        if self.absents:
            texte += f", {_nombre(self.absents)} en base hors du fichier (non traités)"
        return texte + "."


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
                f"{code} {nom} (ligne {ligne})" if nom else f"{code} (ligne {ligne})"
                for code, nom, ligne in self.non_appariees[:NB_NON_APPARIEES_CITEES]
            )
            reste = len(self.non_appariees) - NB_NON_APPARIEES_CITEES
            suite = f" et {_nombre(reste)} autre(s)" if reste > 0 else ""
            lignes.append(
                f"Communes du fichier absentes de la base (non appariées) : {_nombre(len(self.non_appariees))} — "
                f"{citees}{suite}."
            )
        if self.nb_modifications == 0:
            lignes.append("Aucune modification : la base était déjà à jour.")
        if self.dry_run:
            lignes.append("Simulation (--dry-run) : rien n'a été enregistré.")
        return lignes


def lire_csv(fichier):
    """Read a reference CSV file (gzipped or not) with the product's one reader; refuse what is not CSV text."""
    try:
        table = lire_tableau(fichier, xlsx=False)
    except ErreurTableur as exc:
        raise ErreurImport(exc.message, exc.ligne) from None
    if table.ligne_entete is None:
        raise ErreurImport(f"le fichier {table.nom} est vide")
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
        titre=f"Fichier {table.description()} : {_nombre(len(lues.communes))} communes lues.",
        bilans={
            "bassins": Bilan("Bassins d'emploi"),
            "intercommunalites": Bilan("Intercommunalités"),
            "aires": Bilan("Aires urbaines"),
            "communes": Bilan("Communes"),
        },
        informations=[
            f"Communes hors aire urbaine (AU2010 000, 997, 998) : {_nombre(lues.nb_hors_aire)} ; "
            f"communes hors groupement (EPCI {EPCI_HORS_GROUPEMENT}) : {_nombre(lues.nb_hors_groupement)}."
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
        if dry_run:
            transaction.set_rollback(True)
    return rapport


def importer_zonage(fichier, *, millesime=None, dry_run=False, progress=None):
    """Set each commune's A/B/C zone from a housing-ministry list, then each area's population-weighted tension."""
    table = lire_csv(fichier)
    if millesime is None:
        millesime = MILLESIME_ZONAGE if Path(str(fichier)) == FICHIER_ZONAGE else f"Zonage A/B/C — {table.nom}"
    libelle = millesime.strip()
    if not libelle:
        raise ErreurImport("le libellé du millésime du zonage est vide")
    libelle = libelle[: ZonageMillesime._meta.get_field("libelle").max_length]
    col_code, col_zone, col_nom = _colonnes_zonage(table)
    zones, noms = _analyser_zonage(table, col_code, col_zone, col_nom, progress)

    rapport = RapportImport(
        titre=f"Fichier {table.description()} : {_nombre(len(zones))} communes lues, millésime « {libelle} ».",
        bilans={
            "millesime": Bilan("Millésime du zonage"),
            "communes": Bilan("Communes (zone A/B/C)"),
            "aires": Bilan("Aires urbaines (tension)"),
        },
        dry_run=dry_run,
    )
    with transaction.atomic():
        communes = list(Commune.objects.only("id", "code_insee", "zone_abc", "population", "aire_urbaine_id"))
        if not communes:
            raise ErreurImport("aucune commune en base : importez d'abord les communes (commande importer_communes)")
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
                _signaler(progress, "Écriture des zones", fait, bilan.modifies)

        rapport.non_appariees = [(code, noms[code][0], noms[code][1]) for code in zones if code not in connues]
        sans_zone = sum(1 for commune in communes if not commune.zone_abc)
        rapport.informations.append(
            f"Communes appariées : {_nombre(len(zones) - len(rapport.non_appariees))} ; communes de la base sans "
            f"zone dans ce fichier (fusionnées depuis, par exemple) : {_nombre(sans_zone)}."
        )

        zonage = _enregistrer_millesime(libelle, len(zones), len(rapport.non_appariees), rapport.bilans["millesime"])
        nb_tendues, nb_evaluees = _calculer_tensions(communes, zonage, rapport.bilans["aires"], progress)
        rapport.informations.append(
            f"Aires urbaines en marché tendu : {_nombre(nb_tendues)} sur {_nombre(nb_evaluees)} aires ayant des "
            f"communes zonées (seuil : {SEUIL_TENSION * 100:.0f} % de la population en zone A bis, A ou B1)."
        )
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
            raise ErreurImport(
                f"code commune (CODGEO) « {v['CODGEO']} » invalide : 5 caractères attendus, des chiffres sauf 2A/2B "
                "pour la Corse (ex. 01001, 2A004)",
                numero,
            )
        if code in lignes_commune:
            raise ErreurImport(f"la commune {code} figure déjà ligne {lignes_commune[code]}", numero)
        lignes_commune[code] = numero
        _verifier_nom(v["LIBGEO"], "nom de commune (LIBGEO)", max_nom, numero)
        if not RE_DEPARTEMENT.fullmatch(v["DEP"]):
            raise ErreurImport(f"département (DEP) « {v['DEP']} » invalide (ex. 01, 2A, 971)", numero)
        if not RE_REGION.fullmatch(v["REG"]):
            raise ErreurImport(f"région (REG) « {v['REG']} » invalide : 2 chiffres attendus", numero)
        if not RE_ENTIER.fullmatch(v["POP2010"]):
            raise ErreurImport(f"population (POP2010) « {v['POP2010']} » non numérique : entier attendu", numero)
        population = int(v["POP2010"])

        aire, categorie = v["AU2010"], v["CATAEU2010"]
        if not RE_AIRE.fullmatch(aire):
            raise ErreurImport(
                f"code d'aire urbaine (AU2010) « {aire} » invalide : 3 caractères attendus (ex. 001, 9A1)", numero
            )
        if aire in AIRES_FICTIVES:
            if categorie not in CATEGORIES_HORS_AIRE:
                raise ErreurImport(
                    f"catégorie (CATAEU2010) « {categorie} » incompatible avec AU2010 {aire}, qui n'est pas une aire "
                    "urbaine : 120, 300 ou 400 attendu",
                    numero,
                )
            lues.nb_hors_aire += 1
        else:
            if categorie not in CATEGORIES_DANS_UNE_AIRE:
                raise ErreurImport(
                    f"catégorie (CATAEU2010) « {categorie} » invalide pour une commune de l'aire urbaine {aire} : "
                    "111, 112, 211, 212, 221 ou 222 attendu",
                    numero,
                )
            _verifier_nom(v["LIBAU2010"], "nom d'aire urbaine (LIBAU2010)", max_aire, numero)
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
                _incoherence("l'aire urbaine", aire, "LIBAU2010", v["LIBAU2010"], donnees["nom"], ligne, numero)
            donnees["population"] += population
            donnees["nb_communes"] += 1
            categorie_aire = CATEGORIE_PAR_CATAEU[categorie]
            if donnees["categorie"] is None:
                donnees["categorie"], donnees["_ligne_categorie"] = categorie_aire, (categorie, numero)
            elif donnees["categorie"] != categorie_aire:
                connue, ligne = donnees["_ligne_categorie"]
                raise ErreurImport(
                    f"commune de catégorie {categorie} dans l'aire urbaine {aire}, dont une autre commune est de "
                    f"catégorie {connue} (ligne {ligne}) : une aire n'a qu'une catégorie",
                    numero,
                )

        bassin = v["ZE2010"]
        if not RE_ZONE_EMPLOI.fullmatch(bassin):
            raise ErreurImport(f"code de zone d'emploi (ZE2010) « {bassin} » invalide : 4 chiffres attendus", numero)
        _verifier_nom(v["LIBZE2010"], "nom de zone d'emploi (LIBZE2010)", max_bassin, numero)
        if bassin not in lues.bassins:
            lues.bassins[bassin] = {"nom": v["LIBZE2010"]}
            premiere_ligne["bassin", bassin] = numero
        elif lues.bassins[bassin]["nom"] != v["LIBZE2010"]:
            nom_connu, ligne = lues.bassins[bassin]["nom"], premiere_ligne["bassin", bassin]
            _incoherence("la zone d'emploi", bassin, "LIBZE2010", v["LIBZE2010"], nom_connu, ligne, numero)

        epci = v["EPCI"]
        if epci == EPCI_HORS_GROUPEMENT:
            lues.nb_hors_groupement += 1
        else:
            if not RE_SIREN.fullmatch(epci):
                raise ErreurImport(
                    f"intercommunalité (EPCI) « {epci} » invalide : SIREN de 9 chiffres ou {EPCI_HORS_GROUPEMENT} "
                    "(commune hors groupement) attendu",
                    numero,
                )
            if v["NATURE_EPCI"] not in natures:
                raise ErreurImport(
                    f"nature d'intercommunalité (NATURE_EPCI) « {v['NATURE_EPCI']} » inconnue : "
                    f"{', '.join(sorted(natures))} attendu",
                    numero,
                )
            _verifier_nom(v["LIBEPCI"], "nom d'intercommunalité (LIBEPCI)", max_epci, numero)
            valeurs = {"nom": v["LIBEPCI"], "nature": v["NATURE_EPCI"]}
            if epci not in lues.intercommunalites:
                lues.intercommunalites[epci] = valeurs
                premiere_ligne["epci", epci] = numero
            elif lues.intercommunalites[epci] != valeurs:
                connues = lues.intercommunalites[epci]
                colonne = "LIBEPCI" if connues["nom"] != valeurs["nom"] else "NATURE_EPCI"
                cle = "nom" if colonne == "LIBEPCI" else "nature"
                ligne = premiere_ligne["epci", epci]
                _incoherence("l'intercommunalité", epci, colonne, valeurs[cle], connues[cle], ligne, numero)

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
            _signaler(progress, "Lecture du fichier", rang, total)

    if not lues.communes:
        raise ErreurImport("aucune commune dans le fichier (seulement la ligne d'en-tête)")
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
            raise ErreurImport(
                f"code commune « {brut} » invalide : 5 caractères attendus, des chiffres sauf 2A/2B pour la Corse "
                "(ex. 01001, 2A004)",
                numero,
            )
        if code in zones:
            raise ErreurImport(f"la commune {code} figure déjà ligne {noms[code][1]}", numero)
        zone = _normaliser_zone(champs[col_zone])
        if zone is None:
            valeur = champs[col_zone].strip()
            probleme = f"zone « {valeur} » inconnue" if valeur else "zone manquante"
            raise ErreurImport(f"{probleme} pour la commune {code} : A bis, A, B1, B2 ou C attendu", numero)
        zones[code] = zone
        noms[code] = (champs[col_nom].strip() if col_nom is not None else "", numero)
        if rang % PAS_PROGRESSION == 0 or rang == total:
            _signaler(progress, "Lecture du fichier", rang, total)
    if not zones:
        raise ErreurImport("aucune commune dans le fichier (seulement la ligne d'en-tête)")
    return zones, noms


def _colonnes_exactes(table, noms):
    """Position of each required column, found by its INSEE code whatever the order and the case."""
    positions = {}
    for i, entete in enumerate(table.entetes):
        cle = entete.strip().upper()
        if cle in noms:
            if cle in positions:
                raise ErreurImport(f"colonne {cle} présente deux fois dans l'en-tête", table.ligne_entete)
            positions[cle] = i
    manquantes = [nom for nom in noms if nom not in positions]
    if manquantes:
        pluriel = "s" if len(manquantes) > 1 else ""
        raise ErreurImport(
            f"colonne{pluriel} obligatoire{pluriel} absente{pluriel} : {', '.join(manquantes)} "
            f"(en-tête lu : {', '.join(entete.strip() for entete in table.entetes)})",
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
        (code, "du code commune (« Code Commune » ou « CODGEO »)"),
        (zone, "de la zone (« Zone ABC »)"),
    ):
        if not trouvees:
            raise ErreurImport(f"colonne {libelle} absente (en-tête lu : {lu})", table.ligne_entete)
        if len(trouvees) > 1:
            ambigues = ", ".join(f"« {table.entetes[i].strip()} »" for i in trouvees)
            raise ErreurImport(
                f"plusieurs colonnes possibles {libelle} : {ambigues} ; n'en gardez qu'une", table.ligne_entete
            )
    nom = chercher({"nomcommune", "libgeo", "commune", "nom", "libellecommune"})
    return code[0], zone[0], nom[0] if nom else None


def _verifier_nb_champs(table, numero, champs):
    attendus = len(table.entetes)
    if len(champs) < attendus:
        raise ErreurImport(
            f"{len(champs)} champ(s) au lieu de {attendus} (ligne tronquée ou séparateur manquant ?)", numero
        )
    if len(champs) > attendus:
        raise ErreurImport(
            f"{len(champs)} champs au lieu de {attendus} (champs en trop : séparateur « {table.libelle_separateur} » "
            "dans une valeur non protégée par des guillemets ?)",
            numero,
        )


def _verifier_nom(valeur, libelle, longueur_max, numero):
    if not valeur:
        raise ErreurImport(f"{libelle} manquant", numero)
    if len(valeur) > longueur_max:
        raise ErreurImport(f"{libelle} trop long ({len(valeur)} caractères, {longueur_max} au plus)", numero)


def _incoherence(entite, code, colonne, valeur, valeur_connue, ligne, numero):
    """One entity named two ways in the file: a sign of a shifted or hand-edited column."""
    raise ErreurImport(
        f"{colonne} « {valeur} » pour {entite} {code}, alors que la ligne {ligne} donne « {valeur_connue} »", numero
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

    libelle = f"Écriture : {modele._meta.verbose_name_plural}"
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
        _signaler(progress, "Écriture des tensions", min(debut + BATCH_SIZE, len(a_modifier)), len(a_modifier))
    bilan.modifies = len(a_modifier)
    bilan.inchanges = len(aires) - len(a_modifier)
    return nb_tendues, nb_evaluees


def _signaler(progress, etape, fait, total):
    if progress is not None:
        progress(etape, fait, total)


def _nombre(n):
    """French digit grouping (36 700), readable in a terminal."""
    return f"{n:,}".replace(",", " ")
