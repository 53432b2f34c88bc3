"""The area report: what the area page shows, as an A4 PDF an elected official can circulate."""

from django.db.models import Q
from django.utils import timezone

from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation
from engagements.services import objectifs_pour, realisations_de, serie_cumulee, synthese_objectifs
from partenariat.commun import graphiques
from partenariat.commun.pdf import nom_de_fichier, rendre_html, rendre_pdf
from partenariat.models import periode_courante
from partenariat.pilotage.reports import contexte_document

from .models import AireUrbaine


def contexte_aire(aire, au=None):
    """The area page's data as of `au` (today by default), computed by the same querysets and services."""
    au = au or timezone.localdate()
    periode = periode_courante()
    aire = AireUrbaine.objects.select_related("zonage", "entree_phase__phase").avec_synthese(au).get(pk=aire.pk)
    objectifs = list(objectifs_pour(aire=aire, au=au))
    synthese = synthese_objectifs(objectifs, periode.annees)
    intercommunalites = list(aire.intercommunalites())
    titre = f"Rapport d'avancement — {aire.nom} (aire urbaine {aire.code})"
    contexte = contexte_document(
        titre=titre,
        perimetre=f"Aire urbaine {aire.code} « {aire.nom} » : déploiement, conférence, programmation, "
        "observation et objectifs partagés.",
        description=f"Avancement du protocole-cadre du 27 juin 2012 dans l'aire urbaine de {aire.nom} ({aire.code}).",
        mots_cles=["aire urbaine", aire.nom, aire.code],
        au=au,
        sommaire=[
            ("identite", "Identité et déploiement"),
            ("conference", "Conférence territoriale"),
            ("objectifs", "Objectifs partagés et avancement"),
            ("programmation", "Travaux de programmation"),
            ("observations", "Observations et études partagées"),
        ],
    )
    contexte.update(
        aire=aire,
        periode=periode,
        date_limite=periode.date_limite_installation,
        departements=aire.departements(),
        conferences=list(
            ConferenceTerritoriale.objects.filter(aires=aire)
            .avec_etat_installation(periode.date_limite_installation, au)
            .order_by("nom")
        ),
        intercommunalites=intercommunalites,
        associations=list(
            AssociationProgrammation.objects.filter(
                Q(intercommunalite__in=intercommunalites) | Q(conference__aires=aire)
            )
            .distinct()
            .select_related("intercommunalite", "conference")
            .order_by("intercommunalite__nom", "document")
        ),
        observations=list(Observation.objects.filter(aires=aire).select_related("conference").order_by("-date")),
        objectifs=objectifs,
        synthese=synthese,
        graphique_barres=graphiques.barres_par_dispositif(
            [(ligne.libelle, ligne.cible, ligne.realise) for ligne in synthese["lignes"]],
            titre=f"Cible et réalisé par dispositif — {aire.nom}",
        ),
        graphique_courbe=graphiques.courbe_avancement(
            serie_cumulee(realisations_de(objectifs_pour(aire=aire)), au),
            cible=synthese["cible"] or None,
            titre=f"Réalisations cumulées — {aire.nom}",
        ),
        graphique_jauge=graphiques.jauge(synthese["taux"], titre=f"Taux de réalisation — {aire.nom}"),
    )
    return contexte


def html_aire(aire, au=None):
    return rendre_html("aires_urbaines/pdf/aire.html", contexte_aire(aire, au))


def render_aire_pdf(aire, au=None):
    """(filename, PDF bytes) of the area report, as of `au` (today by default)."""
    return nom_de_fichier("rapport-aire", aire.code, aire.nom), rendre_pdf(html_aire(aire, au))
