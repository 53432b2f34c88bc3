"""Data-entry forms of a conference and its activity; each mirrors the database constraints, in French."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aires_urbaines.models import AireUrbaine, BassinEmploi, Intercommunalite
from conferences.regles import aires_observables, intercommunalites_associables
from partenariat.commun.saisie import (
    BoutonsRadioFiltres,
    CasesFiltrees,
    FormulaireFiltrableMixin,
    FormulaireSaisie,
    SaisieDate,
    VersionMixin,
)
from partenariat.models import DATE_SIGNATURE

from .models import AssociationProgrammation, ConferenceTerritoriale, MembreConference, Observation, Reunion

MESSAGE_AVANT_SIGNATURE = _("Une conférence ne peut pas être installée avant la signature du protocole (27 juin 2012).")


class ConferenceForm(VersionMixin, FormulaireFiltrableMixin, FormulaireSaisie):
    """Name, perimeter and installation date; members are edited beside it (`MembreFormSet`)."""

    class Meta:
        model = ConferenceTerritoriale
        fields = ["nom", "date_installation", "bassins", "aires"]
        widgets = {"date_installation": SaisieDate, "bassins": CasesFiltrees, "aires": CasesFiltrees}
        help_texts = {
            "nom": _("Par exemple « Conférence territoriale Rhône-Alpes – Lyon »."),
            "date_installation": (
                _(
                    "Laisser vide tant que la conférence n'est pas installée. "
                    "Le protocole fixe l'installation au plus tard six mois après sa signature."
                )
            ),
            "bassins": _("Zones d'emploi (INSEE 2010) sur lesquelles la conférence représente le mouvement."),
            "aires": _("Aires urbaines dont la conférence suit les objectifs."),
        }
        error_messages = {"nom": {"unique": _("Une conférence porte déjà ce nom.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bassins"].queryset = BassinEmploi.objects.order_by("nom", "code")
        self.fields["aires"].queryset = AireUrbaine.objects.order_by("code")

    def clean_date_installation(self):
        date = self.cleaned_data.get("date_installation")
        if date and date < DATE_SIGNATURE:
            raise forms.ValidationError(MESSAGE_AVANT_SIGNATURE)
        return date


class MembreForm(FormulaireSaisie):
    class Meta:
        model = MembreConference
        fields = ["nom", "college", "organisation", "fonction"]
        help_texts = {"fonction": _("Président, vice-président, membre titulaire…")}

    def clean(self):
        donnees = super().clean()
        college, organisation = donnees.get("college"), donnees.get("organisation")
        if college and organisation and MembreConference.COLLEGE_DES_ORGANISATIONS.get(organisation) != college:
            self.add_error("organisation", _("L'organisation ne siège pas dans ce collège."))
        return donnees


MembreFormSet = forms.inlineformset_factory(
    ConferenceTerritoriale, MembreConference, form=MembreForm, extra=3, can_delete=True
)


class MembresForm(VersionMixin, FormulaireSaisie):
    """The conference's version alone: the members page changes the conference as a whole."""

    class Meta:
        model = ConferenceTerritoriale
        fields = []


class ReunionForm(FormulaireSaisie):
    class Meta:
        model = Reunion
        fields = ["date", "lieu", "ordre_du_jour", "compte_rendu", "nb_participants", "participants"]
        widgets = {
            "date": SaisieDate,
            "ordre_du_jour": forms.Textarea(attrs={"rows": 4}),
            "compte_rendu": forms.Textarea(attrs={"rows": 8}),
            "participants": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"nb_participants": _("Nombre de membres présents.")}

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and date < DATE_SIGNATURE:
            raise forms.ValidationError(_("Une réunion ne peut pas précéder la signature du protocole (27 juin 2012)."))
        return date


class IntercommunaliteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(nom)s (%(nature)s, SIREN %(siren)s)") % {
            "nom": obj.nom,
            "nature": obj.get_nature_display(),
            "siren": obj.siren,
        }


class AssociationForm(FormulaireFiltrableMixin, FormulaireSaisie):
    """Without a search, the chooser offers the intercommunalities of the conference's areas (2,581 in all).

    Its choices are those the user may associate (`intercommunalites_associables`): a posted id outside them is
    refused as an invalid choice, before the service checks the same rule again.
    """

    intercommunalite = IntercommunaliteChoiceField(
        label=_("Intercommunalité"),
        queryset=Intercommunalite.objects.none(),  # set per user and conference in __init__
        widget=BoutonsRadioFiltres,
        help_text=(
            _("Recherchez par nom ou par SIREN ; sans recherche, la liste propose celles des aires de la conférence.")
        ),
    )

    class Meta:
        model = AssociationProgrammation
        fields = [
            "intercommunalite",
            "document",
            "etat",
            "date_sollicitation",
            "date_association",
            "date_avis",
            "commentaire",
        ]
        widgets = {
            "date_sollicitation": SaisieDate,
            "date_association": SaisieDate,
            "date_avis": SaisieDate,
            "commentaire": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"date_avis": _("Obligatoire lorsque l'avis est rendu.")}

    def __init__(self, *args, conference, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        champ = self.fields["intercommunalite"]
        champ.queryset = intercommunalites_associables(user, conference, self.instance).order_by("nom", "siren")
        widget = champ.widget
        # Suggestions only narrow what is shown without a search; what may be chosen is the queryset above, so an
        # intercommunality already associated outside the rule is suggested to national staff alone.
        suggestions = Intercommunalite.objects.filter(
            Q(communes__aire_urbaine__in=conference.aires.all()) | Q(associations__conference=conference)
        ).values_list("pk", flat=True)
        widget.suggestions = {str(pk) for pk in suggestions}
        if not widget.suggestions:
            widget.suggestions = None  # nothing to suggest: the list (up to its limit) and the search

    def clean(self):
        donnees = super().clean()
        sollicitation = donnees.get("date_sollicitation")
        association, avis = donnees.get("date_association"), donnees.get("date_avis")
        if sollicitation and association and association < sollicitation:
            self.add_error("date_association", _("La date d'association ne peut pas précéder la sollicitation."))
        if sollicitation and avis and avis < sollicitation:
            self.add_error("date_avis", _("La date de l'avis ne peut pas précéder la sollicitation."))
        if donnees.get("etat") == AssociationProgrammation.Etat.AVIS_RENDU and not avis:
            self.add_error("date_avis", _("Un avis rendu doit avoir sa date."))
        intercommunalite, document = donnees.get("intercommunalite"), donnees.get("document")
        if intercommunalite and document:
            doublons = AssociationProgrammation.objects.filter(
                conference=self.conference, intercommunalite=intercommunalite, document=document
            ).exclude(pk=self.instance.pk)
            if doublons.exists():
                raise forms.ValidationError(
                    _("Cette conférence est déjà associée à ce document de cette intercommunalité.")
                )
        return donnees


class ObservationForm(FormulaireFiltrableMixin, FormulaireSaisie):
    """The areas offered are those the user may tag (`aires_observables`), plus the ones the record already holds."""

    class Meta:
        model = Observation
        fields = ["titre", "date", "nature", "aires", "resume", "chiffres_cles"]
        widgets = {
            "date": SaisieDate,
            "aires": CasesFiltrees,
            "resume": forms.Textarea(attrs={"rows": 6}),
            "chiffres_cles": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "aires": _("Aires concernées ; sans recherche, la liste propose celles de la conférence."),
        }

    def __init__(self, *args, conference, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aires"].queryset = aires_observables(user, conference, self.instance).order_by("code")
        suggestions = {str(pk) for pk in conference.aires.values_list("pk", flat=True)} if conference else set()
        self.fields["aires"].widget.suggestions = suggestions
