import functools
import types

from django.apps import AppConfig


class PartenariatConfig(AppConfig):
    name = "partenariat"
    verbose_name = "Partenariat"

    def ready(self):
        memoriser_signatures_tables2()
        refuser_identifiants_hors_limites()


def memoriser_signatures_tables2():
    """django-tables2 inspects the signature of a render function for every cell; the answer never changes.

    On a 100-row list that inspection was a quarter of the server time, so it is memoised per function.
    """
    from django_tables2 import utils

    if getattr(utils.signature, "memorisee", False):
        return
    originale = utils.signature

    @functools.lru_cache(maxsize=1024)
    def _par_fonction(fonction, liee):
        return originale(fonction.__get__(object()) if liee else fonction)

    def signature(fn):
        if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
            return _par_fonction(fn.__func__, True)
        if isinstance(fn, types.FunctionType):
            return _par_fonction(fn, False)
        return originale(fn)

    signature.memorisee = True
    utils.signature = signature


def refuser_identifiants_hors_limites():
    """A chooser posted with an id beyond 64 bits made SQLite raise OverflowError (a 500): it is an invalid choice.

    Django's model choice fields catch ValueError and TypeError around their lookups, not OverflowError; the
    same French « choix valide » message is given instead.
    """
    from django import forms
    from django.core.exceptions import ValidationError

    if getattr(forms.ModelChoiceField.to_python, "protege", False):
        return
    to_python, check_values = forms.ModelChoiceField.to_python, forms.ModelMultipleChoiceField._check_values

    def to_python_protege(self, value):
        try:
            return to_python(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None

    def check_values_protege(self, value):
        try:
            return check_values(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(map(str, value))},
            ) from None

    to_python_protege.protege = True
    forms.ModelChoiceField.to_python = to_python_protege
    forms.ModelMultipleChoiceField._check_values = check_values_protege
