"""The account page where a person creates, lists and revokes their API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View

from partenariat.commun.saisie import Formulaire

from . import jetons
from .models import Portee


class JetonForm(Formulaire):
    nom = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("Pour le reconnaître : le programme ou la personne qui l'utilisera."),
        error_messages={"required": gettext_lazy("Donnez un nom au jeton.")},
    )
    portee = forms.ChoiceField(label=gettext_lazy("Portée"), choices=Portee.choices, widget=forms.RadioSelect)
    duree = forms.TypedChoiceField(
        label=gettext_lazy("Durée de validité"),
        coerce=int,
        choices=[(jours, str(jours)) for jours in jetons.DUREES_JOURS],
        initial=90,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portee"].initial = Portee.LECTURE
        self.fields["duree"].choices = [
            (jours, ngettext("%(n)s jour", "%(n)s jours", jours) % {"n": jours}) for jours in jetons.DUREES_JOURS
        ]
        if not jetons.peut_ecrire(user):
            # A read-only role is offered read-only tokens only; a forged choice gets the field's message.
            self.fields["portee"].choices = [(Portee.LECTURE, Portee.LECTURE.label)]
            self.fields["portee"].error_messages["invalid_choice"] = jetons.MESSAGE_LECTURE_SEULE


class JetonsView(LoginRequiredMixin, FormView):
    template_name = "api/jetons.html"
    form_class = JetonForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jetons"] = jetons.jetons_de(self.request.user)
        context["peut_ecrire"] = jetons.peut_ecrire(self.request.user)
        return context

    def form_valid(self, form):
        try:
            jeton, secret = jetons.creer_jeton(
                self.request.user, form.cleaned_data["nom"], form.cleaned_data["portee"], form.cleaned_data["duree"]
            )
        except PermissionDenied as refus:
            form.add_error("portee", str(refus))
            return self.form_invalid(form)
        # Shown in this response only: neither stored nor put in a message of the session.
        reponse = self.render_to_response(
            self.get_context_data(form=self.get_form_class()(user=self.request.user), nouveau=jeton, secret=secret)
        )
        add_never_cache_headers(reponse)
        return reponse


class RevoquerJetonView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if jetons.revoquer_jeton(request.user, pk):
            messages.success(request, _("Le jeton est révoqué : il ne donne plus accès à l'API."))
        else:
            messages.error(request, _("Ce jeton n'existe pas ou est déjà révoqué."))
        return redirect("jetons")
