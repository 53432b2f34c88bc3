from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from partenariat.commun.dates import date_courte
from partenariat.commun.historique import historique_de
from partenariat.commun.saisie import EditionView, sans_validation_formset
from partenariat.pieces_jointes import PiecesJointesMixin

from . import services
from .calendrier import calendrier_reunions
from .forms import AssociationForm, ConferenceForm, MembreFormSet, MembresForm, ObservationForm, ReunionForm
from .models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion


def historique_conference(conference):
    """The conference's changes, its members' included."""
    membres = MembreConference.history.filter(conference_id=conference.pk)
    return historique_de(conference, lies=[(membres, lambda e: _("Membre « %(nom)s »") % {"nom": e.nom})])


def droits_conference(user, conference):
    """What the conference page offers the user to change: one flag per action, each a permission on the record."""
    return {
        f"peut_{libelle}": user.has_perm(permission, conference)
        for libelle, permission in (
            ("modifier", "conferences.change_conferenceterritoriale"),
            ("modifier_membres", "conferences.change_membreconference"),
            ("ajouter_reunion", "conferences.add_reunion"),
            ("modifier_reunion", "conferences.change_reunion"),
            ("ajouter_association", "conferences.add_associationprogrammation"),
            ("modifier_association", "conferences.change_associationprogrammation"),
            ("ajouter_observation", "conferences.add_observation"),
            ("modifier_observation", "conferences.change_observation"),
        )
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


class ReunionDetailView(LoginRequiredMixin, PiecesJointesMixin, DetailView):
    model = Reunion
    template_name = "conferences/reunion_detail.html"
    context_object_name = "reunion"

    def get_queryset(self):
        return Reunion.objects.select_related("conference")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reunion, user = self.object, self.request.user
        context["historique"] = historique_de(reunion)
        context["peut_modifier"] = user.has_perm("conferences.change_reunion", reunion)
        return context


# --- Data entry -------------------------------------------------------------------------------------------------


class ConferenceEditionView(EditionView):
    """Conference and members on one page; the search of the long lists works from the URL too."""

    model = ConferenceTerritoriale
    form_class = ConferenceForm
    template_name = "conferences/conference_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["recherches"] = self.request.GET
        return kwargs

    @cached_property
    def membres(self):
        donnees = self.request.POST if self.request.method == "POST" else None
        return MembreFormSet(donnees, instance=self.objet, prefix="membres")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membres"] = self.membres
        return context

    def sans_validation(self, form):
        super().sans_validation(form)
        sans_validation_formset(self.membres)

    def form_valid(self, form):
        if not self.membres.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def membres_a_enregistrer(self):
        return self.membres.save(commit=False), self.membres.deleted_objects

    def get_url_annulation(self):
        return self.objet.get_absolute_url() if self.objet.pk else reverse("conferences:conference_list")


class ConferenceCreateView(ConferenceEditionView):
    creation = True
    permission_required = "conferences.add_conferenceterritoriale"
    titre = _("Enregistrer une conférence territoriale")
    message_succes = _("La conférence « %(objet)s » est enregistrée.")

    def enregistrer(self, form):
        membres, _supprimes = self.membres_a_enregistrer()
        conference = services.installer_conference(
            form.instance,
            self.request.user,
            bassins=form.cleaned_data["bassins"],
            aires=form.cleaned_data["aires"],
            membres=membres,
        )
        self.avertissements = services.avertissements_installation(conference)
        return conference


class ConferenceUpdateView(ConferenceEditionView):
    permission_required = "conferences.change_conferenceterritoriale"
    titre = _("Modifier la conférence « %(objet)s »")
    message_succes = _("Les modifications de la conférence « %(objet)s » sont enregistrées.")

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


class MembresUpdateView(ConferenceEditionView):
    """Members alone, for the conference's secretariat, who may not change the conference's own fields."""

    permission_required = (
        "conferences.add_membreconference",
        "conferences.change_membreconference",
        "conferences.delete_membreconference",
    )
    form_class = MembresForm
    template_name = "conferences/membres_form.html"
    titre = _("Membres de la conférence « %(objet)s »")
    message_succes = _("La composition de la conférence « %(objet)s » est enregistrée.")

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


class ActiviteView(EditionView):
    """A conference's meetings, associations and observations: a new record belongs to the conference of the URL."""

    ancre = ""
    # Associations and observations choose from the conference's territory: their forms need it and the user.
    selon_le_territoire = False

    def nouvel_objet(self):
        return self.model(conference=get_object_or_404(ConferenceTerritoriale, pk=self.kwargs["pk"]))

    @cached_property
    def conference(self):
        return self.objet.conference

    def get_queryset(self):
        return super().get_queryset().select_related("conference")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.selon_le_territoire:
            kwargs.update(conference=self.conference, user=self.request.user, recherches=self.request.GET)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.conference
        return context

    def get_success_url(self):
        # An observation recorded in the administration may belong to no conference.
        if self.conference is None:
            return reverse("conferences:conference_list")
        return self.conference.get_absolute_url() + self.ancre

    def get_url_annulation(self):
        return self.get_success_url()


class ReunionCreateView(ActiviteView):
    creation = True
    permission_required = "conferences.add_reunion"
    model = Reunion
    form_class = ReunionForm
    template_name = "conferences/reunion_form.html"
    ancre = "#titre-reunions"
    titre = _("Nouvelle réunion")
    message_succes = _("La réunion du %(date)s est enregistrée.")

    def parametres_textes(self):
        parametres = super().parametres_textes()
        if self.object is not None:
            parametres["date"] = date_courte(self.object.date)
        return parametres

    def enregistrer(self, form):
        return services.enregistrer_reunion(form.instance, self.request.user)


class ReunionUpdateView(ReunionCreateView):
    creation = False
    permission_required = "conferences.change_reunion"
    titre = _("Modifier la réunion du %(date)s")

    def get_success_url(self):
        return reverse("conferences:reunion_detail", args=[self.objet.pk])


class AssociationCreateView(ActiviteView):
    creation = True
    permission_required = "conferences.add_associationprogrammation"
    model = AssociationProgrammation
    form_class = AssociationForm
    template_name = "conferences/association_form.html"
    ancre = "#titre-programmation"
    selon_le_territoire = True
    titre = _("Nouvelle association aux travaux de programmation")
    message_succes = _("L'association de la conférence au document « %(objet)s » est enregistrée.")

    def enregistrer(self, form):
        return services.enregistrer_association(form.instance, self.request.user)


class AssociationUpdateView(PiecesJointesMixin, AssociationCreateView):
    creation = False
    permission_required = "conferences.change_associationprogrammation"
    titre = _("Modifier l'association « %(objet)s »")


class ObservationCreateView(ActiviteView):
    creation = True
    permission_required = "conferences.add_observation"
    model = Observation
    form_class = ObservationForm
    template_name = "conferences/observation_form.html"
    ancre = "#titre-observations"
    selon_le_territoire = True
    titre = _("Nouvelle observation ou étude partagée")
    message_succes = _("L'observation « %(objet)s » est enregistrée.")

    def enregistrer(self, form):
        return services.enregistrer_observation(form.instance, self.request.user, form.cleaned_data["aires"])


class ObservationUpdateView(PiecesJointesMixin, ObservationCreateView):
    creation = False
    permission_required = "conferences.change_observation"
    titre = _("Modifier l'observation « %(objet)s »")
