from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from partenariat.listes import DateDeReferenceMixin, ListeView

from .filters import ObjectifFilter
from .models import Objectif
from .tables import ObjectifTable


class ObjectifListView(DateDeReferenceMixin, ListeView):
    table_class = ObjectifTable
    filterset_class = ObjectifFilter
    titre = "Objectifs partagés"
    introduction = (
        "Les objectifs convenus par aire, dispositif et année, et leur avancement mesuré par les réalisations."
    )
    export_name = "objectifs"

    def get_queryset(self):
        return Objectif.objects.convenus_au(self.au).pour_liste(self.au)


class ObjectifDetailView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    template_name = "engagements/objectif_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objectif = get_object_or_404(Objectif.objects.pour_liste(self.au), pk=self.kwargs["pk"])
        context.update(
            objectif=objectif,
            realisations=objectif.realisations.select_related("saisi_par").order_by("-date", "-pk"),
        )
        return context
