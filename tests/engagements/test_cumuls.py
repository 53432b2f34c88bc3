"""Each objective's running totals and final status always equal what its achievements say, whatever wrote them."""

import datetime
import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Sum
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages
from hypothesis import strategies as st

from engagements import avancement, services
from engagements.avancement import EtatRealisation, Statut, statut_pour
from engagements.imports import LigneImport
from engagements.models import Dispositif, Objectif, Realisation
from partenariat.roles import synchroniser_roles
from tests import fabriques
from tests.acteurs import construire_monde

pytestmark = pytest.mark.django_db
D = datetime.date


def cumuls_recalcules(objectif):
    """The totals as they follow from the achievements, computed here without the running totals.

    The validated totals count validated achievements only; the provisional ones count submitted ones too.
    """
    attendus = {}
    for etats, champs in (
        ((EtatRealisation.VALIDEE,), avancement.VALIDEES),
        ((EtatRealisation.VALIDEE, EtatRealisation.SOUMISE), avancement.PROVISOIRES),
    ):
        brut = Realisation.objects.filter(objectif=objectif, etat__in=etats).aggregate(
            total=Sum("quantite"), n=Count("pk"), premiere=Min("date"), derniere=Max("date")
        )
        attendus.update(
            {
                champs.realise: brut["total"] or 0,
                champs.nb: brut["n"],
                champs.premiere: brut["premiere"],
                champs.derniere: brut["derniere"],
                champs.statut_final: statut_pour(
                    objectif.annee, objectif.cible, brut["total"] or 0, brut["n"] > 0, D.max
                ),
            }
        )
    attendus["nb_en_attente"] = Realisation.objects.filter(objectif=objectif, etat=EtatRealisation.SOUMISE).count()
    return attendus


def cumuls_enregistres(objectif):
    return Objectif.objects.filter(pk=objectif.pk).values(*cumuls_recalcules(objectif)).get()


def verifier(*objectifs):
    for objectif in objectifs:
        objectif.refresh_from_db()
        assert cumuls_enregistres(objectif) == cumuls_recalcules(objectif)


def valider(*realisations, par):
    """Validate as the queue does, by someone other than the author."""
    return services.valider_selection({r.pk: Realisation.objects.get(pk=r.pk).version for r in realisations}, par)


def test_les_cumuls_suivent_saisie_correction_deplacement_et_suppression(monde):
    uesl, admin = monde.utilisateurs["uesl"], monde.utilisateurs["admin"]
    objectif = monde.objectif_lyon
    autre = fabriques.objectif(objectif.aire, annee=2014, cible=40)
    verifier(objectif, autre)

    premiere = services.enregistrer_realisation(Realisation(objectif=objectif, date=D(2013, 9, 1), quantite=30), uesl)
    seconde = services.enregistrer_realisation(Realisation(objectif=objectif, date=D(2013, 4, 1), quantite=5), uesl)
    verifier(objectif, autre)
    # Submitted: the validated totals have not moved (the world's validated 30), the provisional ones have.
    assert cumuls_enregistres(objectif)["realise_cumule"] == 30
    assert cumuls_enregistres(objectif)["realise_provisoire"] == 65
    assert cumuls_enregistres(objectif)["nb_en_attente"] == 2
    valider(premiere, seconde, par=admin)
    verifier(objectif, autre)
    assert cumuls_enregistres(objectif)["realise_cumule"] == 65
    assert cumuls_enregistres(objectif)["premiere_realisation"] == D(2013, 4, 1)

    premiere.refresh_from_db()
    premiere.quantite, premiere.date = 12, D(2013, 11, 30)
    services.enregistrer_realisation(premiere, uesl)  # a correction is submitted again: it stops counting
    verifier(objectif)
    assert cumuls_enregistres(objectif)["realise_cumule"] == 35
    assert cumuls_enregistres(objectif)["derniere_realisation"] == D(2013, 4, 1)
    valider(premiere, par=admin)
    verifier(objectif)
    assert cumuls_enregistres(objectif)["derniere_realisation"] == D(2013, 11, 30)

    seconde.refresh_from_db()
    seconde.objectif = autre  # as the admin can do
    seconde.save()
    verifier(objectif, autre)
    assert cumuls_enregistres(autre)["realise_cumule"] == 5

    premiere.refresh_from_db()
    premiere.delete()
    verifier(objectif, autre)


def test_l_import_met_les_cumuls_a_jour(monde):
    objectif = monde.objectif_lyon
    lignes = [
        LigneImport(2, objectif, D(2013, 9, 1), 10, "Lot A"),
        LigneImport(3, objectif, D(2013, 10, 1), 5),
    ]
    crees = services.importer_realisations(lignes, monde.utilisateurs["secretariat"], uuid.uuid4())
    verifier(objectif)
    assert (cumuls_enregistres(objectif)["realise_cumule"], cumuls_enregistres(objectif)["realise_provisoire"]) == (
        30,
        45,
    )
    valider(*crees, par=monde.utilisateurs["uesl"])
    verifier(objectif)
    assert cumuls_enregistres(objectif)["realise_cumule"] == 45


def test_un_formulaire_ouvert_avant_une_saisie_n_efface_pas_les_cumuls(monde):
    """The objective read before an achievement was recorded is saved after it: its stale totals are not written."""
    objectif_lu = Objectif.objects.get(pk=monde.objectif_lyon.pk)
    fabriques.realisation(monde.objectif_lyon, 25, D(2013, 6, 1))
    objectif_lu.notes = "Précision apportée en réunion"
    objectif_lu.save()
    verifier(monde.objectif_lyon)


def test_changer_la_cible_change_le_statut_final():
    objectif = fabriques.objectif(fabriques.aire(), annee=2013, cible=100)
    fabriques.realisation(objectif, 95, D(2013, 5, 1))
    assert cumuls_enregistres(objectif)["statut_final"] == Statut.DANS_LES_TEMPS
    objectif.cible = 300
    objectif.save()
    assert cumuls_enregistres(objectif)["statut_final"] == Statut.EN_RETARD
    assert Objectif.objects.avec_avancement(D(2020, 1, 1)).get().statut == Statut.EN_RETARD


def test_ecritures_en_masse_et_par_lots_tiennent_les_cumuls(monde):
    """The admin's bulk deletion, a QuerySet update (or `bulk_update`) and `bulk_create` keep the totals too."""
    objectif = monde.objectif_lyon
    autre = fabriques.objectif(objectif.aire, annee=2014, cible=40)
    Realisation.objects.bulk_create(
        [
            Realisation(objectif=objectif, date=D(2013, 3, 1), quantite=4, etat=EtatRealisation.VALIDEE),
            Realisation(objectif=autre, date=D(2014, 2, 1), quantite=6, etat=EtatRealisation.VALIDEE),
            Realisation(objectif=autre, date=D(2014, 3, 1), quantite=9),  # submitted: provisional totals only
        ]
    )
    verifier(objectif, autre)
    Realisation.objects.filter(objectif=autre).update(objectif=objectif, date=D(2013, 2, 1))
    verifier(objectif, autre)
    realisations = list(Realisation.objects.filter(objectif=objectif))
    for realisation in realisations:
        realisation.quantite += 1
    Realisation.objects.bulk_update(realisations, ["quantite"])
    verifier(objectif, autre)
    Realisation.objects.filter(objectif=objectif, date__lte=D(2013, 3, 1)).delete()
    verifier(objectif, autre)


def test_le_journal_ne_garde_que_les_entrees_utiles():
    """A write supersedes the entries from its date on: the journal never grows past one entry per date."""
    from engagements.models import ModificationAvancement

    def journal():
        return list(ModificationAvancement.objects.order_by("version").values_list("date_min", flat=True))

    ModificationAvancement.objects.all().delete()
    for jour in (D(2013, 5, 1), D(2014, 1, 1), D(2013, 9, 1), D(2013, 9, 1)):
        avancement.noter_modification(jour)
    assert journal() == [D(2013, 5, 1), D(2013, 9, 1)]
    avancement.noter_modification()
    assert journal() == [None]
    avancement.noter_modification(D(2015, 1, 1))
    version = avancement.version_avancement()
    assert journal() == [None, D(2015, 1, 1)]
    assert not avancement.modifie_depuis(version, D(2016, 1, 1))
    assert avancement.modifie_depuis(version - 1, D(2015, 1, 1))
    assert not avancement.modifie_depuis(version - 1, D(2014, 12, 31))


def test_supprimer_un_objectif_supprime_ses_realisations_sans_erreur():
    objectif = fabriques.objectif(fabriques.aire(), annee=2013, cible=100)
    fabriques.realisation(objectif, 10, D(2013, 5, 1))
    objectif.delete()
    assert not Realisation.objects.exists()


DATES = st.dates(min_value=D(2012, 6, 27), max_value=D(2016, 3, 1))


@reglages(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    objectifs=st.lists(
        st.tuples(
            st.sampled_from([2013, 2014, 2015]),
            st.integers(0, 200),
            st.lists(st.tuples(DATES, st.integers(0, 120)), max_size=5),
        ),
        min_size=1,
        max_size=6,
    ),
    dates=st.lists(st.one_of(DATES, st.sampled_from([D(2013, 12, 31), D(2014, 12, 31), D(2026, 1, 1)])), max_size=4),
)
def test_avancement_sql_egal_a_la_regle_sur_les_realisations(objectifs, dates):
    """For any achievements and any reference date, the pages' figures equal the rule applied to raw sums."""
    Realisation.objects.all().delete()
    Objectif.objects.all().delete()
    aire = fabriques.aire()
    crees = []
    for rang, (annee, cible, realisations) in enumerate(objectifs):
        objectif = fabriques.objectif(aire, annee=annee, cible=cible, dispositif=Dispositif.values[rang])
        for date, quantite in realisations:
            fabriques.realisation(objectif, quantite, date)
        crees.append((objectif, realisations))
    for au in dates:
        attendus = {}
        for objectif, realisations in crees:
            jusqu_a = [quantite for date, quantite in realisations if date <= au]
            realise = sum(jusqu_a)
            attendus[objectif.pk] = (realise, statut_pour(objectif.annee, objectif.cible, realise, bool(jusqu_a), au))
        calcules = {o.pk: (o.realise, o.statut) for o in Objectif.objects.avec_avancement(au)}
        assert calcules == attendus
        for statut in Statut.values:
            attendu = {pk for pk, (_, s) in attendus.items() if s == statut}
            assert set(Objectif.objects.de_statut(statut, au).values_list("pk", flat=True)) == attendu
        nb = sum(1 for _, realisations in crees for date, _ in realisations if date <= au)
        assert Objectif.objects.nb_realisations_au(au) == nb
        # The rule's Python form on the running totals (the dashboard's past dates) equals its SQL form.
        en_python = avancement._agreger_a_date_passee(Objectif.objects.all(), au)
        assert en_python == avancement._agreger_en_sql(Objectif.objects.all(), au)
        assert en_python["nb_realisations"] == nb


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="écritures simultanées : PostgreSQL seulement"
)
def test_saisies_simultanees_sur_un_objectif_toutes_comptees():
    """Staff recording at the same instant on one objective, while its target is edited: no deadlock, no error,
    and every quantity is in the total."""
    synchroniser_roles()
    monde = construire_monde()
    uesl = monde.utilisateurs["uesl"]
    # Five threads: with the test's own connection and the browser tests' server, within the pool's eight.
    quantites = [1, 10, 100, 1000]
    barriere = threading.Barrier(len(quantites) + 1)
    erreurs = []

    def saisir(quantite):
        try:
            Objectif.objects.exists()  # connected before the barrier: the writes really overlap
            barriere.wait(timeout=30)
            for _ in range(5):
                realisation = Realisation(objectif_id=monde.objectif_lyon.pk, date=D(2013, 10, 1), quantite=quantite)
                services.enregistrer_realisation(realisation, uesl)
        except Exception as erreur:  # noqa: BLE001 — reported by the assertion below
            erreurs.append(repr(erreur))
        finally:
            connection.close()

    def modifier_la_cible():
        try:
            Objectif.objects.exists()
            barriere.wait(timeout=30)
            for cible in range(200, 205):
                objectif = Objectif.objects.get(pk=monde.objectif_lyon.pk)
                objectif.cible = cible
                services.modifier_objectif(objectif, uesl, objectif.version, motif="Révision")
        except Exception as erreur:  # noqa: BLE001
            erreurs.append(repr(erreur))
        finally:
            connection.close()

    fils = [threading.Thread(target=saisir, args=(q,)) for q in quantites]
    fils.append(threading.Thread(target=modifier_la_cible))
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert erreurs == []
    verifier(monde.objectif_lyon)
    assert Realisation.objects.filter(objectif=monde.objectif_lyon, quantite__in=quantites).count() == 20
