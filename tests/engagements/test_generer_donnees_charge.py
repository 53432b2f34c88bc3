"""The load data set: reproducible, bulk-inserted, with running totals equal to the achievements."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from engagements.models import Objectif, Realisation
from tests import fabriques

pytestmark = pytest.mark.django_db


def test_generation_reproductible_et_cumuls_justes():
    fabriques.jeu_de_donnees(4, objectifs_par_aire=1, realisations_par_objectif=1)
    call_command("generer_donnees_charge", objectifs=60, realisations=400, verbosity=0)
    generes = Objectif.objects.filter(notes__endswith="objectif généré")
    assert generes.count() == 60
    assert Realisation.objects.filter(objectif__in=generes).count() == 400
    premier = sorted(generes.values_list("aire__code", "dispositif", "annee", "unite", "cible", "realise_cumule"))
    assert (
        generes.aggregate(s=Sum("realise_cumule"))["s"]
        == Realisation.objects.aggregate(s=Sum("quantite"))["s"]
        - Realisation.objects.exclude(objectif__in=generes).aggregate(s=Sum("quantite"))["s"]
    )

    call_command("generer_donnees_charge", objectifs=60, realisations=400, verbosity=0)  # replaces, same draw
    generes = Objectif.objects.filter(notes__endswith="objectif généré")
    assert sorted(generes.values_list("aire__code", "dispositif", "annee", "unite", "cible", "realise_cumule")) == (
        premier
    )
    for objectif in generes:
        assert objectif.realise_cumule == sum(objectif.realisations.values_list("quantite", flat=True))


def test_nombres_negatifs_refuses_en_francais():
    with pytest.raises(CommandError, match="doivent être positifs"):
        call_command("generer_donnees_charge", objectifs=-1, verbosity=0)
