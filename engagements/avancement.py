"""Progress of the shared objectives: rate, prorata, status, running totals, past-date figures, national cache.

The progress rule is written twice, here only: in Python (`statut_pour`, `chiffres_au`) for figures already summed,
and in SQL (`expression_statut_calcule`, `expressions_avancement`) so that lists sort and filter on it. The property
tests of `tests/engagements/test_cumuls.py` prove the two forms equal.

Each objective keeps running totals of its achievements (`CHAMPS_CUMULES`): today's figures read them instead of
the 500,000 achievements. They are kept by one function, `tenir_cumuls`, which the models' own write methods call
(`Objectif` and `Realisation` save and delete, their QuerySets' delete, update and bulk_create): services, imports,
the admin and the shell all write through those. Only raw SQL escapes them, and must call `tenir_cumuls` itself.

`engagements.models` imports this module for its QuerySets, so the models are imported inside the functions here.
"""

import datetime

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partenariat.commun.dates import date_de_reference
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN


class Statut(models.TextChoices):
    """Progress against the share of the year elapsed (prorata), ±10 points of tolerance."""

    EN_AVANCE = "en_avance", _("En avance")
    DANS_LES_TEMPS = "dans_les_temps", _("Dans les temps")
    EN_RETARD = "en_retard", _("En retard")
    SANS_REALISATION = "sans_realisation", _("Sans réalisation")


TOLERANCE_STATUT = 10.0
CHAMPS_CUMULES = ("realise_cumule", "nb_realisations", "premiere_realisation", "derniere_realisation", "statut_final")


# --- The rule in Python ---------------------------------------------------------------------------------------------


def prorata_annee(annee, au):
    """Share (0–100) of calendar year `annee` elapsed on date `au`: what should be achieved by then."""
    debut = datetime.date(annee, 1, 1)
    fin = datetime.date(annee, 12, 31)
    if au < debut:
        return 0.0
    if au >= fin:
        return 100.0
    return round(((au - debut).days + 1) * 100.0 / ((fin - debut).days + 1), 2)


def prorata(annee, au):
    """`prorata_annee` within the protocol's period; an objective outside it is due in full."""
    return prorata_annee(annee, au) if ANNEE_DEBUT <= annee <= ANNEE_FIN else 100.0


def taux_realisation(realise, cible):
    """Completion rate in percent, None when there is no target to measure against."""
    if not cible:
        return None
    return realise * 100.0 / cible


def derniere_annee_close(au):
    """The last year wholly elapsed on `au`: its objectives' prorata is 100 %."""
    return au.year if (au.month, au.day) == (12, 31) else au.year - 1


def statut_pour(annee, cible, realise, a_realisation, au):
    """The status of an objective whose achievements dated by `au` add up to `realise`."""
    if not a_realisation:
        return Statut.SANS_REALISATION
    taux = taux_realisation(realise, cible)
    if taux is None:
        return Statut.DANS_LES_TEMPS
    attendu = prorata(annee, au)
    if taux >= attendu + TOLERANCE_STATUT:
        return Statut.EN_AVANCE
    if taux >= attendu - TOLERANCE_STATUT:
        return Statut.DANS_LES_TEMPS
    return Statut.EN_RETARD


def chiffres_au(au, annee, cible, cumul, nb, premiere, derniere, statut_final, sommes=None):
    """(realise, nb_realisations, statut) of one objective on `au` from its running totals: `expressions_avancement`
    in Python. `sommes` is (quantity, count) of its achievements dated by `au`, needed only when it has achievements
    on both sides of `au`."""
    if premiere is None or premiere > au:
        realise, nb = 0, 0
    elif derniere > au:
        realise, nb = sommes
    else:
        realise = cumul
    if annee <= derniere_annee_close(au) and (premiere is None or derniere <= au):
        return realise, nb, statut_final  # year over, no later achievement: the stored final status
    return realise, nb, statut_pour(annee, cible, realise, nb > 0, au)


# --- The rule in SQL ------------------------------------------------------------------------------------------------


def sous_requete_realisations(au, agregat):
    """`agregat` of an objective's achievements dated by `au`, as a subquery (no join, so no duplicated rows)."""
    from .models import Realisation

    realisations = Realisation.objects.filter(objectif=OuterRef("pk"), date__lte=au).order_by().values("objectif")
    return Coalesce(Subquery(realisations.annotate(v=agregat).values("v")[:1]), Value(0), output_field=IntegerField())


def expression_taux(realise, cible):
    """`taux_realisation` of two columns or annotations."""
    return Case(
        When(**{f"{cible}__gt": 0}, then=F(realise) * 100.0 / F(cible)),
        default=None,
        output_field=FloatField(),
    )


def _sans_realisation(au):
    return Q(premiere_realisation__isnull=True) | Q(premiere_realisation__gt=au)


def _a_terme(au):
    """Objectives whose status on `au` is their stored final status: year over, no achievement after `au`."""
    return Q(annee__lte=derniere_annee_close(au)) & (
        Q(premiere_realisation__isnull=True) | Q(derniere_realisation__lte=au)
    )


def expression_realise(au, cumul="realise_cumule", agregat=None):
    """Achieved quantity as of `au`, read from the objective's running totals whenever they answer.

    An objective whose last achievement is dated by `au` has achieved its running total, one without any
    achievement by `au` nothing; only objectives with achievements on both sides of `au` (a past reference date)
    sum their achievements, so today's figures never read the 500,000 achievements.
    """
    return Case(
        When(derniere_realisation__lte=au, then=F(cumul)),
        When(_sans_realisation(au), then=Value(0)),
        default=sous_requete_realisations(au, agregat or Sum("quantite")),
        output_field=IntegerField(),
    )


def expression_nb_realisations(au):
    """Number of achievements dated by `au`, from the running count like `expression_realise`."""
    return expression_realise(au, "nb_realisations", Count("pk"))


def expression_prorata(au):
    """`prorata` of each objective's year on `au`, in SQL: its values come from the Python function."""
    return Case(
        *[When(annee=annee, then=Value(prorata_annee(annee, au))) for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)],
        default=Value(100.0),
        output_field=FloatField(),
    )


def expression_statut_calcule(au):
    """`statut_pour` in SQL, on the running totals (a subquery only for past reference dates)."""
    realise = expression_realise(au)
    attendu = expression_prorata(au)
    # In floating point: PostgreSQL's numeric arithmetic costs more than the rest of the list's query.
    taux = Cast(realise, FloatField()) * Value(100.0) / Cast("cible", FloatField())
    return Case(
        When(_sans_realisation(au), then=Value(Statut.SANS_REALISATION)),
        When(cible=0, then=Value(Statut.DANS_LES_TEMPS)),  # before the rate: no division by zero
        When(GreaterThanOrEqual(taux, attendu + TOLERANCE_STATUT), then=Value(Statut.EN_AVANCE)),
        When(GreaterThanOrEqual(taux, attendu - TOLERANCE_STATUT), then=Value(Statut.DANS_LES_TEMPS)),
        default=Value(Statut.EN_RETARD),
        output_field=models.CharField(),
    )


def expressions_avancement(au):
    """realise, a_realisation, prorata and statut as of `au`, as SQL expressions (annotate or filter): `chiffres_au`
    in SQL, objectives whose year is over reading their stored final status."""
    return {
        "realise": expression_realise(au),
        "a_realisation": Case(
            When(_sans_realisation(au), then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
        "prorata": expression_prorata(au),
        "statut": Case(
            When(_a_terme(au), then=F("statut_final")),
            default=expression_statut_calcule(au),
            output_field=models.CharField(),
        ),
    }


def annoter_avancement(objectifs, au=None):
    """`objectifs` annotated with realise, a_realisation, prorata, statut and taux as of `au` (default today)."""
    return objectifs.annotate(**expressions_avancement(date_de_reference(au))).annotate(
        taux=expression_taux("realise", "cible")
    )


def filtrer_statut(objectifs, statut, au=None):
    """`objectifs` whose status on `au` is `statut`, without annotating the rows.

    Spelt out on the stored final status where it applies, so that the planner estimates the row count from the
    column's statistics: on the bare CASE it guessed 250 rows out of 14,000 and chose a nested loop.
    """
    au = date_de_reference(au)
    a_terme = _a_terme(au)
    return objectifs.alias(statut_calcule=expression_statut_calcule(au)).filter(
        (a_terme & Q(statut_final=statut)) | (~a_terme & Q(statut_calcule=statut))
    )


def nb_realisations_au(objectifs, au):
    """Achievements of `objectifs` dated by `au`, from the running counts (no scan of achievements)."""
    return objectifs.order_by().aggregate(n=Coalesce(Sum(expression_nb_realisations(au)), Value(0)))["n"]


# --- Running totals ---------------------------------------------------------------------------------------------


def recalculer_cumuls(objectifs, depuis=None):
    """Recompute the running totals and final status of `objectifs` from their achievements.

    Two UPDATEs: the final status reads the totals the first one wrote. Writers that may race go through
    `tenir_cumuls`, which locks the objectives first. `depuis`: the earliest achievement date the write touched
    (every date when unknown), for the journal of cached figures.
    """
    from .models import Realisation

    noter_modification(depuis)
    realisations = Realisation.objects.filter(objectif=OuterRef("pk")).order_by().values("objectif")
    objectifs = objectifs.order_by()
    objectifs.update(
        realise_cumule=Coalesce(
            Subquery(realisations.annotate(total=Sum("quantite")).values("total")[:1]),
            Value(0),
            output_field=models.PositiveBigIntegerField(),
        ),
        nb_realisations=Coalesce(
            Subquery(realisations.annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=models.PositiveIntegerField(),
        ),
        premiere_realisation=Subquery(realisations.annotate(d=Min("date")).values("d")[:1]),
        derniere_realisation=Subquery(realisations.annotate(d=Max("date")).values("d")[:1]),
    )
    return objectifs.update(statut_final=expression_statut_calcule(datetime.date.max))


def tenir_cumuls(ids, dates=(None,)):
    """Bring the running totals of objectives `ids` in step after a write touching achievements dated `dates`.

    The objectives are locked first (in one order, so writers never deadlock), then recomputed: the UPDATE's
    fresh snapshot sees every committed achievement, so two simultaneous writes both count. A `None` among the
    dates stands for every date.
    """
    from .models import Objectif

    ids = sorted({pk for pk in ids if pk is not None})
    dates = list(dates)
    depuis = None if not dates or None in dates else min(dates)
    if not ids:
        noter_modification(depuis)
        return
    with transaction.atomic():
        objectifs = Objectif.objects.filter(pk__in=ids)
        list(objectifs.select_for_update().order_by("pk").values_list("pk", flat=True))
        recalculer_cumuls(objectifs, depuis)


def touchees(realisations):
    """(objective ids, earliest date) of a QuerySet of achievements, before or after a write changes them."""
    lignes = list(realisations.order_by().values("objectif_id").annotate(d=Min("date")).values_list("objectif_id", "d"))
    return [pk for pk, _ in lignes], [d for _, d in lignes]


# --- Journal of writes, for cached figures --------------------------------------------------------------------


def noter_modification(date_min=None):
    """Record a write changing figures from `date_min` on (every date when None), inside the writer's transaction.

    The counter row's lock orders the writes. The journal keeps only what a reader can still need: a write
    supersedes every earlier entry from its date on (a later version reaching an earlier date answers
    `modifie_depuis` for them), so the journal stays a staircase of at most one entry per date and needs no pruning.
    """
    from .models import ModificationAvancement, VersionAvancement

    with transaction.atomic():
        if not VersionAvancement.objects.filter(pk=1).update(version=F("version") + 1):
            VersionAvancement.objects.get_or_create(pk=1)
            VersionAvancement.objects.filter(pk=1).update(version=F("version") + 1)
        version = VersionAvancement.objects.values_list("version", flat=True).get(pk=1)
        remplacees = ModificationAvancement.objects.all()
        if date_min is not None:
            remplacees = remplacees.filter(date_min__gte=date_min)
        remplacees.delete()
        ModificationAvancement.objects.create(version=version, date_min=date_min)


def version_avancement():
    from .models import VersionAvancement

    return VersionAvancement.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def modifie_depuis(version, au):
    """Whether a write committed after `version` changed the figures as of `au`."""
    from .models import ModificationAvancement

    return (
        ModificationAvancement.objects.filter(version__gt=version)
        .filter(Q(date_min__isnull=True) | Q(date_min__lte=au))
        .exists()
    )


# --- Aggregates and the national cache ------------------------------------------------------------------------


def avancement_national(au):
    """`agreger_avancement` of every objective agreed by `au`, plus every achievement counted, kept in cache.

    The cached figures are served while no write since their computation reached `au` (the journal): a date in
    2013 stays cached while staff record this year's achievements.
    """
    from .models import Objectif

    cle = f"avancement-national:{au.isoformat()}"
    entree = cache.get(cle)
    if entree is not None and not modifie_depuis(entree[0], au):
        return entree[1]
    version = version_avancement()  # read before computing: a write committed meanwhile invalidates
    avancement = agreger_avancement(Objectif.objects.convenus_au(au), au)
    avancement["nb_realisations_total"] = avancement["nb_realisations"] + nb_realisations_au(
        Objectif.objects.non_convenus_au(au), au
    )
    cache.set(cle, (version, avancement), timeout=3600)
    return avancement


def agreger_avancement(objectifs, au):
    """Totals, counts by status and by scheme, and achievements counted, of a set of objectives as of `au`.

    Today (or later) every objective's figures are its running totals: one grouped SQL query. On a past date
    the objectives with achievements on both sides of `au` need their sums up to `au`; SQL would repeat that
    subquery in every expression using it (0.4 s on 50,000 objectives), so their sums come from one grouped
    query and the rule's Python form (`chiffres_au`) is applied here.
    """
    if au >= timezone.localdate():
        return _agreger_en_sql(objectifs, au)
    return _agreger_a_date_passee(objectifs, au)


def _resultat(par_statut, par_dispositif, nb_realisations):
    from .models import Dispositif

    cible = sum(cumul["cible"] for cumul in par_dispositif.values())
    realise = sum(cumul["realise"] for cumul in par_dispositif.values())
    return {
        "totaux": {"cible_totale": cible, "realise_total": realise, "taux": taux_realisation(realise, cible)},
        "statuts": [(Statut(code).label, code, par_statut[code]) for code in Statut.values],
        "par_dispositif": [
            (libelle, par_dispositif[code]) for code, libelle in Dispositif.choices if code in par_dispositif
        ],
        "nb_realisations": nb_realisations,
    }


def _agreger_en_sql(objectifs, au):
    """Grouped by scheme (7 groups, hashed), counted by status with filtered counts: grouping by the status
    expression itself made PostgreSQL sort the 50,000 rows."""
    par_code = {code: Count("pk", filter=Q(statut=code)) for code in Statut.values}
    groupes = (
        annoter_avancement(objectifs.order_by(), au)
        .values("dispositif")
        .annotate(
            n=Count("pk"),
            cible_groupe=Sum("cible"),
            realise_groupe=Sum("realise"),
            nb_groupe=Sum(expression_nb_realisations(au)),
            **par_code,
        )
    )
    par_statut = dict.fromkeys(Statut.values, 0)
    par_dispositif = {}
    nb_realisations = 0
    for groupe in groupes:
        for code in Statut.values:
            par_statut[code] += groupe[code]
        par_dispositif[groupe["dispositif"]] = {
            "n": groupe["n"],
            "cible": groupe["cible_groupe"] or 0,
            "realise": int(groupe["realise_groupe"] or 0),
        }
        nb_realisations += int(groupe["nb_groupe"] or 0)
    return _resultat(par_statut, par_dispositif, nb_realisations)


def _agreger_a_date_passee(objectifs, au):
    from .models import Realisation

    a_cheval = objectifs.filter(premiere_realisation__lte=au, derniere_realisation__gt=au)
    sommes = {
        pk: (total, n)
        for pk, total, n in Realisation.objects.filter(date__lte=au, objectif__in=a_cheval.values("pk"))
        .order_by()
        .values("objectif")
        .annotate(total=Sum("quantite"), n=Count("pk"))
        .values_list("objectif", "total", "n")
    }
    par_statut = dict.fromkeys(Statut.values, 0)
    par_dispositif = {}
    nb_realisations = 0
    lignes = objectifs.order_by().values_list("pk", "dispositif", "cible", "annee", *CHAMPS_CUMULES[:4], "statut_final")
    for pk, dispositif, cible, annee, cumul, nb, premiere, derniere, statut_final in lignes:
        realise, nb, statut = chiffres_au(au, annee, cible, cumul, nb, premiere, derniere, statut_final, sommes.get(pk))
        par_statut[statut] += 1
        groupe = par_dispositif.setdefault(dispositif, {"n": 0, "cible": 0, "realise": 0})
        groupe["n"] += 1
        groupe["cible"] += cible
        groupe["realise"] += realise
        nb_realisations += nb
    return _resultat(par_statut, par_dispositif, nb_realisations)
