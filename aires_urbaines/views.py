from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation
from engagements.services import objectifs_pour, realisations_de, serie_cumulee, synthese_objectifs
from partenariat.commun.graphiques import barres_par_dispositif, courbe_avancement
from partenariat.commun.listes import DateDeReferenceMixin, ListeView
from partenariat.demo import DEPARTEMENTS_POLES
from partenariat.models import periode_courante

from .carte import MESSAGE_SANS_CONTOURS, render_carte_aires
from .filters import AireUrbaineFilter
from .models import AireUrbaine, PhaseDeploiement
from .tables import AireUrbaineTable


class AireUrbaineListView(DateDeReferenceMixin, ListeView):
    template_name = "aires_urbaines/aire_list.html"
    table_class = AireUrbaineTable
    filterset_class = AireUrbaineFilter
    titre = "Aires urbaines"
    introduction = (
        "Les aires urbaines (zonage INSEE 2010), leur place dans le déploiement du protocole et leurs objectifs."
    )
    export_name = "aires-urbaines"

    def get_queryset(self):
        return AireUrbaine.objects.avec_synthese(self.au).order_by("code")


class AireUrbaineDetailView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    template_name = "aires_urbaines/aire_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        aire = get_object_or_404(
            AireUrbaine.objects.select_related("zonage", "entree_phase__phase").avec_synthese(self.au),
            code=self.kwargs["code"],
        )
        periode = periode_courante()
        objectifs = list(objectifs_pour(aire=aire, au=self.au))
        synthese = synthese_objectifs(objectifs, periode.annees)
        intercommunalites = aire.intercommunalites()
        context.update(
            aire=aire,
            periode=periode,
            departements=aire.departements(),
            conferences=ConferenceTerritoriale.objects.filter(aires=aire).order_by("nom"),
            intercommunalites=intercommunalites,
            associations=AssociationProgrammation.objects.filter(
                Q(intercommunalite__in=intercommunalites) | Q(conference__aires=aire)
            )
            .distinct()
            .select_related("intercommunalite", "conference")
            .order_by("intercommunalite__nom", "document"),
            observations=Observation.objects.filter(aires=aire).select_related("conference").order_by("-date"),
            synthese=synthese,
            objectifs=objectifs,
            graphique_barres=barres_par_dispositif(
                [(ligne.libelle, ligne.cible, ligne.realise) for ligne in synthese["lignes"]],
                titre=f"Objectifs de l'aire de {aire.nom} : cible et réalisé par dispositif",
            ),
            graphique_courbe=courbe_avancement(
                serie_cumulee(realisations_de(objectifs_pour(aire=aire)), self.au),
                cible=synthese["cible"] or None,
                titre=f"Réalisations cumulées de l'aire de {aire.nom}",
            ),
        )
        return context


class CarteView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    """Metropolitan France with its urban areas, coloured by rollout phase or by completion rate."""

    template_name = "aires_urbaines/carte.html"
    MODES = {"phase": "par phase de déploiement", "avancement": "par taux de réalisation"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = self.request.GET.get("mode", "phase")
        mode = mode if mode in self.MODES else "phase"
        aires = list(
            AireUrbaine.objects.avec_synthese(self.au)
            .filter(Q(categorie=AireUrbaine.Categorie.GRANDE) | Q(entree_phase__isnull=False))
            .order_by("-population")
        )
        lignes = [
            {
                "id": aire.pk,
                "code": aire.code,
                "nom": aire.nom,
                "population": aire.population,
                "phase": aire.phase_libelle,
                "taux": aire.taux,
                "departement": DEPARTEMENTS_POLES.get(aire.code),
            }
            for aire in aires
        ]
        context.update(
            mode=mode,
            modes=self.MODES,
            carte=render_carte_aires(
                lignes,
                mode=mode,
                titre=f"Aires urbaines {self.MODES[mode]} au {self.au:%d/%m/%Y}",
                phases=PhaseDeploiement.objects.values_list("libelle", flat=True),
            ),
            message_carte=MESSAGE_SANS_CONTOURS,
            aires=aires,
        )
        return context
