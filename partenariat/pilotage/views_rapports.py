"""The reports page and the three PDF downloads; the PDFs themselves are built by each app's reports.py."""

import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.commun.listes import ChiffresMixin
from partenariat.models import periode_courante
from partenariat.pilotage.reports import render_aire_pdf, render_conference_pdf

from .reports import date_des_donnees, render_national_pdf


def reponse_pdf(nom, contenu):
    """A downloaded PDF: private to the signed-in user, never cached by a shared proxy."""
    return HttpResponse(
        contenu,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, nom),
            "Cache-Control": "private, no-store",
        },
    )


class RapportsView(LoginRequiredMixin, ChiffresMixin, TemplateView):
    """Every report that can be exported, with the date of the data they are built from; `?en_attente=1` links to
    the provisional reports."""

    template_name = "partenariat/rapports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            periode=periode_courante(),
            donnees_au=date_des_donnees(),
            aires=AireUrbaine.objects.filter(entree_phase__isnull=False)
            .select_related("entree_phase__phase")
            .order_by(
                "entree_phase__phase__ordre", "entree_phase__phase__date_debut", "entree_phase__phase_id", "code"
            ),
            conferences=ConferenceTerritoriale.objects.only("pk", "nom", "date_installation").order_by("nom"),
        )
        return context


class RapportAireView(LoginRequiredMixin, ChiffresMixin, View):
    def get(self, request, code):
        aire = get_object_or_404(AireUrbaine, code=code)
        return reponse_pdf(*render_aire_pdf(aire, provisoire=self.provisoire))


class RapportConferenceView(LoginRequiredMixin, ChiffresMixin, View):
    def get(self, request, pk):
        conference = get_object_or_404(ConferenceTerritoriale, pk=pk)
        return reponse_pdf(*render_conference_pdf(conference, provisoire=self.provisoire))


class RapportNationalView(LoginRequiredMixin, ChiffresMixin, View):
    """`?annee=AAAA` for one year of the period; without it, the whole period. `?en_attente=1`: provisional."""

    def get(self, request):
        brute = request.GET.get("annee", "").strip()
        annee = None
        if brute:
            # Four ASCII digits: str.isdigit() accepts « ² » (int() then fails) and 5,000 digits exceed int()'s limit.
            if not re.fullmatch("[0-9]{4}", brute) or int(brute) not in periode_courante().annees:
                raise Http404(_("Aucun rapport national pour l'année « %(annee)s ».") % {"annee": brute})
            annee = int(brute)
        return reponse_pdf(*render_national_pdf(annee, provisoire=self.provisoire))
