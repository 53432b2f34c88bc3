"""The conference report: its territory, members, meetings, programming work and its areas' objectives."""

from django.utils import timezone

from aires_urbaines.models import AireUrbaine
from engagements.models import taux_realisation
from engagements.services import objectifs_pour, realisations_de, serie_cumulee, synthese_objectifs
from partenariat.commun import graphiques
from partenariat.commun.pdf import nom_de_fichier, rendre_html, rendre_pdf
from partenariat.models import periode_courante
from partenariat.pilotage.reports import contexte_document

from .models import ConferenceTerritoriale, MembreConference


def sommer(objectifs):
    """A scheme-year cell over all the conference's areas: one figure, where the area report lists each objective."""
    if not objectifs:
        return None
    cible = sum(objectif.cible for objectif in objectifs)
    realise = sum(objectif.realise for objectif in objectifs)
    return {"cible": cible, "realise": realise, "taux": taux_realisation(realise, cible)}


def contexte_conference(conference, au=None):
    """The conference page's data as of `au` (today by default), from the same querysets and services."""
    au = au or timezone.localdate()
    periode = periode_courante()
    date_limite = periode.date_limite_installation
    conference = ConferenceTerritoriale.objects.pour_liste(date_limite, au).get(pk=conference.pk)
    membres = list(conference.membres.order_by("college", "organisation", "nom"))
    objectifs = list(objectifs_pour(conference=conference, au=au))
    synthese = synthese_objectifs(objectifs, periode.annees)
    for ligne in synthese["lignes"]:
        ligne.sommes = [sommer(cellule) for cellule in ligne.colonnes]
    contexte = contexte_document(
        titre=f"Rapport d'avancement — {conference.nom}",
        perimetre="Conférence territoriale : bassins d'emploi et aires urbaines couverts, membres, réunions, "
        "travaux de programmation, observations et objectifs de ses aires.",
        description=f"Activité de la conférence territoriale « {conference.nom} » et avancement des objectifs "
        "de ses aires urbaines.",
        mots_cles=["conférence territoriale", conference.nom],
        au=au,
        sommaire=[
            ("perimetre", "Installation et périmètre"),
            ("membres", "Membres par collège"),
            ("reunions", "Réunions"),
            ("programmation", "Association aux travaux de programmation"),
            ("observations", "Observations partagées"),
            ("objectifs", "Objectifs et avancement de ses aires"),
        ],
    )
    contexte.update(
        conference=conference,
        periode=periode,
        date_limite=date_limite,
        membres_par_college=[
            (libelle, [membre for membre in membres if membre.college == code])
            for code, libelle in MembreConference.College.choices
        ],
        reunions=list(conference.reunions.order_by("date")),
        associations=list(
            conference.associations.select_related("intercommunalite").order_by("date_sollicitation", "pk")
        ),
        observations=list(conference.observations.order_by("-date")),
        aires=list(AireUrbaine.objects.filter(conferences=conference).avec_synthese(au).order_by("code")),
        objectifs=objectifs,
        synthese=synthese,
        graphique_barres=graphiques.barres_par_dispositif(
            [(ligne.libelle, ligne.cible, ligne.realise) for ligne in synthese["lignes"]],
            titre="Cible et réalisé par dispositif — aires de la conférence",
        ),
        graphique_courbe=graphiques.courbe_avancement(
            serie_cumulee(realisations_de(objectifs_pour(conference=conference)), au),
            cible=synthese["cible"] or None,
            titre="Réalisations cumulées — aires de la conférence",
        ),
        graphique_jauge=graphiques.jauge(synthese["taux"], titre="Taux de réalisation des aires de la conférence"),
    )
    return contexte


def html_conference(conference, au=None):
    return rendre_html("conferences/pdf/conference.html", contexte_conference(conference, au))


def render_conference_pdf(conference, au=None):
    """(filename, PDF bytes) of the conference report, as of `au` (today by default)."""
    return (
        nom_de_fichier("rapport-conference", conference.pk, conference.nom),
        rendre_pdf(html_conference(conference, au)),
    )
