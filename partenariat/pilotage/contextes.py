"""What the area and conference pages show, built once: the page and its PDF read the same function.

They compose every app (territory, conferences, objectives), so they live above all of them.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from aires_urbaines.models import AireUrbaine
from conferences.models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation
from engagements.annotations import annoter_aires, annoter_conferences
from engagements.avancement import taux_realisation
from engagements.services import clotures, objectifs_pour, realisations_de, serie_cumulee, synthese_objectifs
from partenariat.commun import graphiques
from partenariat.commun.dates import date_de_reference
from partenariat.models import periode_courante


def contexte_aire(au=None, provisoire=False, **cle):
    """The area's identity, conferences, programming, observations and objectives as of `au` (today by default).

    `cle` finds the area (`code=` from a URL, `pk=`); AireUrbaine.DoesNotExist when none matches. The figures count
    validated achievements, or with `provisoire` the pending ones too.
    """
    au = date_de_reference(au)
    periode = periode_courante()
    aire = annoter_aires(AireUrbaine.objects.select_related("zonage", "entree_phase__phase"), au, provisoire).get(**cle)
    objectifs = list(objectifs_pour(aire=aire, au=au, provisoire=provisoire))
    synthese = synthese_objectifs(objectifs, periode.annees)
    intercommunalites = list(aire.intercommunalites())
    return {
        "au": au,
        "provisoire": provisoire,
        "aire": aire,
        "periode": periode,
        "date_limite": periode.date_limite_installation,
        "departements": aire.departements(),
        "conferences": list(
            ConferenceTerritoriale.objects.filter(aires=aire)
            .avec_etat_installation(periode.date_limite_installation, au)
            .order_by("nom", "pk")
        ),
        "intercommunalites": intercommunalites,
        "associations": list(
            AssociationProgrammation.objects.filter(
                Q(intercommunalite__in=intercommunalites) | Q(conference__aires=aire)
            )
            .distinct()
            .select_related("intercommunalite", "conference")
            .order_by("intercommunalite__nom", "document", "pk")
        ),
        "observations": list(
            Observation.objects.filter(aires=aire).select_related("conference").order_by("-date", "-pk")
        ),
        "objectifs": objectifs,
        "synthese": synthese,
        "clotures": clotures(),
        "graphique_barres": graphiques.barres_par_dispositif(
            [(ligne.libelle, ligne.cible, ligne.realise) for ligne in synthese["lignes"]],
            titre=_("Cible et réalisé par dispositif — %(aire)s") % {"aire": aire.nom},
        ),
        "graphique_courbe": graphiques.courbe_avancement(
            serie_cumulee(realisations_de(objectifs_pour(aire=aire), provisoire), au, provisoire),
            cible=synthese["cible"] or None,
            titre=_("Réalisations cumulées — %(aire)s") % {"aire": aire.nom},
        ),
        "graphique_jauge": graphiques.jauge(
            synthese["taux"], titre=_("Taux de réalisation — %(aire)s") % {"aire": aire.nom}
        ),
    }


def sommer(objectifs):
    """A scheme-year cell over all the conference's areas: one figure, where the area report lists each objective."""
    if not objectifs:
        return None
    cible = sum(objectif.cible for objectif in objectifs)
    realise = sum(objectif.realise for objectif in objectifs)
    return {"cible": cible, "realise": realise, "taux": taux_realisation(realise, cible)}


def contexte_conference(au=None, provisoire=False, **cle):
    """The conference's perimeter, members, meetings, programming, observations and its areas' objectives.

    `cle` finds the conference (`pk=`); ConferenceTerritoriale.DoesNotExist when none matches. The figures count
    validated achievements, or with `provisoire` the pending ones too.
    """
    au = date_de_reference(au)
    periode = periode_courante()
    date_limite = periode.date_limite_installation
    conference = annoter_conferences(ConferenceTerritoriale.objects.pour_liste(date_limite, au)).get(**cle)
    membres = list(conference.membres.order_by("college", "organisation", "nom", "pk"))
    objectifs = list(objectifs_pour(conference=conference, au=au, provisoire=provisoire))
    synthese = synthese_objectifs(objectifs, periode.annees)
    for ligne in synthese["lignes"]:
        ligne.sommes = [sommer(cellule) for cellule in ligne.colonnes]
    return {
        "au": au,
        "provisoire": provisoire,
        "conference": conference,
        "periode": periode,
        "date_limite": date_limite,
        "membres_par_college": [
            (libelle, [membre for membre in membres if membre.college == code])
            for code, libelle in MembreConference.College.choices
        ],
        # Chronological, as minutes are read: the same order on the page and in the report.
        "reunions": list(conference.reunions.order_by("date", "pk")),
        "associations": list(
            conference.associations.select_related("intercommunalite").order_by("date_sollicitation", "pk")
        ),
        "observations": list(conference.observations.order_by("-date", "-pk")),
        "aires": list(
            annoter_aires(AireUrbaine.objects.filter(conferences=conference), au, provisoire).order_by("code")
        ),
        "objectifs": objectifs,
        "synthese": synthese,
        "clotures": clotures(),
        "graphique_barres": graphiques.barres_par_dispositif(
            [(ligne.libelle, ligne.cible, ligne.realise) for ligne in synthese["lignes"]],
            titre=_("Cible et réalisé par dispositif — aires de la conférence"),
        ),
        "graphique_courbe": graphiques.courbe_avancement(
            serie_cumulee(realisations_de(objectifs_pour(conference=conference), provisoire), au, provisoire),
            cible=synthese["cible"] or None,
            titre=_("Réalisations cumulées — aires de la conférence"),
        ),
        "graphique_jauge": graphiques.jauge(
            synthese["taux"], titre=_("Taux de réalisation des aires de la conférence")
        ),
    }
