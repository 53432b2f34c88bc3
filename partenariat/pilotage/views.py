"""The pages that show several apps at once: dashboard, rollout, areas (list, map, page), conferences (list, page)."""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from aires_urbaines.carte import DEPARTEMENTS_POLES, MESSAGE_SANS_CONTOURS, render_carte_aires
from aires_urbaines.filters import AireUrbaineFilter
from aires_urbaines.models import AireUrbaine, EntreePhase, PhaseDeploiement
from aires_urbaines.tables import AireUrbaineTable
from conferences.filters import ConferenceFilter
from conferences.models import ConferenceTerritoriale, EtatInstallation
from conferences.tables import ConferenceTable
from conferences.views import droits_conference, historique_conference
from engagements.annotations import annoter_aires, annoter_conferences
from engagements.avancement import avancement_national
from engagements.models import Objectif
from engagements.views import contexte_en_attente
from partenariat.alertes.services import suit
from partenariat.commun.dates import date_courte, lire_date
from partenariat.commun.frise import frise_deploiement
from partenariat.commun.listes import ChiffresMixin, DateDeReferenceMixin, ListeView
from partenariat.models import periode_courante

from .contextes import contexte_aire, contexte_conference
from .tableau import etat_du_protocole


class TableauDeBordView(LoginRequiredMixin, ChiffresMixin, TemplateView):
    template_name = "partenariat/tableau_de_bord.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(etat_du_protocole(timezone.localdate(), self.provisoire))
        context.update(contexte_en_attente(self.request.user, context["nb_en_attente"]))
        return context


class DeploiementView(LoginRequiredMixin, ChiffresMixin, TemplateView):
    """The partnership as it stood on a date: by default today, or the end of the period once it is over."""

    template_name = "partenariat/deploiement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        protocole = periode_courante()
        au = lire_date(self.request) or min(timezone.localdate(), protocole.fin_periode)
        date_limite = protocole.date_limite_installation
        phases = list(
            PhaseDeploiement.objects.commencees_au(au).prefetch_related(
                Prefetch(
                    "entrees",
                    queryset=EntreePhase.objects.au(au).select_related("aire").order_by("date_entree", "aire__code"),
                    to_attr="entrees_au",
                )
            )
        )
        conferences = list(
            ConferenceTerritoriale.objects.installees_au(au)
            .avec_etat_installation(date_limite, au)
            .only("pk", "nom", "date_installation")
            .order_by("date_installation", "nom")
        )
        # Area names as plain tuples in one query: full France lists ~1,800 (conference, area) pairs here.
        noms_aires = {}
        liens = ConferenceTerritoriale.aires.through.objects.filter(
            conferenceterritoriale__in=[c.pk for c in conferences]
        )
        for conference_id, nom in liens.order_by("aireurbaine__code").values_list(
            "conferenceterritoriale_id", "aireurbaine__nom"
        ):
            noms_aires.setdefault(conference_id, []).append(nom)
        for conference in conferences:
            conference.noms_aires = ", ".join(noms_aires.get(conference.pk, ()))
        avancement = avancement_national(au, self.provisoire)
        evenements = [
            (protocole.date_signature, _("Signature du protocole")),
            (date_limite, _("Date limite des conférences")),
            (protocole.fin_periode, _("Fin de la période")),
        ]
        evenements += [(p.date_debut, p.libelle) for p in PhaseDeploiement.objects.all()]
        context.update(
            au=au,
            protocole=protocole,
            date_limite=date_limite,
            phases=phases,
            conferences=conferences,
            nb_a_l_heure=sum(c.etat_installation == EtatInstallation.A_L_HEURE for c in conferences),
            nb_en_retard=sum(c.etat_installation == EtatInstallation.EN_RETARD for c in conferences),
            totaux=avancement["totaux"],
            statuts=avancement["statuts"],
            par_dispositif=avancement["par_dispositif"],
            nb_realisations=avancement["nb_realisations_total"],
            frise=frise_deploiement(evenements, au),
            dates_rapides=[
                datetime.date(2012, 12, 27),
                datetime.date(2013, 6, 30),
                datetime.date(2013, 12, 31),
                datetime.date(2014, 12, 31),
                datetime.date(2015, 12, 31),
            ],
        )
        return context


# --- Urban areas ------------------------------------------------------------------------------------------------


class AireUrbaineListView(DateDeReferenceMixin, ListeView):
    template_name = "aires_urbaines/aire_list.html"
    table_class = AireUrbaineTable
    filterset_class = AireUrbaineFilter
    titre = gettext_lazy("Aires urbaines")
    introduction = gettext_lazy(
        "Les aires urbaines (zonage INSEE 2010), leur place dans le déploiement du protocole et leurs objectifs."
    )
    export_name = "aires-urbaines"

    def get_queryset(self):
        return annoter_aires(AireUrbaine.objects.all(), self.au, self.provisoire).order_by("code")


class AireUrbaineDetailView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    """The area page: the same context as the area report (`contexte_aire`), with the page's own charts."""

    template_name = "aires_urbaines/aire_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context.update(contexte_aire(self.au, self.provisoire, code=self.kwargs["code"]))
        except AireUrbaine.DoesNotExist:
            raise Http404(_("Aucune aire urbaine ne porte ce code.")) from None
        aire = context["aire"]
        context.update(contexte_en_attente(self.request.user, aire.nb_en_attente, aire=aire.code))
        context["suivi"] = suit(self.request.user, aire=aire)
        return context


class CarteView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    """Metropolitan France with its urban areas, coloured by rollout phase or by completion rate."""

    template_name = "aires_urbaines/carte.html"
    MODES = {
        "phase": gettext_lazy("par phase de déploiement"),
        "avancement": gettext_lazy("par taux de réalisation"),
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = self.request.GET.get("mode", "phase")
        mode = mode if mode in self.MODES else "phase"
        aires = list(
            annoter_aires(AireUrbaine.objects.all(), self.au, self.provisoire)
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
                titre=_("Aires urbaines %(mode)s au %(date)s")
                % {"mode": self.MODES[mode], "date": date_courte(self.au)},
                phases=PhaseDeploiement.objects.values_list("libelle", flat=True),
            ),
            message_carte=MESSAGE_SANS_CONTOURS,
            aires=aires,
        )
        return context


# --- Conferences ------------------------------------------------------------------------------------------------


class ConferenceListView(ChiffresMixin, ListeView):
    table_class = ConferenceTable
    filterset_class = ConferenceFilter
    template_name = "conferences/conference_list.html"
    titre = gettext_lazy("Conférences territoriales")
    introduction = gettext_lazy(
        "Les conférences installées par les partenaires sociaux sur leurs bassins d'emploi, "
        "au regard du délai de six mois fixé par le protocole."
    )
    export_name = "conferences-territoriales"

    def get_queryset(self):
        conferences = ConferenceTerritoriale.objects.pour_liste(periode_courante().date_limite_installation)
        return annoter_conferences(conferences).order_by("nom")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["peut_ajouter"] = self.request.user.has_perm("conferences.add_conferenceterritoriale")
        return context


class ConferenceDetailView(LoginRequiredMixin, ChiffresMixin, TemplateView):
    """The conference page: the same context as the conference report (`contexte_conference`), plus history."""

    template_name = "conferences/conference_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context.update(contexte_conference(provisoire=self.provisoire, pk=self.kwargs["pk"]))
        except ConferenceTerritoriale.DoesNotExist:
            raise Http404(_("Aucune conférence ne porte ce numéro.")) from None
        conference, user = context["conference"], self.request.user
        context.update(
            **contexte_en_attente(user, conference.nb_en_attente, conference=conference.pk),
            historique=historique_conference(conference),
            suivi=suit(user, conference=conference),
            peut_ajouter_objectif=user.has_perm("engagements.add_objectif", Objectif(conference=conference)),
            **droits_conference(user, conference),
        )
        return context
