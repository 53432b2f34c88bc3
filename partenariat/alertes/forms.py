from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import ConferenceTerritoriale
from partenariat.commun.saisie import Formulaire, SaisieDate
from partenariat.models import FrequenceResume

from .calcul import Genre, Gravite


class FiltreAlertesForm(Formulaire):
    """The filters of /alertes/ (in the URL); `tout` is offered to those who may see every alert."""

    genre = forms.ChoiceField(label=_("Type d'alerte"), choices=[("", _("Tous"))] + Genre.CHOIX, required=False)
    gravite = forms.ChoiceField(label=_("Gravité"), choices=[("", _("Toutes"))] + Gravite.CHOIX, required=False)
    aire = forms.CharField(label=_("Aire urbaine"), required=False, max_length=100, help_text=_("Nom ou code"))
    conference = forms.ModelChoiceField(
        label=_("Conférence"),
        queryset=ConferenceTerritoriale.objects.order_by("nom"),
        required=False,
        empty_label=_("Toutes"),
    )
    date = forms.DateField(
        label=_("Alertes au"), required=False, widget=SaisieDate(), help_text=_("Aujourd'hui si vide")
    )
    tout = forms.BooleanField(label=_("Toutes les alertes, pas seulement celles de mes suivis"), required=False)

    def __init__(self, *args, tout_propose=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not tout_propose:
            del self.fields["tout"]


class PreferencesForm(Formulaire):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        help_text=_("Les résumés et les liens de réinitialisation du mot de passe y sont envoyés."),
    )
    frequence_resume = forms.ChoiceField(
        label=_("Résumé par courriel"),
        choices=FrequenceResume.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Un seul courriel par période, seulement s'il y a du nouveau : alertes nouvelles ou levées, réalisations "
            "examinées, éléments qui attendent votre validation."
        ),
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("frequence_resume", FrequenceResume.AUCUN) != FrequenceResume.AUCUN and not donnees.get("email"):
            self.add_error("email", _("Indiquez une adresse électronique pour recevoir un résumé."))
        return donnees
