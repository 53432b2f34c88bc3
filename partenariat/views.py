from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .models import Protocole


class TableauDeBordView(LoginRequiredMixin, TemplateView):
    template_name = "partenariat/tableau_de_bord.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["protocole"] = Protocole.objects.courant()
        return context
