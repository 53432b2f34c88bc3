"""The reports page and the three PDF downloads, prepared by the task worker (preparation.py) from reports.py."""

import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.commun.listes import ChiffresMixin
from partenariat.models import periode_courante

from . import preparation
from .reports import date_des_donnees

# How often the waiting page asks again without JavaScript (seconds); the script asks every second.
INTERVALLE_ACTUALISATION = 3


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


class RapportPrepareMixin(LoginRequiredMixin, ChiffresMixin):
    """A report rendered by the task worker: the PDF when ready, otherwise a page saying it is being prepared.

    The page (202) reloads itself every few seconds without JavaScript (`?attente=1`, which then shows the ready
    report's link and starts its download) and shows progress with it (the same URL, asked for JSON). Both follow
    the report first asked for (`?rapport=<id>`), so that writes made meanwhile do not keep sending them after a
    newer version. A failed report says so and is prepared again only when asked (`?reessayer=1`).
    """

    def reponse_rapport(self, genre, parametre=""):
        reessayer = "reessayer" in self.request.GET
        rapport = None
        suivi = self.request.GET.get("rapport", "")
        if suivi.isascii() and suivi.isdigit() and len(suivi) < 19:
            rapport = preparation.suivre(genre, parametre, self.provisoire, int(suivi), reessayer)
        if rapport is None:
            rapport = preparation.demander(genre, parametre, provisoire=self.provisoire, reessayer=reessayer)
        if "application/json" in self.request.headers.get("Accept", ""):
            return self.sans_cache(JsonResponse(self.etat(rapport)))
        if rapport.etat == preparation.Etat.PRET and "attente" not in self.request.GET:
            octets = preparation.contenu(rapport)
            if octets is not None:
                reponse = reponse_pdf(rapport.nom_fichier, octets)
                patch_vary_headers(reponse, ["Accept"])
                return reponse
            # Replaced by a newer version between the two reads: that one is the report now.
            rapport = preparation.demander(genre, parametre, provisoire=self.provisoire)
        contexte = {
            "rapport": rapport,
            "etat": self.etat(rapport),
            "url_rapport": self.url(rapport),
            "url_attente": self.url(rapport, attente="1"),
            "url_reessayer": self.url(rapport, reessayer="1"),
            "intervalle": INTERVALLE_ACTUALISATION,
        }
        statut = {preparation.Etat.PRET: 200, preparation.Etat.ECHEC: 500}.get(rapport.etat, 202)
        reponse = render(self.request, "partenariat/rapport_en_preparation.html", contexte, status=statut)
        return self.sans_cache(reponse)

    @staticmethod
    def sans_cache(reponse):
        # One address answers a PDF, a page or JSON: a browser must never show one of them in place of another.
        add_never_cache_headers(reponse)
        patch_vary_headers(reponse, ["Accept"])
        return reponse

    def etat(self, rapport):
        depuis = rapport.commence_le or rapport.demande_le
        return {
            "etat": rapport.etat,
            "libelle": str(rapport.get_etat_display()),
            "pret": rapport.etat == preparation.Etat.PRET,
            "ecoule": round((timezone.now() - depuis).total_seconds(), 1),
            "attendu": preparation.duree_attendue(rapport),
            "url": self.url(rapport),
        }

    def url(self, rapport, **ajouts):
        """This address for `rapport`: the request's own parameters, the report followed, and `ajouts`."""
        parametres = self.request.GET.copy()
        for nom in ("attente", "reessayer", "rapport"):
            parametres.pop(nom, None)
        parametres["rapport"] = str(rapport.pk)
        parametres.update(ajouts)
        return f"{self.request.path}?{parametres.urlencode()}"


class RapportAireView(RapportPrepareMixin, View):
    def get(self, request, code):
        aire = get_object_or_404(AireUrbaine, code=code)
        return self.reponse_rapport(preparation.Genre.AIRE, aire.code)


class RapportConferenceView(RapportPrepareMixin, View):
    def get(self, request, pk):
        conference = get_object_or_404(ConferenceTerritoriale, pk=pk)
        return self.reponse_rapport(preparation.Genre.CONFERENCE, conference.pk)


class RapportNationalView(RapportPrepareMixin, View):
    """`?annee=AAAA` for one year of the period; without it, the whole period. `?en_attente=1`: provisional."""

    def get(self, request):
        brute = request.GET.get("annee", "").strip()
        annee = None
        if brute:
            # Four ASCII digits: str.isdigit() accepts « ² » (int() then fails) and 5,000 digits exceed int()'s limit.
            if not re.fullmatch("[0-9]{4}", brute) or int(brute) not in periode_courante().annees:
                raise Http404(_("Aucun rapport national pour l'année « %(annee)s ».") % {"annee": brute})
            annee = int(brute)
        return self.reponse_rapport(preparation.Genre.NATIONAL, annee or "")
