"""Alerts page, following areas and conferences, digest preferences and the signed unsubscribe link."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.commun.listes import FORMATS_EXPORT, TAILLES_PAGE, ExportTableur, PaginateurPlafonne
from partenariat.roles import a_portee_nationale

from . import services
from .calcul import LIBELLES_GENRES, calculer_alertes, decompte_par_genre
from .forms import FiltreAlertesForm, PreferencesForm
from .models import Suivi
from .resumes import lire_jeton_desabonnement
from .tables import AlerteTable


class AlerteListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, TemplateView):
    """The alerts that concern the signed-in person on a date, filtered in the URL, exportable."""

    template_name = "alertes/alerte_list.html"
    table_class = AlerteTable
    export_class = ExportTableur
    export_formats = FORMATS_EXPORT
    export_name = "alertes"

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get(self.export_trigger_param)
        if export_format and not self.export_class.is_valid_format(export_format):
            message = _("Ce format d'export n'est pas proposé : choisissez CSV, XLSX ou ODS.")
            return render(request, "400.html", {"message": message, "retour": request.path}, status=400)
        user = request.user
        self.tout_propose = services.peut_tout_voir(user) and not a_portee_nationale(user)
        self.form = FiltreAlertesForm(request.GET or None, tout_propose=self.tout_propose)
        filtres = self.form.cleaned_data if self.form.is_valid() else {}
        self.au = filtres.get("date") or timezone.localdate()
        self.tout_applique = self.tout_propose and filtres.get("tout", False)
        self.alertes_portee, self.alertes = self.calculer(user, filtres)
        if not filtres.get("date") and not filtres.get("tout"):
            services.retenir_decompte(user, len(self.alertes_portee))
        return super().get(request, *args, **kwargs)

    def calculer(self, user, filtres):
        """(every alert of the person's scope, those the filters keep)."""
        portee = services.portee_de(user, tout=filtres.get("tout", False))
        options = {"file_validation": services.ouvre_la_file(user), "date_choisie": bool(filtres.get("date"))}
        toutes = calculer_alertes(self.au, portee, **options)
        retenues = toutes
        aire, conference = filtres.get("aire", "").strip(), filtres.get("conference")
        if aire:
            ids = set(
                AireUrbaine.objects.filter(code__iexact=aire).values_list("pk", flat=True)
                or AireUrbaine.objects.filter(nom__icontains=aire).values_list("pk", flat=True)
            )
            retenues = [a for a in retenues if a.aire_id in ids]
        if conference:
            aires = set(conference.aires.values_list("pk", flat=True))
            retenues = [a for a in retenues if conference.pk in a.conferences or a.aire_id in aires]
        if filtres.get("genre"):
            retenues = [a for a in retenues if a.genre == filtres["genre"]]
        if filtres.get("gravite"):
            retenues = [a for a in retenues if a.gravite == filtres["gravite"]]
        return toutes, retenues

    def get_table_data(self):
        return self.alertes

    def get_table_pagination(self, table):
        return {"per_page": TAILLES_PAGE[0], "paginator_class": PaginateurPlafonne}

    def get_table_kwargs(self):
        return {"attrs": {"class": "table"}}

    def get_export_filename(self, export_format):
        return f"alertes-{self.au.isoformat()}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        comptes = decompte_par_genre(self.alertes)
        context.update(
            titre=_("Alertes"),
            filter=SimpleNamespace(form=self.form),
            formats_export=self.export_formats,
            tailles_page=TAILLES_PAGE,
            au=self.au,
            decompte=[(LIBELLES_GENRES[genre], n) for genre, n in comptes.items() if n],
            portee_nationale=services.portee_de(user).nationale,
            nb_suivis=Suivi.objects.filter(utilisateur=user).count(),
            tout_propose=self.tout_propose,
            tout_applique=self.tout_applique,
        )
        return context


def _retour(request, defaut):
    suivant = request.POST.get("suivant", "")
    if suivant and url_has_allowed_host_and_scheme(suivant, {request.get_host()}, request.is_secure()):
        return suivant
    return defaut


class SuivreView(LoginRequiredMixin, View):
    """POST only: follow (`suivre=1`) or stop following (`suivre=0`) an area or a conference."""

    http_method_names = ["post"]
    modele = None

    def post(self, request, *args, **kwargs):
        if self.modele is AireUrbaine:
            objet = get_object_or_404(AireUrbaine, code=kwargs["code"])
            cible = {"aire": objet}
        else:
            objet = get_object_or_404(ConferenceTerritoriale, pk=kwargs["pk"])
            cible = {"conference": objet}
        if request.POST.get("suivre") == "1":
            services.suivre(request.user, **cible)
            messages.success(request, _("Vous suivez désormais « %(nom)s ».") % {"nom": objet})
        elif request.POST.get("suivre") == "0":
            services.ne_plus_suivre(request.user, **cible)
            messages.success(request, _("Vous ne suivez plus « %(nom)s ».") % {"nom": objet})
        else:
            message = _("Demande incomplète : choisissez de suivre ou de ne plus suivre.")
            return render(request, "400.html", {"message": message, "retour": objet.get_absolute_url()}, status=400)
        return redirect(_retour(request, objet.get_absolute_url()))


class SuivisView(LoginRequiredMixin, TemplateView):
    template_name = "alertes/suivis.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        suivis = Suivi.objects.filter(utilisateur=self.request.user).select_related("aire", "conference")
        context["aires"] = [s.aire for s in suivis if s.aire_id]
        context["conferences"] = [s.conference for s in suivis if s.conference_id]
        context["preferences"] = services.preferences_de(self.request.user)
        context["elargit"] = services.peut_tout_voir(self.request.user)
        return context


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "alertes/preferences.html"
    form_class = PreferencesForm
    titre = gettext_lazy("Préférences")

    def get_initial(self):
        preferences = services.preferences_de(self.request.user)
        return {"email": self.request.user.email, "frequence_resume": preferences.frequence_resume}

    def form_valid(self, form):
        services.choisir_resume(self.request.user, form.cleaned_data["frequence_resume"], form.cleaned_data["email"])
        messages.success(self.request, _("Vos préférences sont enregistrées."))
        return redirect("preferences")


@method_decorator(csrf_exempt, name="dispatch")
class DesabonnementView(View):
    """The link of every digest: it works signed out, its signature is the proof (RFC 8058 one-click POST too).

    GET shows one button, so that a mail scanner following links unsubscribes nobody; POST unsubscribes.
    CSRF does not apply: the request carries its own proof, the signed token, and does nothing else.
    """

    def dispatch(self, request, *args, **kwargs):
        self.personne = lire_jeton_desabonnement(kwargs["jeton"])
        if self.personne is None:
            message = _(
                "Ce lien de désabonnement n'est pas valide : utilisez le lien complet du dernier courriel reçu."
            )
            return render(request, "400.html", {"message": message}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(request, "alertes/desabonnement.html", {"personne": self.personne, "fait": False})

    def post(self, request, *args, **kwargs):
        services.desabonner(self.personne)
        return render(request, "alertes/desabonnement.html", {"personne": self.personne, "fait": True})
