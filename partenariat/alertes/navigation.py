"""The count of alerts in the navigation, on every page of a signed-in person."""

import functools


def decompte_alertes(request):
    """A callable: templates call it only where they show it, once per page (`services.nb_alertes` keeps it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .services import nb_alertes

    return {"nb_alertes": functools.cache(lambda: nb_alertes(user))}
