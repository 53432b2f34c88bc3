"""The protocol's five clauses, each with a state computed from the data as of a date — never typed by hand."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aires_urbaines.models import AireUrbaine, EntreePhase, PhaseDeploiement
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, EtatInstallation, Observation

# The national figures are the progress module's; `agreger_avancement` is imported from here by the reports.
from engagements.avancement import Statut, avancement_national
from engagements.models import Objectif
from engagements.services import clotures
from partenariat.commun.dates import date_courte
from partenariat.commun.nombres import nombre, pourcentage
from partenariat.models import Clause, periode_courante


class Etat:
    NON_COMMENCE = "non_commence"
    EN_COURS = "en_cours"
    EN_RETARD = "en_retard"
    ATTEINT = "atteint"

    LIBELLES = {
        NON_COMMENCE: gettext_lazy("Non commencé"),
        EN_COURS: gettext_lazy("En cours"),
        EN_RETARD: gettext_lazy("En retard"),
        ATTEINT: gettext_lazy("Atteint"),
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
    par_phase = list(PhaseDeploiement.objects.avec_nb_aires(au).order_by("ordre", "date_debut"))
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


def etat_du_protocole(au, provisoire=False):
    """Everything the dashboard shows, in a constant number of queries.

    The objectives' figures count validated achievements, or with `provisoire` the pending ones too; the links to
    the objectives list keep that choice.
    """
    protocole = periode_courante()
    date_limite = protocole.date_limite_installation
    titres = _titres_clauses(protocole)

    etat_dep, par_phase, dans_dispositif, grandes = etat_deploiement(au)
    chiffres_dep = [
        (_("Phase « %(phase)s »") % {"phase": p.libelle}, p.nb_aires, f"/aires/?phase={p.code}") for p in par_phase
    ]
    chiffres_dep.append((_("Grandes aires urbaines métropolitaines"), grandes, "/aires/?categorie=grande"))
    clauses = [
        EtatClause(
            1,
            "deploiement",
            "",
            etat_dep,
            ngettext(
                "%(nombre)s aire urbaine dans le dispositif sur %(grandes)s grandes aires métropolitaines.",
                "%(nombre)s aires urbaines dans le dispositif sur %(grandes)s grandes aires métropolitaines.",
                dans_dispositif,
            )
            % {"nombre": nombre(dans_dispositif), "grandes": nombre(grandes)},
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
            ngettext(
                "%(nombre)s conférence installée sur %(total)s ; date limite du %(date)s.",
                "%(nombre)s conférences installées sur %(total)s ; date limite du %(date)s.",
                installees,
            )
            % {"nombre": nombre(installees), "total": nombre(total_conf), "date": date_courte(date_limite)},
            [
                (
                    _("Installées dans les délais"),
                    installation["a_l_heure"],
                    "/conferences/?etat_installation=a_l_heure",
                ),
                (_("Installées en retard"), installation["en_retard"], "/conferences/?etat_installation=en_retard"),
                (
                    _("Pas encore installées"),
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
            _("%(documents)s (SCOT, PLH, PDU…) ; %(conferences)s.")
            % {
                "documents": ngettext(
                    "%(nombre)s document de programmation", "%(nombre)s documents de programmation", comptes["total"]
                )
                % {"nombre": nombre(comptes["total"])},
                "conferences": ngettext(
                    "%(nombre)s conférence associée", "%(nombre)s conférences associées", comptes["conferences"]
                )
                % {"nombre": nombre(comptes["conferences"])},
            },
            [
                (_("Sollicitations"), comptes["total"], None),
                (_("Conférence associée"), comptes["associees"], None),
                (_("Avis rendus"), comptes["avis"], None),
                (_("Intercommunalités concernées"), comptes["documents"], None),
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
            ngettext(
                "%(nombre)s observation ou étude partagée.",
                "%(nombre)s observations ou études partagées.",
                observations["total"],
            )
            % {"nombre": nombre(observations["total"])},
            [
                (_("Observations des besoins"), observations["total"] - observations["etudes"], None),
                (_("Études spécifiques"), observations["etudes"], None),
                (_("Conférences ayant partagé"), observations["conferences"], None),
            ],
        )
    )

    avancement = avancement_national(au, provisoire)
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
    suffixe = "&en_attente=1" if provisoire else ""
    taux_txt = "—" if totaux["taux"] is None else pourcentage(totaux["taux"], 1)
    clauses.append(
        EtatClause(
            5,
            "objectifs",
            "",
            etat_obj,
            ngettext(
                "%(nombre)s objectif convenu ; taux de réalisation global %(taux)s.",
                "%(nombre)s objectifs convenus ; taux de réalisation global %(taux)s.",
                nb_objectifs,
            )
            % {"nombre": nombre(nb_objectifs), "taux": taux_txt},
            [(libelle, n, f"/objectifs/?statut={code}{suffixe}") for libelle, code, n in statuts],
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
        "nb_en_attente": Objectif.objects.aggregate(n=Coalesce(Sum("nb_en_attente"), 0))["n"],
        "dans_dispositif": dans_dispositif,
        "nb_entrees": EntreePhase.objects.au(au).count(),
        # The closed years, said on the dashboard and in the national report ({année: ClotureAnnee}).
        "clotures": clotures(),
    }
