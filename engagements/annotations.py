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


def _somme(lignes, expression):
    return Coalesce(
        models.Subquery(lignes.annotate(s=models.Sum(expression)).values("s")[:1]),
        0,
        output_field=models.IntegerField(),
    )


def annoter_aires(aires, au=None, provisoire=False):
    """Phase, first conference, objectives agreed by `au`, target, achieved and rate of each area, and its
    achievements awaiting validation (`nb_en_attente`, whatever their date).

    The achieved quantity counts validated achievements, or with `provisoire` the pending ones too.
    """
    au = date_de_reference(au)
    objectifs = Objectif.objects.filter(aire=models.OuterRef("pk")).convenus_au(au).order_by().values("aire")
    # Every objective of the area counts its achievements, agreed yet or not, from its running totals.
    realisations = Objectif.objects.filter(aire=models.OuterRef("pk")).order_by().values("aire")
    return (
        avec_conference(aires.avec_phase(au))
        .annotate(
            nb_objectifs=Coalesce(
                models.Subquery(objectifs.annotate(n=models.Count("pk")).values("n")[:1]),
                0,
                output_field=models.IntegerField(),
            ),
            cible_totale=_somme(objectifs, "cible"),
            realise_total=_somme(realisations, expression_realise(au, provisoire)),
            nb_en_attente=_somme(realisations, "nb_en_attente"),
        )
        .annotate(taux=expression_taux("realise_total", "cible_totale"))
    )


def annoter_conferences(conferences):
    """The number of objectives each conference agreed, and the achievements awaiting validation on the objectives
    of its areas (those its page and report count)."""
    lignes = Objectif.objects.filter(conference=models.OuterRef("pk")).order_by().values("conference")
    nombre = models.Subquery(lignes.annotate(n=models.Count("pk")).values("n")[:1])
    # One row per objective: the join to the areas is narrowed to this conference's link to each area.
    de_ses_aires = (
        Objectif.objects.filter(aire__conferences=models.OuterRef("pk")).order_by().values("aire__conferences")
    )
    return conferences.annotate(
        nb_objectifs=Coalesce(nombre, 0, output_field=models.IntegerField()),
        nb_en_attente=_somme(de_ses_aires, "nb_en_attente"),
    )
