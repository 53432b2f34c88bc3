"""Keep each objective's running totals in step with its achievements, whatever saves them (pages, admin)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Objectif, Realisation, noter_modification


def recalculer(ids, dates):
    """Lock the objectives, then recompute: the UPDATE's fresh snapshot sees every committed achievement."""
    ids = sorted({pk for pk in ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        objectifs = Objectif.objects.filter(pk__in=ids)
        list(objectifs.select_for_update().order_by("pk").values_list("pk", flat=True))
        objectifs.recalculer_cumuls(depuis=min((d for d in dates if d is not None), default=None))


@receiver(pre_save, sender=Realisation)
def retenir_etat_precedent(sender, instance, **kwargs):
    """An achievement moved to another objective or date changes the former one's figures too."""
    precedent = None
    if instance.pk is not None:
        precedent = Realisation.objects.filter(pk=instance.pk).values_list("objectif_id", "date").first()
    instance._avant_enregistrement = precedent or (None, None)


@receiver(post_save, sender=Realisation)
def realisation_enregistree(sender, instance, **kwargs):
    objectif_precedent, date_precedente = getattr(instance, "_avant_enregistrement", (None, None))
    recalculer([instance.objectif_id, objectif_precedent], [instance.date, date_precedente])


@receiver(post_delete, sender=Realisation)
def realisation_supprimee(sender, instance, **kwargs):
    recalculer([instance.objectif_id], [instance.date])


@receiver(post_delete, sender=Objectif)
def objectif_supprime(sender, instance, **kwargs):
    noter_modification()
