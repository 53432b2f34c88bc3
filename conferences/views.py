from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, DetailView, UpdateView

from conferences.regles import peut_gerer_conference, peut_modifier_conference
from partenariat.commun.acces import AccesMixin
from partenariat.commun.historique import historique_de
from partenariat.commun.saisie import EnregistrementMixin, sans_validation_formset

from . import services
from .calendrier import calendrier_reunions
from .forms import AssociationForm, ConferenceForm, MembreFormSet, MembresForm, ObservationForm, ReunionForm
from .models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion


def historique_conference(conference):
    """The conference's changes, its members' included."""
    membres = MembreConference.history.filter(conference_id=conference.pk)
    return historique_de(conference, lies=[(membres, lambda e: f"Membre « {e.nom} »")])


def droits_conference(user, conference):
    """What the conference page offers the user to change: one flag per action, from the rules."""
    gere = peut_gerer_conference(user, conference)
    return {
        "peut_modifier": user.has_perm("conferences.change_conferenceterritoriale")
        and peut_modifier_conference(user, conference),
        "peut_modifier_membres": gere and user.has_perm("conferences.change_membreconference"),
        "peut_ajouter_reunion": gere and user.has_perm("conferences.add_reunion"),
        "peut_modifier_reunion": gere and user.has_perm("conferences.change_reunion"),
        "peut_ajouter_association": gere and user.has_perm("conferences.add_associationprogrammation"),
        "peut_modifier_association": gere and user.has_perm("conferences.change_associationprogrammation"),
        "peut_ajouter_observation": gere and user.has_perm("conferences.add_observation"),
        "peut_modifier_observation": gere and user.has_perm("conferences.change_observation"),
        "peut_ajouter_objectif": gere and user.has_perm("engagements.add_objectif"),
    }


class ReunionsCalendrierView(LoginRequiredMixin, DetailView):
    """The conference's meetings as an .ics file, for the members' calendars."""

    model = ConferenceTerritoriale

    def render_to_response(self, context, **response_kwargs):
        conference = self.object
        contenu = calendrier_reunions(conference, conference.reunions.order_by("date", "pk"), self.request.get_host())
        reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="reunions-conference-{conference.pk}.ics"'
        return reponse


class ReunionDetailView(LoginRequiredMixin, DetailView):
    model = Reunion
    template_name = "conferences/reunion_detail.html"
    context_object_name = "reunion"

    def get_queryset(self):
        return Reunion.objects.select_related("conference")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reunion, user = self.object, self.request.user
        context["historique"] = historique_de(reunion)
        context["peut_modifier"] = user.has_perm("conferences.change_reunion") and peut_gerer_conference(
            user, reunion.conference
        )
        return context


# --- Data entry -------------------------------------------------------------------------------------------------


class ObjetEditeMixin:
    """Edit views read their record once: the permission check and the form share it."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_objet"):
            self._objet = super().get_object(queryset)
        return self._objet

    def objet_controle(self):
        return self.get_object()


class ConferenceParenteMixin:
    """Add views under /conferences/<pk>/…: the new record belongs to that conference, judged by the rule."""

    def objet_controle(self):
        if not hasattr(self, "conference"):
            self.conference = get_object_or_404(ConferenceTerritoriale, pk=self.kwargs["pk"])
        return self.conference

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.conference
        return context

    def get_success_url(self):
        return self.conference.get_absolute_url()


class ConferenceFormMixin(EnregistrementMixin):
    """Conference and members on one page; the search of the long lists works from the URL too."""

    model = ConferenceTerritoriale
    form_class = ConferenceForm
    template_name = "conferences/conference_form.html"
    regle = peut_modifier_conference

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["recherches"] = self.request.GET
        return kwargs

    def get_membres(self):
        if not hasattr(self, "membres"):
            instance = self.object or ConferenceTerritoriale()
            donnees = self.request.POST if self.request.method == "POST" else None
            self.membres = MembreFormSet(donnees, instance=instance, prefix="membres")
        return self.membres

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membres"] = self.get_membres()
        return context

    def sans_validation(self, form):
        super().sans_validation(form)
        sans_validation_formset(self.get_membres())

    def form_valid(self, form):
        if not self.get_membres().is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def membres_a_enregistrer(self):
        membres = self.get_membres()
        return membres.save(commit=False), membres.deleted_objects

    def get_success_url(self):
        return self.object.get_absolute_url()


class ConferenceCreateView(AccesMixin, ConferenceFormMixin, CreateView):
    permission_required = "conferences.add_conferenceterritoriale"
    titre = "Enregistrer une conférence territoriale"
    message_succes = "La conférence « {objet} » est enregistrée."

    def enregistrer(self, form):
        membres, _ = self.membres_a_enregistrer()
        conference = services.installer_conference(
            form.instance,
            self.request.user,
            bassins=form.cleaned_data["bassins"],
            aires=form.cleaned_data["aires"],
            membres=membres,
        )
        self.avertissements = services.avertissements_installation(conference)
        return conference


class ConferenceUpdateView(AccesMixin, ObjetEditeMixin, ConferenceFormMixin, UpdateView):
    permission_required = "conferences.change_conferenceterritoriale"
    titre = "Modifier la conférence « {objet} »"
    message_succes = "Les modifications de la conférence « {objet} » sont enregistrées."

    def enregistrer(self, form):
        membres, supprimes = self.membres_a_enregistrer()
        conference = services.modifier_conference(
            form.instance,
            self.request.user,
            form.cleaned_data["version"],
            bassins=form.cleaned_data["bassins"],
            aires=form.cleaned_data["aires"],
            membres=membres,
            membres_supprimes=supprimes,
        )
        self.avertissements = services.avertissements_installation(conference)
        return conference


class MembresUpdateView(AccesMixin, ObjetEditeMixin, ConferenceFormMixin, UpdateView):
    """Members alone, for the conference's secretariat, who may not change the conference's own fields."""

    permission_required = (
        "conferences.add_membreconference",
        "conferences.change_membreconference",
        "conferences.delete_membreconference",
    )
    regle = peut_gerer_conference
    form_class = MembresForm
    template_name = "conferences/membres_form.html"
    titre = "Membres de la conférence « {objet} »"
    message_succes = "La composition de la conférence « {objet} » est enregistrée."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("recherches")
        return kwargs

    def enregistrer(self, form):
        membres, supprimes = self.membres_a_enregistrer()
        return services.modifier_membres(
            form.instance,
            self.request.user,
            form.cleaned_data["version"],
            membres=membres,
            membres_supprimes=supprimes,
        )


class ReunionCreateView(AccesMixin, ConferenceParenteMixin, EnregistrementMixin, CreateView):
    permission_required = "conferences.add_reunion"
    regle = peut_gerer_conference
    model = Reunion
    form_class = ReunionForm
    template_name = "conferences/reunion_form.html"
    titre = "Nouvelle réunion"
    message_succes = "La réunion du {objet.date:%d/%m/%Y} est enregistrée."

    def enregistrer(self, form):
        form.instance.conference = self.conference
        return services.enregistrer_reunion(form.instance, self.request.user)

    def get_success_url(self):
        return self.object.conference.get_absolute_url() + "#titre-reunions"


class ReunionUpdateView(AccesMixin, ObjetEditeMixin, EnregistrementMixin, UpdateView):
    permission_required = "conferences.change_reunion"
    model = Reunion
    form_class = ReunionForm
    template_name = "conferences/reunion_form.html"
    titre = "Modifier la réunion du {objet.date:%d/%m/%Y}"
    message_succes = "La réunion du {objet.date:%d/%m/%Y} est enregistrée."

    @staticmethod
    def regle(user, reunion):
        return peut_gerer_conference(user, reunion.conference)

    def get_queryset(self):
        return Reunion.objects.select_related("conference")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.object.conference
        return context

    def enregistrer(self, form):
        return services.enregistrer_reunion(form.instance, self.request.user)

    def get_success_url(self):
        return reverse("conferences:reunion_detail", args=[self.object.pk])

    def get_url_annulation(self):
        return reverse("conferences:reunion_detail", args=[self.object.pk])


class AssociationFormMixin(EnregistrementMixin):
    model = AssociationProgrammation
    form_class = AssociationForm
    template_name = "conferences/association_form.html"
    message_succes = "L'association de la conférence au document « {objet} » est enregistrée."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(conference=self.conference, user=self.request.user, recherches=self.request.GET)
        return kwargs

    def enregistrer(self, form):
        form.instance.conference = self.conference
        return services.enregistrer_association(form.instance, self.request.user)

    def get_success_url(self):
        return self.conference.get_absolute_url() + "#titre-programmation"


class AssociationCreateView(AccesMixin, ConferenceParenteMixin, AssociationFormMixin, CreateView):
    permission_required = "conferences.add_associationprogrammation"
    regle = peut_gerer_conference
    titre = "Nouvelle association aux travaux de programmation"


class ParentDeLObjetMixin:
    """Edit views of a conference's record: the rule judges the conference the record belongs to."""

    @staticmethod
    def regle(user, objet):
        return peut_gerer_conference(user, objet.conference)

    def objet_controle(self):
        objet = self.get_object()
        self.conference = objet.conference
        return objet

    def get_queryset(self):
        return super().get_queryset().select_related("conference")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.conference
        return context


class AssociationUpdateView(AccesMixin, ParentDeLObjetMixin, ObjetEditeMixin, AssociationFormMixin, UpdateView):
    permission_required = "conferences.change_associationprogrammation"
    titre = "Modifier l'association « {objet} »"


class ObservationFormMixin(EnregistrementMixin):
    model = Observation
    form_class = ObservationForm
    template_name = "conferences/observation_form.html"
    message_succes = "L'observation « {objet} » est enregistrée."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(conference=self.conference, user=self.request.user, recherches=self.request.GET)
        return kwargs

    def enregistrer(self, form):
        form.instance.conference = self.conference
        return services.enregistrer_observation(form.instance, self.request.user, form.cleaned_data["aires"])

    def get_success_url(self):
        # An observation recorded in the administration may belong to no conference.
        if self.conference is None:
            return reverse("conferences:conference_list")
        return self.conference.get_absolute_url() + "#titre-observations"


class ObservationCreateView(AccesMixin, ConferenceParenteMixin, ObservationFormMixin, CreateView):
    permission_required = "conferences.add_observation"
    regle = peut_gerer_conference
    titre = "Nouvelle observation ou étude partagée"


class ObservationUpdateView(AccesMixin, ParentDeLObjetMixin, ObjetEditeMixin, ObservationFormMixin, UpdateView):
    permission_required = "conferences.change_observation"
    titre = "Modifier l'observation « {objet} »"
