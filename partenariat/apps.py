import functools
import types

from django.apps import AppConfig


class PartenariatConfig(AppConfig):
    name = "partenariat"
    verbose_name = "Partenariat"

    def ready(self):
        memoriser_signatures_tables2()


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
