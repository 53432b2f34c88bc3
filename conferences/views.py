from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from engagements.services import objectifs_pour, synthese_objectifs
from partenariat.listes import ListeView
from partenariat.models import periode_courante

from .filters import ConferenceFilter
from .models import ConferenceTerritoriale, MembreConference
from .tables import ConferenceTable


class ConferenceListView(ListeView):
    table_class = ConferenceTable
    filterset_class = ConferenceFilter
    titre = "Conférences territoriales"
    introduction = (
        "Les conférences installées par les partenaires sociaux sur leurs bassins d'emploi, "
        "au regard du délai de six mois fixé par le protocole."
    )
    export_name = "conferences-territoriales"

    def get_queryset(self):
        return ConferenceTerritoriale.objects.pour_liste(periode_courante().date_limite_installation).order_by("nom")


class ConferenceDetailView(LoginRequiredMixin, TemplateView):
    template_name = "conferences/conference_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periode = periode_courante()
        conference = get_object_or_404(
            ConferenceTerritoriale.objects.pour_liste(periode.date_limite_installation), pk=self.kwargs["pk"]
        )
        membres = list(conference.membres.order_by("college", "organisation", "nom"))
        objectifs = list(objectifs_pour(conference=conference))
        context.update(
            conference=conference,
            periode=periode,
            date_limite=periode.date_limite_installation,
            membres_par_college=[
                (libelle, [m for m in membres if m.college == code])
                for code, libelle in MembreConference.College.choices
            ],
            reunions=conference.reunions.order_by("-date"),
            associations=conference.associations.select_related("intercommunalite").order_by("-date_sollicitation"),
            observations=conference.observations.order_by("-date"),
            objectifs=objectifs,
            synthese=synthese_objectifs(objectifs, periode.annees),
        )
        return context
