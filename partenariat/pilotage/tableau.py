"""The protocol's five clauses, each with a state computed from the data as of a date — never typed by hand."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from aires_urbaines.models import AireUrbaine, EntreePhase, PhaseDeploiement
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, EtatInstallation, Observation
from engagements.models import (
    Dispositif,
    Objectif,
    Realisation,
    Statut,
    derniere_annee_close,
    expression_nb_realisations,
    modifie_depuis,
    statut_pour,
    taux_realisation,
    version_avancement,
)
from partenariat.models import Clause, periode_courante


class Etat:
    NON_COMMENCE = "non_commence"
    EN_COURS = "en_cours"
    EN_RETARD = "en_retard"
    ATTEINT = "atteint"

    LIBELLES = {
        NON_COMMENCE: "Non commencé",
        EN_COURS: "En cours",
        EN_RETARD: "En retard",
        ATTEINT: "Atteint",
    }


@dataclass
class EtatClause:
    numero: int
    code: str
    titre: str
    etat: str
    resume: str
    chiffres: list = field(default_factory=list)  # [(libellé, valeur, lien ou None)]

    @property
    def etat_libelle(self):
        return Etat.LIBELLES[self.etat]


def _titres_clauses(protocole):
    if protocole.pk:
        return {c.code: (c.numero, c.titre) for c in Clause.objects.filter(protocole=protocole)}
    return {}


def etat_deploiement(au):
    """Areas in the scheme by phase on `au`, against all metropolitan grandes aires."""
    par_phase = list(
        PhaseDeploiement.objects.annotate(
            nb_aires=Count("entrees", filter=Q(entrees__date_entree__lte=au)),
        ).order_by("ordre", "date_debut")
    )
    dans_dispositif = sum(p.nb_aires for p in par_phase)
    grandes = AireUrbaine.objects.grandes().metropolitaines().count()
    non_couvertes = AireUrbaine.objects.grandes().metropolitaines().exclude(entree_phase__date_entree__lte=au).count()
    if dans_dispositif == 0:
        etat = Etat.NON_COMMENCE
    elif non_couvertes == 0:
        etat = Etat.ATTEINT
    else:
        etat = Etat.EN_COURS
    return etat, par_phase, dans_dispositif, grandes


def avancement_national(au):
    """`agreger_avancement` of every objective agreed by `au`, plus every achievement counted, kept in cache.

    The cached figures are served while no write since their computation reached `au` (the journal of
    `ModificationAvancement`): a date in 2013 stays cached while staff record this year's achievements.
    """
    cle = f"avancement-national:{au.isoformat()}"
    entree = cache.get(cle)
    if entree is not None and not modifie_depuis(entree[0], au):
        return entree[1]
    version = version_avancement()  # read before computing: a write committed meanwhile invalidates
    avancement = agreger_avancement(Objectif.objects.convenus_au(au), au)
    avancement["nb_realisations_total"] = avancement["nb_realisations"] + Objectif.objects.non_convenus_au(
        au
    ).nb_realisations_au(au)
    cache.set(cle, (version, avancement), timeout=3600)
    return avancement


def agreger_avancement(objectifs, au):
    """Totals, counts by status and by scheme, and achievements counted, of a set of objectives as of `au`.

    Today (or later) every objective's figures are its running totals: one grouped SQL query. On a past date
    the objectives with achievements on both sides of `au` need their sums up to `au`; SQL would repeat that
    subquery in every expression using it (0.4 s on 50,000 objectives), so their sums come from one grouped
    query and the rule (`statut_pour`) is applied here.
    """
    if au >= timezone.localdate():
        return _agreger_en_sql(objectifs, au)
    return _agreger_a_date_passee(objectifs, au)


def _resultat(par_statut, par_dispositif, nb_realisations):
    cible = sum(cumul["cible"] for cumul in par_dispositif.values())
    realise = sum(cumul["realise"] for cumul in par_dispositif.values())
    return {
        "totaux": {"cible_totale": cible, "realise_total": realise, "taux": taux_realisation(realise, cible)},
        "statuts": [(Statut(code).label, code, par_statut[code]) for code in Statut.values],
        "par_dispositif": [
            (libelle, par_dispositif[code]) for code, libelle in Dispositif.choices if code in par_dispositif
        ],
        "nb_realisations": nb_realisations,
    }


def _agreger_en_sql(objectifs, au):
    """Grouped by scheme (7 groups, hashed), counted by status with filtered counts: grouping by the status
    expression itself made PostgreSQL sort the 50,000 rows."""
    par_code = {code: Count("pk", filter=Q(statut=code)) for code in Statut.values}
    groupes = (
        objectifs.order_by()
        .avec_avancement(au)
        .values("dispositif")
        .annotate(
            n=Count("pk"),
            cible_groupe=Sum("cible"),
            realise_groupe=Sum("realise"),
            nb_groupe=Sum(expression_nb_realisations(au)),
            **par_code,
        )
    )
    par_statut = dict.fromkeys(Statut.values, 0)
    par_dispositif = {}
    nb_realisations = 0
    for groupe in groupes:
        for code in Statut.values:
            par_statut[code] += groupe[code]
        par_dispositif[groupe["dispositif"]] = {
            "n": groupe["n"],
            "cible": groupe["cible_groupe"] or 0,
            "realise": int(groupe["realise_groupe"] or 0),
        }
        nb_realisations += int(groupe["nb_groupe"] or 0)
    return _resultat(par_statut, par_dispositif, nb_realisations)


def _agreger_a_date_passee(objectifs, au):
    a_cheval = objectifs.filter(premiere_realisation__lte=au, derniere_realisation__gt=au)
    sommes = {
        pk: (total, n)
        for pk, total, n in Realisation.objects.filter(date__lte=au, objectif__in=a_cheval.values("pk"))
        .order_by()
        .values("objectif")
        .annotate(total=Sum("quantite"), n=Count("pk"))
        .values_list("objectif", "total", "n")
    }
    annee_close = derniere_annee_close(au)
    par_statut = dict.fromkeys(Statut.values, 0)
    par_dispositif = {}
    nb_realisations = 0
    lignes = objectifs.order_by().values_list(
        "pk",
        "dispositif",
        "annee",
        "cible",
        "realise_cumule",
        "nb_realisations",
        "premiere_realisation",
        "derniere_realisation",
        "statut_final",
    )
    for pk, dispositif, annee, cible, cumul, nb, premiere, derniere, statut_final in lignes:
        if premiere is None or premiere > au:
            realise, nb = 0, 0
        elif derniere > au:
            realise, nb = sommes[pk]
        else:
            realise = cumul
        if annee <= annee_close and (premiere is None or derniere <= au):
            statut = statut_final  # year over, no later achievement: the stored final status
        else:
            statut = statut_pour(annee, cible, realise, nb > 0, au)
        par_statut[statut] += 1
        groupe = par_dispositif.setdefault(dispositif, {"n": 0, "cible": 0, "realise": 0})
        groupe["n"] += 1
        groupe["cible"] += cible
        groupe["realise"] += realise
        nb_realisations += nb
    return _resultat(par_statut, par_dispositif, nb_realisations)


def etat_du_protocole(au):
    """Everything the dashboard shows, in a constant number of queries."""
    protocole = periode_courante()
    date_limite = protocole.date_limite_installation
    titres = _titres_clauses(protocole)

    etat_dep, par_phase, dans_dispositif, grandes = etat_deploiement(au)
    chiffres_dep = [(f"Phase « {p.libelle} »", p.nb_aires, f"/aires/?phase={p.code}") for p in par_phase]
    chiffres_dep.append(("Grandes aires urbaines métropolitaines", grandes, "/aires/?categorie=grande"))
    clauses = [
        EtatClause(
            1,
            "deploiement",
            "",
            etat_dep,
            f"{dans_dispositif} aire{'s' if dans_dispositif > 1 else ''} urbaine{'s' if dans_dispositif > 1 else ''} "
            f"dans le dispositif sur {grandes} grandes aires métropolitaines.",
            chiffres_dep,
        )
    ]

    conferences = ConferenceTerritoriale.objects.all()
    installation = conferences.avec_etat_installation(date_limite, au).aggregate(
        a_l_heure=Count("pk", filter=Q(etat_installation=EtatInstallation.A_L_HEURE)),
        en_retard=Count("pk", filter=Q(etat_installation=EtatInstallation.EN_RETARD)),
        non_installees=Count("pk", filter=Q(etat_installation=EtatInstallation.NON_INSTALLEE)),
    )
    total_conf = sum(installation.values())
    installees = installation["a_l_heure"] + installation["en_retard"]
    if total_conf == 0:
        etat_conf = Etat.NON_COMMENCE
    elif installation["en_retard"] or (installation["non_installees"] and au > date_limite):
        etat_conf = Etat.EN_RETARD
    elif installation["non_installees"]:
        etat_conf = Etat.EN_COURS
    else:
        etat_conf = Etat.ATTEINT
    clauses.append(
        EtatClause(
            2,
            "conferences",
            "",
            etat_conf,
            f"{installees} conférence{'s' if installees > 1 else ''} installée{'s' if installees > 1 else ''} "
            f"sur {total_conf} ; date limite du {date_limite:%d/%m/%Y}.",
            [
                ("Installées dans les délais", installation["a_l_heure"], "/conferences/?etat_installation=a_l_heure"),
                ("Installées en retard", installation["en_retard"], "/conferences/?etat_installation=en_retard"),
                (
                    "Pas encore installées",
                    installation["non_installees"],
                    "/conferences/?etat_installation=non_installee",
                ),
            ],
        )
    )

    associations = AssociationProgrammation.objects.filter(date_sollicitation__lte=au)
    comptes = associations.aggregate(
        total=Count("pk"),
        associees=Count("pk", filter=Q(date_association__lte=au) | Q(date_avis__lte=au)),
        avis=Count("pk", filter=Q(date_avis__lte=au)),
        conferences=Count("conference", distinct=True),
        documents=Count("intercommunalite", distinct=True),
    )
    if comptes["total"] == 0:
        etat_prog = Etat.NON_COMMENCE
    elif installees and comptes["conferences"] >= installees and comptes["associees"] == comptes["total"]:
        etat_prog = Etat.ATTEINT
    else:
        etat_prog = Etat.EN_COURS
    clauses.append(
        EtatClause(
            3,
            "programmation",
            "",
            etat_prog,
            f"{comptes['total']} document{'s' if comptes['total'] > 1 else ''} de programmation "
            f"(SCOT, PLH, PDU…) ; {comptes['conferences']} conférence{'s' if comptes['conferences'] > 1 else ''} "
            "associée(s).",
            [
                ("Sollicitations", comptes["total"], None),
                ("Conférence associée", comptes["associees"], None),
                ("Avis rendus", comptes["avis"], None),
                ("Intercommunalités concernées", comptes["documents"], None),
            ],
        )
    )

    observations = Observation.objects.filter(date__lte=au).aggregate(
        total=Count("pk"),
        etudes=Count("pk", filter=Q(nature=Observation.Nature.ETUDE)),
        conferences=Count("conference", distinct=True),
    )
    if observations["total"] == 0:
        etat_obs = Etat.NON_COMMENCE
    elif installees and observations["conferences"] >= installees:
        etat_obs = Etat.ATTEINT
    else:
        etat_obs = Etat.EN_COURS
    clauses.append(
        EtatClause(
            4,
            "observation",
            "",
            etat_obs,
            f"{observations['total']} observation{'s' if observations['total'] > 1 else ''} ou étude"
            f"{'s' if observations['total'] > 1 else ''} partagée{'s' if observations['total'] > 1 else ''}.",
            [
                ("Observations des besoins", observations["total"] - observations["etudes"], None),
                ("Études spécifiques", observations["etudes"], None),
                ("Conférences ayant partagé", observations["conferences"], None),
            ],
        )
    )

    avancement = avancement_national(au)
    totaux = avancement["totaux"]
    statuts = avancement["statuts"]
    nb_objectifs = sum(n for _, _, n in statuts)
    par_statut = {code: n for _, code, n in statuts}
    if nb_objectifs == 0:
        etat_obj = Etat.NON_COMMENCE
    elif totaux["taux"] is not None and totaux["taux"] >= 100:
        etat_obj = Etat.ATTEINT
    elif par_statut[Statut.EN_RETARD] + par_statut[Statut.SANS_REALISATION] > nb_objectifs / 2:
        etat_obj = Etat.EN_RETARD
    else:
        etat_obj = Etat.EN_COURS
    taux_txt = "—" if totaux["taux"] is None else f"{totaux['taux']:.1f} %".replace(".", ",")
    clauses.append(
        EtatClause(
            5,
            "objectifs",
            "",
            etat_obj,
            f"{nb_objectifs} objectif{'s' if nb_objectifs > 1 else ''} convenu{'s' if nb_objectifs > 1 else ''} ; "
            f"taux de réalisation global {taux_txt}.",
            [(libelle, n, f"/objectifs/?statut={code}") for libelle, code, n in statuts],
        )
    )

    for clause in clauses:
        numero, titre = titres.get(clause.code, (clause.numero, Clause.Code(clause.code).label))
        clause.numero, clause.titre = numero, titre
    return {
        "protocole": protocole,
        "date_limite": date_limite,
        "clauses": clauses,
        "totaux_objectifs": totaux,
        "nb_objectifs": nb_objectifs,
        "nb_realisations": avancement["nb_realisations_total"],
        "dans_dispositif": dans_dispositif,
        "nb_entrees": EntreePhase.objects.au(au).count(),
    }
