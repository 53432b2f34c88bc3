"""Progress computations shared by the web pages, the exports and the PDF reports, so figures never differ."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from .models import Dispositif, Objectif, Realisation, Statut, date_de_reference, taux_realisation


@dataclass
class LigneDispositif:
    """One scheme's row in a per-year table: cells per year, plus the total over the period."""

    dispositif: str
    libelle: str
    cellules: dict = field(default_factory=dict)
    colonnes: list = field(default_factory=list)
    cible: int = 0
    realise: int = 0

    @property
    def taux(self):
        return taux_realisation(self.realise, self.cible)


def synthese_objectifs(objectifs, annees):
    """Pivot annotated objectives (`avec_avancement`) into scheme × year rows with totals; no extra query."""
    lignes = OrderedDict()
    totaux_annee = {annee: {"cible": 0, "realise": 0} for annee in annees}
    for objectif in objectifs:
        ligne = lignes.setdefault(
            objectif.dispositif, LigneDispositif(objectif.dispositif, Dispositif(objectif.dispositif).label)
        )
        ligne.cellules.setdefault(objectif.annee, []).append(objectif)
        ligne.cible += objectif.cible
        ligne.realise += objectif.realise
        if objectif.annee in totaux_annee:
            totaux_annee[objectif.annee]["cible"] += objectif.cible
            totaux_annee[objectif.annee]["realise"] += objectif.realise
    ordre = list(Dispositif.values)
    lignes_triees = sorted(lignes.values(), key=lambda ligne: ordre.index(ligne.dispositif))
    for ligne in lignes_triees:
        ligne.colonnes = [ligne.cellules.get(annee, []) for annee in annees]
    cible = sum(ligne.cible for ligne in lignes_triees)
    realise = sum(ligne.realise for ligne in lignes_triees)
    for total in totaux_annee.values():
        total["taux"] = taux_realisation(total["realise"], total["cible"])
    return {
        "lignes": lignes_triees,
        "totaux_annee": totaux_annee,
        "cible": cible,
        "realise": realise,
        "taux": taux_realisation(realise, cible),
    }


def compter_statuts(objectifs):
    """How many annotated objectives are in each status, in the display order of `Statut`."""
    comptes = dict.fromkeys(Statut.values, 0)
    for objectif in objectifs:
        comptes[objectif.statut] += 1
    return [(Statut(code).label, code, n) for code, n in comptes.items()]


def compter_statuts_sql(objectifs_qs):
    """Same as `compter_statuts` for a queryset annotated by `avec_avancement`, grouped in SQL (one query)."""
    comptes = dict.fromkeys(Statut.values, 0)
    for ligne in objectifs_qs.order_by().values("statut").annotate(n=Count("pk")):
        comptes[ligne["statut"]] = ligne["n"]
    return [(Statut(code).label, code, n) for code, n in comptes.items()]


def serie_cumulee(realisations_qs, au=None):
    """Cumulative achievements by date up to `au`, for the progress-over-time chart (one grouped query)."""
    au = date_de_reference(au)
    points = []
    cumul = 0
    lignes = realisations_qs.filter(date__lte=au).order_by("date").values("date").annotate(total=Sum("quantite"))
    for ligne in lignes:
        cumul += ligne["total"]
        points.append((ligne["date"], cumul))
    return points


def realisations_de(objectifs_qs):
    return Realisation.objects.filter(objectif__in=objectifs_qs.values("pk"))


def objectifs_pour(aire=None, conference=None, au=None):
    objectifs = Objectif.objects.select_related("aire", "conference").avec_avancement(au)
    if aire is not None:
        objectifs = objectifs.filter(aire=aire)
    if conference is not None:
        objectifs = objectifs.filter(aire__in=conference.aires.all())
    return objectifs.order_by("dispositif", "annee", "unite")
