import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.utils import timezone
from django.views.generic import TemplateView

from aires_urbaines.models import EntreePhase, PhaseDeploiement
from conferences.models import ConferenceTerritoriale, EtatInstallation
from partenariat.commun.dates import lire_date
from partenariat.commun.frise import frise_deploiement
from partenariat.models import periode_courante

from .tableau import avancement_national, etat_du_protocole


class TableauDeBordView(LoginRequiredMixin, TemplateView):
    template_name = "partenariat/tableau_de_bord.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(etat_du_protocole(timezone.localdate()))
        return context


class DeploiementView(LoginRequiredMixin, TemplateView):
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
        avancement = avancement_national(au)
        evenements = [
            (protocole.date_signature, "Signature du protocole"),
            (date_limite, "Date limite des conférences"),
            (protocole.fin_periode, "Fin de la période"),
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
