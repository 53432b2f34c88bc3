"""What every data-entry page shares: the domain error, the lost-update check, long-list choosers, form views,
and the fields that refuse what the product cannot store.

Views validate forms and call a service; a service refuses with an `ErreurMetier` (French message), which the view
shows above the form with the user's input kept.
"""

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic.detail import SingleObjectTemplateResponseMixin
from django.views.generic.edit import ModelFormMixin, ProcessFormView

from .acces import AccesMixin
from .historique import changements_depuis, valeur_affichee
from .textes import TexteRefuse, normaliser, normaliser_texte


class ErreurMetier(Exception):
    """A change the domain refuses; `details` are shown as a list under the message."""

    def __init__(self, message, details=(), version_actuelle=None):
        # Written out now, in the language of the request: messages are joined and stored in the session.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.details = [str(detail) for detail in details]
        self.version_actuelle = version_actuelle


def prendre_version(modele, objet, version_lue, erreur, *, lies=()):
    """Lock the row, refuse if it was saved since the user read `version_lue`, else give `objet` the next version.

    Call inside `transaction.atomic`, then `objet.save()` so that history is written. The refusal lists, field
    by field, what the others changed (from history); `lies` adds related records (a conference's members).
    """
    try:
        actuel = modele.objects.select_for_update().get(pk=objet.pk)
    except modele.DoesNotExist:
        raise erreur(
            _("« %(objet)s » a été supprimé entre-temps : votre saisie n'a pas été enregistrée.") % {"objet": objet}
        ) from None
    if version_lue is None or int(version_lue) != actuel.version:
        details = changements_depuis(modele, objet.pk, version_lue, lies=lies)
        if not details:
            details = _differences_avec_la_base(objet, actuel)
        raise erreur(
            _(
                "« %(objet)s » a été modifié par quelqu'un d'autre depuis que vous avez ouvert ce formulaire : "
                "votre saisie n'a pas été enregistrée. Voici ce qui a changé ; vérifiez votre saisie, "
                "puis enregistrez de nouveau pour la confirmer."
            )
            % {"objet": actuel},
            details=details,
            version_actuelle=actuel.version,
        )
    objet.version = actuel.version + 1
    return actuel


def _differences_avec_la_base(objet, actuel):
    """Without history to quote, compare the user's input with what is now stored."""
    lignes = []
    for champ in objet._meta.concrete_fields:
        if not champ.editable or champ.primary_key or getattr(actuel, champ.attname) == getattr(objet, champ.attname):
            continue
        if champ.is_relation:
            avant, apres = (str(getattr(o, champ.name) or "—") for o in (actuel, objet))
        else:
            avant, apres = (valeur_affichee(champ, getattr(o, champ.attname), {}) for o in (actuel, objet))
        lignes.append(
            _("%(champ)s : enregistré %(avant)s, votre saisie %(apres)s")
            % {"champ": str(champ.verbose_name).capitalize(), "avant": avant, "apres": apres}
        )
    return lignes


# --- What every field accepts ---------------------------------------------------------------------------------


class TexteNormaliseMixin:
    """Text as `normaliser_texte` stores it: a multi-line box (Textarea) keeps line breaks, a line refuses them.

    Runs before Django's validators, so the length is counted on the stored text and a NUL gets the message that
    names it rather than Django's generic one.
    """

    def to_python(self, value):
        texte = super().to_python(value)
        if not isinstance(texte, str):
            return texte
        try:
            return normaliser_texte(texte, multiligne=isinstance(self.widget, forms.Textarea))
        except TexteRefuse as refus:
            raise ValidationError(str(refus), code="caractere_refuse") from None


class ChoixModeleMixin:
    """A chooser given a value no record can have (a NUL, an id beyond 64 bits) says « choix valide », never 500.

    Django refuses a NUL with its own message and lets OverflowError through (SQLite cannot bind such an integer).
    """

    def validate_no_null_characters(self, value):
        if "\x00" in str(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""})

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(map(str, value))},
            ) from None


# Checked in order: a model chooser is not a text field; every CharField subclass (e.g. django-filter's) is one.
MIXINS_DES_CHAMPS = (
    (forms.ModelChoiceField, ChoixModeleMixin),  # ModelMultipleChoiceField is a subclass
    (forms.CharField, TexteNormaliseMixin),
)


@functools.cache
def classe_du_projet(classe):
    """`classe` with the project's checks in front: same behaviour otherwise, made once per field class."""
    for base, mixin in MIXINS_DES_CHAMPS:
        if issubclass(classe, mixin):
            return classe
        if issubclass(classe, base):
            return type(classe.__name__, (mixin, classe), {"__module__": __name__, "__qualname__": classe.__qualname__})
    return classe


class SaisieControleeMixin:
    """Every form of the product, data entry and list filters alike: text normalised, impossible choices refused.

    The fields are found once the form is built, whatever made them (model fields, declared fields, django-filter's
    filters), so that no form can forget one. `self.fields` holds this form's own copies: giving each the
    project's subclass of its own class changes neither the class attributes nor any other form.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in self.fields.values():
            champ.__class__ = classe_du_projet(type(champ))


class FormulaireSaisie(SaisieControleeMixin, forms.ModelForm):
    """The base of every model form of the product."""


class Formulaire(SaisieControleeMixin, forms.Form):
    """The base of every plain form of the product, including the forms django-filter builds (`Meta.form`)."""


# --- Long lists of choices -----------------------------------------------------------------------------------


class ChoixFiltrableMixin:
    """A long list of choices, searched first: the chosen items, then the first matches of the search.

    The search is a plain field beside the list (`<name>_recherche`) with a « Rechercher » submit button, so it
    works without JavaScript; with it, a small script searches `catalogue` (every item not chosen) as one types.
    """

    filtrable = True
    recherche = ""
    suggestions = None  # values (as text) shown when there is no search; None shows them all (up to `limite`)
    limite = 100
    nb_masquees = 0
    nb_resultats = 0  # items not chosen that match the search (or are shown without one), before the limit
    nb_choisies = 0
    catalogue = ()

    def optgroups(self, name, value, attrs=None):
        options = [option for _, groupe, _ in super().optgroups(name, value, attrs) for option in groupe]
        choisies = [o for o in options if o["selected"] and str(o["value"]) != ""]
        autres = [o for o in options if not o["selected"] and str(o["value"]) != ""]
        proposees = autres if self.suggestions is None else [o for o in autres if str(o["value"]) in self.suggestions]
        sans_recherche = {id(o) for o in proposees}
        self.catalogue = [[str(o["value"]), str(o["label"]), id(o) in sans_recherche] for o in autres]
        if self.recherche:
            terme = normaliser(self.recherche)
            autres = [o for o in autres if terme in normaliser(o["label"])]
        else:
            autres = proposees
        self.nb_resultats = len(autres)
        self.nb_masquees = max(0, len(autres) - self.limite) if self.limite else 0
        if self.limite:
            autres = autres[: self.limite]
        self.nb_choisies = len(choisies)
        return [(None, choisies + autres, 0)]


class CasesFiltrees(ChoixFiltrableMixin, forms.CheckboxSelectMultiple):
    """Check boxes: each is a stop of the Tab key, so none is offered before a search, beyond the suggestions."""

    suggestions = frozenset()
    limite = 50


class BoutonsRadioFiltres(ChoixFiltrableMixin, forms.RadioSelect):
    pass


class SaisieDate(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FormulaireFiltrableMixin:
    """Reads the search of each long-list chooser, from the posted form or from the URL (`?aires_recherche=`)."""

    def __init__(self, *args, recherches=None, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else (recherches or {})
        for nom, champ in self.fields.items():
            if getattr(champ.widget, "filtrable", False):
                champ.widget.recherche = (source.get(f"{self.add_prefix(nom)}_recherche") or "").strip()[:100]


def sans_validation(form):
    """Show the input again after a search in a list, without judging a form the user has not finished."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


class VersionMixin:
    """A hidden copy of the record's version, so that a save based on stale data is refused, never applied."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def mettre_a_jour_version(self, version):
        """After a refusal, carry the current version so that saving again confirms the user's input."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)


def sans_validation_formset(formset):
    formset._errors = []
    formset._non_form_errors = formset.error_class()
    for formulaire in formset.forms:
        sans_validation(formulaire)


class EditionView(AccesMixin, SingleObjectTemplateResponseMixin, ModelFormMixin, ProcessFormView):
    """One view to add and to edit a record; its valid form is handed to a service, a refusal shown on the form.

    `creation = True` edits a new record built by `nouvel_objet()` (with its parent set), otherwise the record of
    the URL. The record is read once, and the permission (`permission_required`) is asked about it either way.
    Subclasses implement `enregistrer(form)` (calls the service, returns the saved record) and set `titre` and
    `message_succes`, translated strings that may name `%(objet)s`, the record (see `parametres_textes`).
    """

    creation = False
    titre = ""
    message_succes = _("Enregistrement effectué.")

    @cached_property
    def objet(self):
        return self.nouvel_objet() if self.creation else self.get_object()

    def nouvel_objet(self):
        return self.model()

    def get_permission_object(self):
        return self.objet

    def get(self, request, *args, **kwargs):
        self.object = None if self.creation else self.objet
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = None if self.creation else self.objet
        if "_filtrer" not in request.POST:
            return super().post(request, *args, **kwargs)
        # « Chercher » in a long list: show the page again with the user's input, save nothing.
        form = self.get_form()
        self.sans_validation(form)
        return self.render_to_response(self.get_context_data(form=form))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.objet
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("titre", self.titre % self.parametres_textes())
        context.setdefault("annuler", self.get_url_annulation())
        return context

    def get_url_annulation(self):
        """Back to the record; views of new records say where they were opened from."""
        return self.objet.get_absolute_url() if self.objet.pk else "/"

    def sans_validation(self, form):
        sans_validation(form)

    def form_valid(self, form):
        try:
            self.object = self.enregistrer(form)
        except ErreurMetier as erreur:
            return self.refuser(form, erreur)
        messages.success(self.request, self.get_message_succes())
        for avertissement in getattr(self, "avertissements", ()):
            messages.warning(self.request, avertissement)
        return HttpResponseRedirect(self.get_success_url())

    def refuser(self, form, erreur):
        form.add_error(None, erreur.message)
        for detail in erreur.details:
            form.add_error(None, detail)
        if erreur.version_actuelle is not None and hasattr(form, "mettre_a_jour_version"):
            form.mettre_a_jour_version(erreur.version_actuelle)
        return self.form_invalid(form)

    def parametres_textes(self):
        """What `titre` and `message_succes` may name; a view adds its record's date or quantity, written out."""
        return {"objet": self.object}

    def get_message_succes(self):
        return self.message_succes % self.parametres_textes()
