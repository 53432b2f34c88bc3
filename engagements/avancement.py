"""Progress of the shared objectives: rate, prorata, status, running totals, past-date figures, national cache.

The progress rule is written twice, here only: in Python (`statut_pour`, `chiffres_au`) for figures already summed,
and in SQL (`expression_statut_calcule`, `expressions_avancement`) so that lists sort and filter on it. The property
tests of `tests/engagements/test_cumuls.py` prove the two forms equal.

Each objective keeps running totals of its achievements (`CHAMPS_CUMULES`): today's figures read them instead of
the 500,000 achievements. Two sets of totals: the validated achievements (what every figure counts by default)
and the provisional ones (validated plus submitted, shown by the "include pending achievements" switch); a
`Comptage` names which set a figure reads. They are kept by one function, `tenir_cumuls`, which the models' own
write methods call (`Objectif` and `Realisation` save and delete, their QuerySets' delete, update and
bulk_create): services, imports, the admin and the shell all write through those. Only raw SQL escapes them,
and must call `tenir_cumuls` itself.

`engagements.models` imports this module for its QuerySets, so the models are imported inside the functions here.
"""

import datetime
from dataclasses import dataclass

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


class EtatRealisation(models.TextChoices):
    """An achievement counts once someone other than its author has validated it."""

    SOUMISE = "soumise", _("Soumise")
    VALIDEE = "validee", _("Validée")
    RENVOYEE = "renvoyee", _("Renvoyée")


TOLERANCE_STATUT = 10.0


@dataclass(frozen=True)
class Comptage:
    """Which achievements a figure counts (their states), and the objective's running totals of those."""

    etats: tuple
    realise: str
    nb: str
    premiere: str
    derniere: str
    statut_final: str

    @property
    def champs(self):
        return (self.realise, self.nb, self.premiere, self.derniere, self.statut_final)


VALIDEES = Comptage(
    (EtatRealisation.VALIDEE,),
    "realise_cumule",
    "nb_realisations",
    "premiere_realisation",
    "derniere_realisation",
    "statut_final",
)
PROVISOIRES = Comptage(
    (EtatRealisation.VALIDEE, EtatRealisation.SOUMISE),
    "realise_provisoire",
    "nb_provisoires",
    "premiere_provisoire",
    "derniere_provisoire",
    "statut_final_provisoire",
)
CHAMPS_CUMULES = (*VALIDEES.champs, *PROVISOIRES.champs, "nb_en_attente")


def comptage(provisoire=False):
    """The validated figures, or with `provisoire` the provisional ones (pending achievements included)."""
    return PROVISOIRES if provisoire else VALIDEES


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


def realisations_comptees(provisoire=False):
    """The achievements the figures count: validated ones, or with `provisoire` the submitted ones too."""
    from .models import Realisation

    return Realisation.objects.filter(etat__in=comptage(provisoire).etats)


def sous_requete_realisations(au, agregat, provisoire=False):
    """`agregat` of an objective's counted achievements dated by `au`, as a subquery (no join, no duplicates)."""
    realisations = (
        realisations_comptees(provisoire).filter(objectif=OuterRef("pk"), date__lte=au).order_by().values("objectif")
    )
    return Coalesce(Subquery(realisations.annotate(v=agregat).values("v")[:1]), Value(0), output_field=IntegerField())


def expression_taux(realise, cible):
    """`taux_realisation` of two columns or annotations."""
    return Case(
        When(**{f"{cible}__gt": 0}, then=F(realise) * 100.0 / F(cible)),
        default=None,
        output_field=FloatField(),
    )


def _sans_realisation(au, c=VALIDEES):
    return Q(**{f"{c.premiere}__isnull": True}) | Q(**{f"{c.premiere}__gt": au})


def _a_terme(au, c=VALIDEES):
    """Objectives whose status on `au` is their stored final status: year over, no achievement after `au`."""
    return Q(annee__lte=derniere_annee_close(au)) & (
        Q(**{f"{c.premiere}__isnull": True}) | Q(**{f"{c.derniere}__lte": au})
    )


def expression_realise(au, provisoire=False, cumul=None, agregat=None):
    """Achieved quantity as of `au`, read from the objective's running totals whenever they answer.

    An objective whose last achievement is dated by `au` has achieved its running total, one without any
    achievement by `au` nothing; only objectives with achievements on both sides of `au` (a past reference date)
    sum their achievements, so today's figures never read the 500,000 achievements.
    """
    c = comptage(provisoire)
    return Case(
        When(**{f"{c.derniere}__lte": au}, then=F(cumul or c.realise)),
        When(_sans_realisation(au, c), then=Value(0)),
        default=sous_requete_realisations(au, agregat or Sum("quantite"), provisoire),
        output_field=IntegerField(),
    )


def expression_nb_realisations(au, provisoire=False):
    """Number of counted achievements dated by `au`, from the running count like `expression_realise`."""
    return expression_realise(au, provisoire, comptage(provisoire).nb, Count("pk"))


def expression_prorata(au):
    """`prorata` of each objective's year on `au`, in SQL: its values come from the Python function."""
    return Case(
        *[When(annee=annee, then=Value(prorata_annee(annee, au))) for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)],
        default=Value(100.0),
        output_field=FloatField(),
    )


def expression_statut_calcule(au, provisoire=False):
    """`statut_pour` in SQL, on the running totals (a subquery only for past reference dates)."""
    realise = expression_realise(au, provisoire)
    attendu = expression_prorata(au)
    # In floating point: PostgreSQL's numeric arithmetic costs more than the rest of the list's query.
    taux = Cast(realise, FloatField()) * Value(100.0) / Cast("cible", FloatField())
    return Case(
        When(_sans_realisation(au, comptage(provisoire)), then=Value(Statut.SANS_REALISATION)),
        When(cible=0, then=Value(Statut.DANS_LES_TEMPS)),  # before the rate: no division by zero
        When(GreaterThanOrEqual(taux, attendu + TOLERANCE_STATUT), then=Value(Statut.EN_AVANCE)),
        When(GreaterThanOrEqual(taux, attendu - TOLERANCE_STATUT), then=Value(Statut.DANS_LES_TEMPS)),
        default=Value(Statut.EN_RETARD),
        output_field=models.CharField(),
    )


def expressions_avancement(au, provisoire=False):
    """realise, a_realisation, prorata and statut as of `au`, as SQL expressions (annotate or filter): `chiffres_au`
    in SQL, objectives whose year is over reading their stored final status."""
    c = comptage(provisoire)
    return {
        "realise": expression_realise(au, provisoire),
        "a_realisation": Case(
            When(_sans_realisation(au, c), then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
        "prorata": expression_prorata(au),
        "statut": Case(
            When(_a_terme(au, c), then=F(c.statut_final)),
            default=expression_statut_calcule(au, provisoire),
            output_field=models.CharField(),
        ),
    }


def annoter_avancement(objectifs, au=None, provisoire=False):
    """`objectifs` annotated with realise, a_realisation, prorata, statut and taux as of `au` (default today)."""
    return objectifs.annotate(**expressions_avancement(date_de_reference(au), provisoire)).annotate(
        taux=expression_taux("realise", "cible")
    )


def filtrer_statut(objectifs, statut, au=None, provisoire=False):
    """`objectifs` whose status on `au` is `statut`, without annotating the rows.

    Spelt out on the stored final status where it applies, so that the planner estimates the row count from the
    column's statistics: on the bare CASE it guessed 250 rows out of 14,000 and chose a nested loop.
    """
    au = date_de_reference(au)
    c = comptage(provisoire)
    a_terme = _a_terme(au, c)
    return objectifs.alias(statut_calcule=expression_statut_calcule(au, provisoire)).filter(
        (a_terme & Q(**{c.statut_final: statut})) | (~a_terme & Q(statut_calcule=statut))
    )


def nb_realisations_au(objectifs, au, provisoire=False):
    """Counted achievements of `objectifs` dated by `au`, from the running counts (no scan of achievements)."""
    return objectifs.order_by().aggregate(n=Coalesce(Sum(expression_nb_realisations(au, provisoire)), Value(0)))["n"]


# --- Running totals ---------------------------------------------------------------------------------------------


def _totaux(c):
    """The UPDATE assignments of the running totals `c` from the objective's achievements in `c.etats`."""
    from .models import Realisation

    realisations = Realisation.objects.filter(objectif=OuterRef("pk"), etat__in=c.etats).order_by().values("objectif")
    return {
        c.realise: Coalesce(
            Subquery(realisations.annotate(total=Sum("quantite")).values("total")[:1]),
            Value(0),
            output_field=models.PositiveBigIntegerField(),
        ),
        c.nb: Coalesce(
            Subquery(realisations.annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=models.PositiveIntegerField(),
        ),
        c.premiere: Subquery(realisations.annotate(d=Min("date")).values("d")[:1]),
        c.derniere: Subquery(realisations.annotate(d=Max("date")).values("d")[:1]),
    }


def recalculer_cumuls(objectifs, depuis=None, valides=True):
    """Recompute both sets of running totals, the pending count and the final statuses of `objectifs`.

    Two UPDATEs: the final statuses read the totals the first one wrote. Writers that may race go through
    `tenir_cumuls`, which locks the objectives first. `depuis`: the earliest achievement date the write touched
    (every date when unknown), for the journal of cached figures; `valides`: whether validated figures may have
    changed (a submission changes only the provisional ones).
    """
    from .models import Realisation

    noter_modification(depuis, valides)
    en_attente = (
        Realisation.objects.filter(objectif=OuterRef("pk"), etat=EtatRealisation.SOUMISE)
        .order_by()
        .values("objectif")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    objectifs = objectifs.order_by()
    objectifs.update(
        **_totaux(VALIDEES),
        **_totaux(PROVISOIRES),
        nb_en_attente=Coalesce(Subquery(en_attente), Value(0), output_field=models.PositiveIntegerField()),
    )
    return objectifs.update(
        statut_final=expression_statut_calcule(datetime.date.max),
        statut_final_provisoire=expression_statut_calcule(datetime.date.max, provisoire=True),
    )


def tenir_cumuls(ids, dates=(None,), valides=True):
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
        noter_modification(depuis, valides)
        return
    with transaction.atomic():
        objectifs = Objectif.objects.filter(pk__in=ids)
        list(objectifs.select_for_update().order_by("pk").values_list("pk", flat=True))
        recalculer_cumuls(objectifs, depuis, valides)


def touchees(realisations):
    """(objective ids, earliest date) of a QuerySet of achievements, before or after a write changes them."""
    lignes = list(realisations.order_by().values("objectif_id").annotate(d=Min("date")).values_list("objectif_id", "d"))
    return [pk for pk, _ in lignes], [d for _, d in lignes]


# --- Journal of writes, for cached figures --------------------------------------------------------------------


def noter_modification(date_min=None, valides=True):
    """Record a write changing figures from `date_min` on (every date when None), inside the writer's transaction.

    `valides`: the write may have changed validated figures (and so the provisional ones, which include them);
    otherwise only the provisional ones. The counter row's lock orders the writes. The journal keeps only what a
    reader can still need: a write supersedes every earlier entry from its date on that it answers for (a later
    version reaching an earlier date answers `modifie_depuis` for them; a provisional-only entry never answers for
    validated figures), so the journal stays a staircase of at most two entries per date and needs no pruning.
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
        if not valides:
            remplacees = remplacees.filter(valides=False)
        remplacees.delete()
        ModificationAvancement.objects.create(version=version, date_min=date_min, valides=valides)


def version_avancement():
    from .models import VersionAvancement

    return VersionAvancement.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def modifie_depuis(version, au, provisoire=False):
    """Whether a write committed after `version` changed the (validated, or provisional) figures as of `au`."""
    from .models import ModificationAvancement

    modifications = (
        ModificationAvancement.objects.all() if provisoire else ModificationAvancement.objects.filter(valides=True)
    )
    return modifications.filter(version__gt=version).filter(Q(date_min__isnull=True) | Q(date_min__lte=au)).exists()


# --- Aggregates and the national cache ------------------------------------------------------------------------


def avancement_national(au, provisoire=False):
    """`agreger_avancement` of every objective agreed by `au`, plus every achievement counted, kept in cache.

    The cached figures are served while no write since their computation reached `au` (the journal): a date in
    2013 stays cached while staff record this year's achievements.
    """
    from .models import Objectif

    cle = f"avancement-national:{'provisoire' if provisoire else 'valide'}:{au.isoformat()}"
    entree = cache.get(cle)
    if entree is not None and not modifie_depuis(entree[0], au, provisoire):
        return entree[1]
    version = version_avancement()  # read before computing: a write committed meanwhile invalidates
    avancement = agreger_avancement(Objectif.objects.convenus_au(au), au, provisoire)
    avancement["nb_realisations_total"] = avancement["nb_realisations"] + nb_realisations_au(
        Objectif.objects.non_convenus_au(au), au, provisoire
    )
    cache.set(cle, (version, avancement), timeout=3600)
    return avancement


def agreger_avancement(objectifs, au, provisoire=False):
    """Totals, counts by status and by scheme, and achievements counted, of a set of objectives as of `au`.

    Today (or later) every objective's figures are its running totals: one grouped SQL query. On a past date
    the objectives with achievements on both sides of `au` need their sums up to `au`; SQL would repeat that
    subquery in every expression using it (0.4 s on 50,000 objectives), so their sums come from one grouped
    query and the rule's Python form (`chiffres_au`) is applied here.
    """
    if au >= timezone.localdate():
        return _agreger_en_sql(objectifs, au, provisoire)
    return _agreger_a_date_passee(objectifs, au, provisoire)


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


def _agreger_en_sql(objectifs, au, provisoire=False):
    """Grouped by scheme (7 groups, hashed), counted by status with filtered counts: grouping by the status
    expression itself made PostgreSQL sort the 50,000 rows."""
    par_code = {code: Count("pk", filter=Q(statut=code)) for code in Statut.values}
    groupes = (
        annoter_avancement(objectifs.order_by(), au, provisoire)
        .values("dispositif")
        .annotate(
            n=Count("pk"),
            cible_groupe=Sum("cible"),
            realise_groupe=Sum("realise"),
            nb_groupe=Sum(expression_nb_realisations(au, provisoire)),
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


def _agreger_a_date_passee(objectifs, au, provisoire=False):
    c = comptage(provisoire)
    a_cheval = objectifs.filter(**{f"{c.premiere}__lte": au, f"{c.derniere}__gt": au})
    sommes = {
        pk: (total, n)
        for pk, total, n in realisations_comptees(provisoire)
        .filter(date__lte=au, objectif__in=a_cheval.values("pk"))
        .order_by()
        .values("objectif")
        .annotate(total=Sum("quantite"), n=Count("pk"))
        .values_list("objectif", "total", "n")
    }
    par_statut = dict.fromkeys(Statut.values, 0)
    par_dispositif = {}
    nb_realisations = 0
    lignes = objectifs.order_by().values_list("pk", "dispositif", "cible", "annee", *c.champs)
    for pk, dispositif, cible, annee, cumul, nb, premiere, derniere, statut_final in lignes:
        realise, nb, statut = chiffres_au(au, annee, cible, cumul, nb, premiere, derniere, statut_final, sommes.get(pk))
        par_statut[statut] += 1
        groupe = par_dispositif.setdefault(dispositif, {"n": 0, "cible": 0, "realise": 0})
        groupe["n"] += 1
        groupe["cible"] += cible
        groupe["realise"] += realise
        nb_realisations += nb
    return _resultat(par_statut, par_dispositif, nb_realisations)
