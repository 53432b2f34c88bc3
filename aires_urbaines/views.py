from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from conferences.models import AssociationProgrammation, ConferenceTerritoriale, Observation
from engagements.services import objectifs_pour, realisations_de, serie_cumulee, synthese_objectifs
from partenariat.listes import DateDeReferenceMixin, ListeView
from partenariat.models import periode_courante

from .filters import AireUrbaineFilter
from .models import AireUrbaine
from .tables import AireUrbaineTable


class AireUrbaineListView(DateDeReferenceMixin, ListeView):
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
            synthese=synthese_objectifs(objectifs, periode.annees),
            objectifs=objectifs,
            serie=serie_cumulee(realisations_de(objectifs_pour(aire=aire)), self.au),
        )
        return context
