from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class RapportsView(LoginRequiredMixin, TemplateView):
    template_name = "partenariat/rapports.html"
