"""Keep each objective's running totals in step with its achievements, whatever saves them (pages, admin)."""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Objectif, Realisation

_etat = threading.local()


@contextmanager
def cumuls_suspendus():
    """For bulk rewrites that recompute every total once at the end (`recalculer_cumuls`)."""
    _etat.suspendu = True
    try:
        yield
    finally:
        _etat.suspendu = False


def recalculer(ids):
    """Lock the objectives, then recompute: the UPDATE's fresh snapshot sees every committed achievement."""
    ids = sorted({pk for pk in ids if pk is not None})
    if not ids or getattr(_etat, "suspendu", False):
        return
    with transaction.atomic():
        objectifs = Objectif.objects.filter(pk__in=ids)
        list(objectifs.select_for_update().order_by("pk").values_list("pk", flat=True))
        objectifs.recalculer_cumuls()


@receiver(pre_save, sender=Realisation)
def retenir_objectif_precedent(sender, instance, **kwargs):
    """An achievement moved to another objective must leave the former one's totals too."""
    if instance.pk is None:
        instance._objectif_precedent = None
        return
    instance._objectif_precedent = (
        Realisation.objects.filter(pk=instance.pk).values_list("objectif_id", flat=True).first()
    )


@receiver(post_save, sender=Realisation)
def realisation_enregistree(sender, instance, **kwargs):
    recalculer([instance.objectif_id, getattr(instance, "_objectif_precedent", None)])


@receiver(post_delete, sender=Realisation)
def realisation_supprimee(sender, instance, **kwargs):
    recalculer([instance.objectif_id])
