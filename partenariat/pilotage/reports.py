"""The three PDF reports (area, conference, national) and what they share: cover, data date, metadata.

Every figure comes from the code the web pages use (the protocol dashboard, the QuerySet annotations of
engagements, engagements.services); this module only gathers them and hands them to a template.
"""

import datetime

from django.db.models import Count, DateTimeField, F, Max, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from aires_urbaines.models import AireUrbaine
from conferences.models import (
    AssociationProgrammation,
    ConferenceTerritoriale,
    EtatInstallation,
    MembreConference,
    Observation,
    Reunion,
)
from engagements.avancement import Statut, agreger_avancement, expressions_avancement, taux_realisation
from engagements.models import Objectif, Realisation, RevisionCible
from engagements.services import realisations_de, serie_cumulee
from partenariat.commun import graphiques
from partenariat.commun.pdf import nom_de_fichier, rendre_html, rendre_pdf
from partenariat.models import periode_courante

from .contextes import contexte_aire, contexte_conference
from .tableau import etat_deploiement, etat_du_protocole

AUTEUR = gettext_lazy("Suivi du protocole-cadre Action Logement × associations d'élus")
MOTS_CLES_COMMUNS = [gettext_lazy("protocole-cadre 2012"), "Action Logement", "UESL", "AdCF", "AMGVF", "ACUF"]
_EPOQUE = datetime.datetime(2012, 1, 1, tzinfo=datetime.UTC)
# Every model whose changes alter a report, each with its history table.
_MODELES_SUIVIS = (
    Objectif,
    Realisation,
    ConferenceTerritoriale,
    MembreConference,
    Reunion,
    AssociationProgrammation,
    Observation,
)


def date_des_donnees():
    """When the tracked data last changed (an achievement recorded, any change kept in the history), or None.

    One query whatever the volume: each history table's latest date, compared in the database.
    """
    dernieres = [
        Coalesce(
            Subquery(modele.history.order_by("-history_date").values("history_date")[:1]),
            Value(_EPOQUE),
            output_field=DateTimeField(),
        )
        for modele in _MODELES_SUIVIS
    ]
    derniere = Realisation.objects.aggregate(
        date=Greatest(Coalesce(Max("saisi_le"), Value(_EPOQUE), output_field=DateTimeField()), *dernieres)
    )["date"]
    if derniere is None or derniere <= _EPOQUE:
        return None
    return timezone.localtime(derniere).date() if timezone.is_aware(derniere) else derniere.date()


def contexte_document(*, titre, perimetre, description, mots_cles, au, sommaire, provisoire=False):
    """What the shared layout (templates/partenariat/pdf/base.html) needs: cover, running header, metadata.

    A report of provisional figures says so on its cover and in its title, which every page's header repeats.
    """
    etabli_le = timezone.localtime().replace(microsecond=0)
    if provisoire:
        titre = _("%(titre)s (chiffres provisoires)") % {"titre": titre}
    return {
        "titre": titre,
        "provisoire": provisoire,
        "perimetre": perimetre,
        "description": description,
        "mots_cles": [*mots_cles, *MOTS_CLES_COMMUNS],
        "auteur": AUTEUR,
        "au": au,
        "donnees_au": date_des_donnees(),
        "etabli_le": etabli_le,
        "etabli_le_iso": etabli_le.isoformat(),
        "protocole": periode_courante(),
        "sommaire": sommaire,
    }


def lignes_barres(lignes):
    """(libellé, cible, réalisé) for `graphiques.barres_par_dispositif`, from rows carrying those three values."""
    return [(ligne["libelle"], ligne["cible"], ligne["realise"]) for ligne in lignes]


# --- National report ------------------------------------------------------------------------------------------


def date_du_rapport_national(annee=None, aujourd_hui=None):
    """The date the national report describes: the end of its year (or of the period), today at the latest."""
    protocole = periode_courante()
    aujourd_hui = aujourd_hui or timezone.localdate()
    fin = datetime.date(annee, 12, 31) if annee else protocole.fin_periode
    return min(aujourd_hui, fin)


def objectifs_du_perimetre(au, annee=None):
    """Objectives agreed by `au` (of `annee` only, if given): the national report's and the list's scope."""
    objectifs = Objectif.objects.convenus_au(au)
    return objectifs.filter(annee=annee) if annee else objectifs


def par_aire(objectifs, au, provisoire=False):
    """One row per area of `objectifs`: phase, objectives, target, achieved, rate, late ones; ONE grouped query.

    The achieved quantity and the status are the pages' (`expressions_avancement`), read from each objective's
    running totals. An area is behind schedule under the dashboard's rule for the fifth commitment: more
    than half of its objectives late or without any achievement.
    """
    avancement = expressions_avancement(au, provisoire)
    lignes = list(
        objectifs.alias(realise_objectif=avancement["realise"], statut_objectif=avancement["statut"])
        .order_by("aire__code")
        .values(
            "aire__code",
            "aire__nom",
            "aire__entree_phase__phase__ordre",
            "aire__entree_phase__phase__libelle",
            "aire__entree_phase__date_entree",
        )
        .annotate(
            nb_objectifs=Count("pk"),
            cible=Coalesce(Sum("cible"), 0),
            realise=Coalesce(Sum("realise_objectif"), 0),
            nb_en_retard=Count("pk", filter=Q(statut_objectif=Statut.EN_RETARD)),
            nb_sans_realisation=Count("pk", filter=Q(statut_objectif=Statut.SANS_REALISATION)),
        )
    )
    for ligne in lignes:
        entree = ligne.pop("aire__entree_phase__date_entree")
        ordre, libelle = ligne.pop("aire__entree_phase__phase__ordre"), ligne.pop("aire__entree_phase__phase__libelle")
        ligne["code"], ligne["nom"] = ligne.pop("aire__code"), ligne.pop("aire__nom")
        dans_le_dispositif = entree is not None and entree <= au
        ligne["phase"], ligne["phase_ordre"] = (libelle, ordre) if dans_le_dispositif else (None, None)
        ligne["taux"] = taux_realisation(ligne["realise"], ligne["cible"])
        ligne["nb_retard"] = ligne["nb_en_retard"] + ligne["nb_sans_realisation"]
        ligne["en_retard"] = ligne["nb_retard"] > ligne["nb_objectifs"] / 2
    # By phase (the report prints one table per phase), areas outside the scheme last.
    return sorted(lignes, key=lambda ligne: (ligne["phase"] is None, ligne["phase_ordre"] or 0, ligne["code"]))


def revisions_du_perimetre(objectifs):
    """Every target revision of `objectifs`, by area, year and scheme, oldest first, in one query.

    The report lists them with their reasons: a late objective never turns on time by a silent change of target.
    """
    return list(
        RevisionCible.objects.filter(objectif__in=objectifs.values("pk"))
        .select_related("objectif__aire")
        .order_by("objectif__aire__code", "objectif__annee", "objectif__dispositif", "objectif__unite", "revisee_le")
    )


def conferences_et_delais(au):
    """Every conference with its installation state against the deadline on `au`, by installation date."""
    date_limite = periode_courante().date_limite_installation
    return list(
        ConferenceTerritoriale.objects.avec_etat_installation(date_limite, au)
        .only("pk", "nom", "date_installation")
        .order_by(F("date_installation").asc(nulls_last=True), "nom")
    )


def contexte_national(annee=None, au=None, provisoire=False):
    """Everything the national report shows, for one year of the period or the whole period.

    Its figures count validated achievements, or with `provisoire` the pending ones too.
    """
    protocole = periode_courante()
    au = au or date_du_rapport_national(annee)
    etat = etat_du_protocole(au, provisoire)
    _etat_dep, phases, dans_dispositif, grandes = etat_deploiement(au)

    perimetre = objectifs_du_perimetre(au, annee)
    avancement = agreger_avancement(perimetre, au, provisoire)
    totaux, statuts = avancement["totaux"], avancement["statuts"]
    dispositifs = [
        {**ligne, "libelle": libelle, "taux": taux_realisation(ligne["realise"], ligne["cible"])}
        for libelle, ligne in avancement["par_dispositif"]
    ]
    aires = par_aire(perimetre, au, provisoire)
    aires_en_retard = [ligne for ligne in aires if ligne["en_retard"]]
    sans_objectif = list(
        AireUrbaine.objects.dans_le_dispositif_au(au).exclude(pk__in=perimetre.values("aire")).order_by("code")
    )
    conferences = conferences_et_delais(au)
    serie = serie_cumulee(realisations_de(perimetre, provisoire), au, provisoire)

    if annee:
        valeurs = {"annee": annee}
        periode, la_periode = _("année %(annee)s") % valeurs, _("l'année %(annee)s") % valeurs
        de_la_periode = _("de l'année %(annee)s") % valeurs
    else:
        valeurs = {"debut": protocole.annee_debut, "fin": protocole.annee_fin}
        periode, la_periode = _("période %(debut)s–%(fin)s") % valeurs, _("la période %(debut)s–%(fin)s") % valeurs
        de_la_periode = _("de la période %(debut)s–%(fin)s") % valeurs
    titre = _("Rapport national d'avancement — %(periode)s") % {"periode": periode}
    sommaire = [
        ("synthese", _("Synthèse")),
        ("engagements", _("Les cinq engagements du protocole")),
        ("deploiement", _("Déploiement par phase")),
        ("conferences", _("Conférences territoriales et délai d'installation")),
        ("dispositifs", _("Objectifs et réalisations par dispositif")),
        ("aires", _("Objectifs et réalisations par aire urbaine")),
        ("revisions", _("Cibles révisées")),
        ("retards", _("Aires en retard")),
    ]
    contexte = contexte_document(
        titre=titre,
        perimetre=_(
            "Ensemble des aires urbaines et des conférences territoriales ; objectifs %(de_la_periode)s "
            "convenus à la date du rapport."
        )
        % {"de_la_periode": de_la_periode},
        description=_(
            "État des cinq engagements du protocole-cadre du 27 juin 2012 et avancement des objectifs, %(periode)s."
        )
        % {"periode": periode},
        mots_cles=[_("rapport national"), str(annee or f"{protocole.annee_debut}-{protocole.annee_fin}")],
        au=au,
        sommaire=sommaire,
        provisoire=provisoire,
    )
    contexte.update(
        annee=annee,
        libelle_periode=periode,
        la_periode=la_periode,
        de_la_periode=de_la_periode,
        clauses=etat["clauses"],
        clotures=etat["clotures"],
        date_limite=etat["date_limite"],
        phases=phases,
        dans_dispositif=dans_dispositif,
        grandes=grandes,
        # On-time conferences are only counted: the late ones are what the report is read for (and a full-France
        # list would add ten pages).
        conferences_hors_delai=[c for c in conferences if c.etat_installation != EtatInstallation.A_L_HEURE],
        nb_conferences={
            code: sum(conference.etat_installation == code for conference in conferences)
            for code in EtatInstallation.values
        },
        totaux=totaux,
        statuts=statuts,
        nb_objectifs=sum(n for _libelle, _code, n in statuts),
        nb_en_retard_total=sum(
            n for _libelle, code, n in statuts if code in (Statut.EN_RETARD, Statut.SANS_REALISATION)
        ),
        dispositifs=dispositifs,
        aires=aires,
        aires_en_retard=aires_en_retard,
        revisions=revisions_du_perimetre(perimetre),
        aires_sans_objectif=sans_objectif,
        nb_realisations=realisations_de(perimetre, provisoire).filter(date__lte=au).count(),
        graphique_barres=graphiques.barres_par_dispositif(
            lignes_barres(dispositifs), titre=_("Cible et réalisé par dispositif — %(periode)s") % {"periode": periode}
        ),
        graphique_courbe=graphiques.courbe_avancement(
            serie,
            cible=totaux["cible_totale"] or None,
            titre=_("Réalisations cumulées — %(periode)s") % {"periode": periode},
        ),
        graphique_jauge=graphiques.jauge(totaux["taux"], titre=_("Taux de réalisation national")),
    )
    return contexte


def html_national(annee=None, au=None, provisoire=False):
    return rendre_html("partenariat/pdf/national.html", contexte_national(annee, au, provisoire))


def suffixe_provisoire(provisoire):
    """The last part of a provisional report's file name, as the lists' exports end theirs (none otherwise)."""
    return (pgettext("nom de fichier", "provisoire"),) if provisoire else ()


def render_national_pdf(annee=None, au=None, provisoire=False):
    """(filename, PDF bytes) of the national report for `annee`, or for the whole period when None."""
    protocole = periode_courante()
    periode = annee or f"{protocole.annee_debut}-{protocole.annee_fin}"
    nom = nom_de_fichier(pgettext("nom de fichier", "rapport-national"), periode, *suffixe_provisoire(provisoire))
    return nom, rendre_pdf(html_national(annee, au, provisoire))


def html_aire(aire, au=None, provisoire=False):
    """The area page's context (`contexte_aire`) with the document's cover, as HTML for the renderer."""
    contexte = contexte_aire(au, provisoire, pk=aire.pk)
    aire = contexte["aire"]
    contexte.update(
        contexte_document(
            titre=_("Rapport d'avancement — %(nom)s (aire urbaine %(code)s)") % {"nom": aire.nom, "code": aire.code},
            perimetre=_(
                "Aire urbaine %(code)s « %(nom)s » : déploiement, conférence, programmation, "
                "observation et objectifs partagés."
            )
            % {"nom": aire.nom, "code": aire.code},
            description=_("Avancement du protocole-cadre du 27 juin 2012 dans l'aire urbaine de %(nom)s (%(code)s).")
            % {"nom": aire.nom, "code": aire.code},
            mots_cles=[_("aire urbaine"), aire.nom, aire.code],
            au=contexte["au"],
            sommaire=[
                ("identite", _("Identité et déploiement")),
                ("conference", _("Conférence territoriale")),
                ("objectifs", _("Objectifs partagés et avancement")),
                ("programmation", _("Travaux de programmation")),
                ("observations", _("Observations et études partagées")),
            ],
            provisoire=provisoire,
        )
    )
    return rendre_html("aires_urbaines/pdf/aire.html", contexte)


def render_aire_pdf(aire, au=None, provisoire=False):
    """(filename, PDF bytes) of the area report, as of `au` (today by default)."""
    nom = nom_de_fichier(
        pgettext("nom de fichier", "rapport-aire"), aire.code, aire.nom, *suffixe_provisoire(provisoire)
    )
    return nom, rendre_pdf(html_aire(aire, au, provisoire))


def html_conference(conference, au=None, provisoire=False):
    """The conference page's context (`contexte_conference`) with the document's cover, as HTML."""
    contexte = contexte_conference(au, provisoire, pk=conference.pk)
    conference = contexte["conference"]
    contexte.update(
        contexte_document(
            titre=_("Rapport d'avancement — %(nom)s") % {"nom": conference.nom},
            perimetre=_(
                "Conférence territoriale : bassins d'emploi et aires urbaines couverts, membres, réunions, "
                "travaux de programmation, observations et objectifs de ses aires."
            ),
            description=_(
                "Activité de la conférence territoriale « %(nom)s » et avancement des objectifs de ses aires urbaines."
            )
            % {"nom": conference.nom},
            mots_cles=[_("conférence territoriale"), conference.nom],
            au=contexte["au"],
            sommaire=[
                ("perimetre", _("Installation et périmètre")),
                ("membres", _("Membres par collège")),
                ("reunions", _("Réunions")),
                ("programmation", _("Association aux travaux de programmation")),
                ("observations", _("Observations partagées")),
                ("objectifs", _("Objectifs et avancement de ses aires")),
            ],
            provisoire=provisoire,
        )
    )
    return rendre_html("conferences/pdf/conference.html", contexte)


def render_conference_pdf(conference, au=None, provisoire=False):
    """(filename, PDF bytes) of the conference report, as of `au` (today by default)."""
    nom = nom_de_fichier(
        pgettext("nom de fichier", "rapport-conference"), conference.pk, conference.nom, *suffixe_provisoire(provisoire)
    )
    return nom, rendre_pdf(html_conference(conference, au, provisoire))
