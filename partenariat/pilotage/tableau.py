"""The protocol's five clauses, each with a state computed from the data as of a date — never typed by hand."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from aires_urbaines.models import AireUrbaine, EntreePhase, PhaseDeploiement
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, EtatInstallation, Observation

# The national figures are the progress module's; `agreger_avancement` is imported from here by the reports.
from engagements.avancement import Statut, avancement_national
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
