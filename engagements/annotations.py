"""What the lists and pages of areas and conferences show of their objectives, annotated in SQL so every column sorts.

An area's or a conference's objective summary belongs here, above the territory and the conferences: those apps
know nothing of objectives.
"""

from django.db import models
from django.db.models.functions import Coalesce

from conferences.models import avec_conference
from partenariat.commun.dates import date_de_reference

from .avancement import expression_realise, expression_taux
from .models import Objectif


def annoter_aires(aires, au=None):
    """Phase, first conference, objectives agreed by `au`, target, achieved and rate of each area."""
    au = date_de_reference(au)
    objectifs = Objectif.objects.filter(aire=models.OuterRef("pk")).convenus_au(au).order_by().values("aire")
    # Every objective of the area counts its achievements, agreed yet or not, from its running totals.
    realisations = Objectif.objects.filter(aire=models.OuterRef("pk")).order_by().values("aire")
    entier = models.IntegerField()
    return (
        avec_conference(aires.avec_phase(au))
        .annotate(
            nb_objectifs=Coalesce(
                models.Subquery(objectifs.annotate(n=models.Count("pk")).values("n")[:1]), 0, output_field=entier
            ),
            cible_totale=Coalesce(
                models.Subquery(objectifs.annotate(s=models.Sum("cible")).values("s")[:1]), 0, output_field=entier
            ),
            realise_total=Coalesce(
                models.Subquery(realisations.annotate(s=models.Sum(expression_realise(au))).values("s")[:1]),
                0,
                output_field=entier,
            ),
        )
        .annotate(taux=expression_taux("realise_total", "cible_totale"))
    )


def annoter_conferences(conferences):
    """The number of objectives each conference agreed."""
    lignes = Objectif.objects.filter(conference=models.OuterRef("pk")).order_by().values("conference")
    nombre = models.Subquery(lignes.annotate(n=models.Count("pk")).values("n")[:1])
    return conferences.annotate(nb_objectifs=Coalesce(nombre, 0, output_field=models.IntegerField()))
