"""The load data set: reproducible, bulk-inserted, with running totals equal to the achievements."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone

from engagements.models import Objectif, Realisation
from tests import fabriques

pytestmark = pytest.mark.django_db


def test_generation_reproductible_et_cumuls_justes():
    fabriques.jeu_de_donnees(4, objectifs_par_aire=1, realisations_par_objectif=1)
    call_command("generer_donnees_charge", objectifs=60, realisations=400, verbosity=0)
    generes = Objectif.objects.filter(notes__endswith="objectif généré")
    assert generes.count() == 60
    assert Realisation.objects.filter(objectif__in=generes).count() == 400
    champs = ("aire__code", "dispositif", "annee", "unite", "cible", "realise_cumule", "realise_provisoire")
    premier = sorted(generes.values_list(*champs, "nb_en_attente"))
    validees = Realisation.objects.filter(etat="validee")
    assert (
        generes.aggregate(s=Sum("realise_cumule"))["s"]
        == validees.aggregate(s=Sum("quantite"))["s"]
        - validees.exclude(objectif__in=generes).aggregate(s=Sum("quantite"))["s"]
    )

    call_command("generer_donnees_charge", objectifs=60, realisations=400, verbosity=0)  # replaces, same draw
    generes = Objectif.objects.filter(notes__endswith="objectif généré")
    assert sorted(generes.values_list(*champs, "nb_en_attente")) == premier
    for objectif in generes:
        assert objectif.realise_cumule == sum(
            objectif.realisations.filter(etat="validee").values_list("quantite", flat=True)
        )
        assert objectif.realise_provisoire == sum(
            objectif.realisations.exclude(etat="renvoyee").values_list("quantite", flat=True)
        )


def test_une_part_realiste_en_attente_et_renvoyee_et_des_cumuls_par_etat():
    fabriques.jeu_de_donnees(4, objectifs_par_aire=1, realisations_par_objectif=1)
    sortie = io.StringIO()
    call_command("generer_donnees_charge", objectifs=60, realisations=2000, stdout=sortie)
    generees = Realisation.objects.filter(objectif__notes__endswith="objectif généré")

    par_etat = dict(generees.order_by().values_list("etat").annotate(n=Count("pk")))
    assert par_etat == {"validee": 1950, "soumise": 40, "renvoyee": 10}  # 2 % pending, 0.5 % returned
    assert "Dont 40 en attente de validation et 10 renvoyées." in sortie.getvalue()
    # Spread over the objectives and over weeks of waiting, so the queue's filters have something to sort.
    en_attente = generees.filter(etat="soumise")
    assert en_attente.values("objectif").distinct().count() > 20
    ages = [(timezone.now() - soumise_le).days for soumise_le in en_attente.values_list("soumise_le", flat=True)]
    assert min(ages) < 30 < max(ages) <= 90
    renvoyees = generees.filter(etat="renvoyee")
    assert not renvoyees.filter(Q(examinee_le=None) | Q(commentaire_examen="")).exists()
    for renvoyee in renvoyees:
        assert renvoyee.soumise_le < renvoyee.examinee_le <= timezone.now()

    for objectif in Objectif.objects.filter(notes__endswith="objectif généré").annotate(
        valide=Sum("realisations__quantite", filter=Q(realisations__etat="validee"), default=0),
        provisoire=Sum("realisations__quantite", filter=Q(realisations__etat__in=["validee", "soumise"]), default=0),
        nb_valides=Count("realisations", filter=Q(realisations__etat="validee")),
        nb_soumises=Count("realisations", filter=Q(realisations__etat="soumise")),
    ):
        assert (objectif.realise_cumule, objectif.nb_realisations) == (objectif.valide, objectif.nb_valides)
        assert (objectif.realise_provisoire, objectif.nb_provisoires) == (
            objectif.provisoire,
            objectif.nb_valides + objectif.nb_soumises,
        )
        assert objectif.nb_en_attente == objectif.nb_soumises


def test_nombres_negatifs_refuses_en_francais():
    with pytest.raises(CommandError, match="doivent être positifs"):
        call_command("generer_donnees_charge", objectifs=-1, verbosity=0)
