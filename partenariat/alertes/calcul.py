"""Alerts: what needs doing, computed from the data as it stood on a reference date — never recorded by hand.

Each rule reads the data in one or a few queries, whatever the number of rows, and yields `Alerte`s with a stable
key (what a digest compares from one period to the next), a severity and the page where one acts. Thresholds are
the `ALERTES_SEUILS` setting. The rules hold on any date, like the rollout page: the figures are the validated ones,
and an achievement's validation state on a past date is read from its own dates (submitted, examined).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale, Reunion
from engagements.avancement import EtatRealisation, Statut, expression_realise, filtrer_statut, prorata
from engagements.models import ClotureAnnee, Dispositif, Objectif, Realisation
from partenariat.commun.dates import date_courte
from partenariat.commun.nombres import nombre, pourcentage
from partenariat.models import ajouter_mois, periode_courante

SEUILS_PAR_DEFAUT = {
    "reunion_mois": 6,
    "sans_realisation_jours": 90,
    "attente_validation_jours": 30,
    "renvoi_jours": 15,
    "cloture_jours": 60,
}


def seuils():
    return {**SEUILS_PAR_DEFAUT, **getattr(settings, "ALERTES_SEUILS", {})}


class Gravite:
    HAUTE = "haute"
    MOYENNE = "moyenne"
    BASSE = "basse"

    CHOIX = [(HAUTE, gettext_lazy("Haute")), (MOYENNE, gettext_lazy("Moyenne")), (BASSE, gettext_lazy("Basse"))]
    ORDRE = {HAUTE: 0, MOYENNE: 1, BASSE: 2}


class Genre:
    CONFERENCE_NON_INSTALLEE = "conference_non_installee"
    CONFERENCE_SANS_REUNION = "conference_sans_reunion"
    AIRE_SANS_CONFERENCE = "aire_sans_conference"
    AIRE_SANS_OBJECTIFS = "aire_sans_objectifs"
    OBJECTIF_EN_RETARD = "objectif_en_retard"
    OBJECTIF_SANS_REALISATION = "objectif_sans_realisation"
    REALISATIONS_EN_ATTENTE = "realisations_en_attente"
    REALISATION_RENVOYEE = "realisation_renvoyee"
    ANNEE_NON_CLOSE = "annee_non_close"

    CHOIX = [
        (CONFERENCE_NON_INSTALLEE, gettext_lazy("Conférence non installée après le délai")),
        (CONFERENCE_SANS_REUNION, gettext_lazy("Conférence sans réunion depuis plus de six mois")),
        (AIRE_SANS_CONFERENCE, gettext_lazy("Aire du dispositif sans conférence")),
        (AIRE_SANS_OBJECTIFS, gettext_lazy("Aire sans objectif pour une année commencée")),
        (OBJECTIF_EN_RETARD, gettext_lazy("Objectif en retard")),
        (OBJECTIF_SANS_REALISATION, gettext_lazy("Objectif sans réalisation")),
        (REALISATIONS_EN_ATTENTE, gettext_lazy("Réalisations en attente de validation")),
        (REALISATION_RENVOYEE, gettext_lazy("Réalisation renvoyée non corrigée")),
        (ANNEE_NON_CLOSE, gettext_lazy("Année terminée non close")),
    ]
    GRAVITE = {
        CONFERENCE_NON_INSTALLEE: Gravite.HAUTE,
        CONFERENCE_SANS_REUNION: Gravite.MOYENNE,
        AIRE_SANS_CONFERENCE: Gravite.HAUTE,
        AIRE_SANS_OBJECTIFS: Gravite.MOYENNE,
        OBJECTIF_EN_RETARD: Gravite.MOYENNE,
        OBJECTIF_SANS_REALISATION: Gravite.BASSE,
        REALISATIONS_EN_ATTENTE: Gravite.MOYENNE,
        REALISATION_RENVOYEE: Gravite.MOYENNE,
        ANNEE_NON_CLOSE: Gravite.BASSE,
    }


LIBELLES_GENRES = dict(Genre.CHOIX)
LIBELLES_GRAVITES = dict(Gravite.CHOIX)


def _format_dispositif(code):
    return dict(Dispositif.choices).get(code, code)


FORMATS = {
    "": lambda valeur: valeur,
    "date": lambda valeur: date_courte(datetime.date.fromisoformat(valeur) if isinstance(valeur, str) else valeur),
    "nombre": nombre,
    "taux": pourcentage,
    "dispositif": _format_dispositif,
}


def _en_attente(n):
    return ngettext(
        "%(nom)s (%(code)s) : %(n)s réalisation attend sa validation depuis plus de %(jours)s jours "
        "(soumise le %(date)s).",
        "%(nom)s (%(code)s) : %(n)s réalisations attendent leur validation depuis plus de %(jours)s jours "
        "(la plus ancienne soumise le %(date)s).",
        n,
    )


# Messages with a plural form: `Texte.modele` names the function that chooses it for the count `Texte.n`.
PLURIELS = {"en_attente": _en_attente}


@dataclass(frozen=True, slots=True)
class Texte:
    """A message written when it is read, in the reader's language: most alerts of a long list are never shown,
    and formatting numbers and dates costs more than computing the alerts. Its values are kept raw (`valeurs`:
    (name, value, format) triples); without values, `modele` is the finished text."""

    modele: str
    valeurs: tuple = ()
    n: int | None = None

    def __str__(self):
        if not self.valeurs:
            return self.modele
        message = PLURIELS[self.modele](self.n) if self.n is not None else _(self.modele)
        return message % {nom: FORMATS[format_](valeur) for nom, valeur, format_ in self.valeurs}

    def en_json(self):
        """For a digest's record: JSON has no dates."""
        valeurs = [[n, v.isoformat() if isinstance(v, datetime.date) else v, f] for n, v, f in self.valeurs]
        return [self.modele, valeurs, self.n]

    @classmethod
    def depuis_json(cls, donnees):
        if isinstance(donnees, str):
            return cls(donnees)
        modele, valeurs, *n = donnees
        return cls(modele, tuple(tuple(v) for v in valeurs), n[0] if n else None)


@dataclass(slots=True)
class Alerte:
    """One thing that needs doing; `cle` names the situation, the same from one day to the next while it lasts."""

    genre: str
    cle: str
    texte: Texte
    lien_nom: str
    lien_args: tuple = ()
    lien_parametres: tuple = ()
    depuis: datetime.date | None = None
    aire_id: int | None = None
    aire_code: str = ""
    aire_nom: str = ""
    conference_id: int | None = None
    conference_nom: str = ""
    # Every conference it concerns: its own, the one that agreed the objective, those covering the area.
    conferences: frozenset = field(default_factory=frozenset)

    @property
    def libelle(self):
        return str(self.texte)

    @property
    def gravite(self):
        return Genre.GRAVITE[self.genre]

    @property
    def gravite_libelle(self):
        return LIBELLES_GRAVITES[self.gravite]

    @property
    def genre_libelle(self):
        return LIBELLES_GENRES[self.genre]

    @property
    def lien(self):
        url = reverse(self.lien_nom, args=self.lien_args)
        return f"{url}?{urlencode(self.lien_parametres)}" if self.lien_parametres else url

    @property
    def ordre(self):
        return (Gravite.ORDRE[self.gravite], self.genre, self.aire_code, self.conference_nom, self.cle)


@dataclass(frozen=True)
class Portee:
    """Which alerts concern someone: every one (None), or those of these areas and conferences; `globales` adds
    the national ones (a year not closed), which concern no area."""

    aires: frozenset | None = None
    conferences: frozenset | None = None
    globales: bool = True

    @property
    def nationale(self):
        return self.aires is None and self.conferences is None

    def concerne(self, alerte):
        if self.nationale:
            return True
        if alerte.aire_id is None and not alerte.conferences:
            return self.globales
        if alerte.aire_id is not None and alerte.aire_id in (self.aires or ()):
            return True
        return bool(alerte.conferences & (self.conferences or frozenset()))

    def filtrer_aires(self, queryset, champ="pk", champ_conference=None):
        """`queryset` narrowed to the scope in SQL (an alert out of scope is never read)."""
        if self.nationale:
            return queryset
        condition = Q(**{f"{champ}__in": self.aires or ()})
        if champ_conference:
            condition |= Q(**{f"{champ_conference}__in": self.conferences or ()})
        return queryset.filter(condition)

    def restreinte(self, aires=None, conferences=None):
        """This scope within one area's or one conference's (the page's filters): the intersection of both."""

        def inter(mien, filtre):
            if filtre is None:
                return mien
            return frozenset(filtre) if mien is None else frozenset(mien) & frozenset(filtre)

        return Portee(inter(self.aires, aires), inter(self.conferences, conferences), globales=False)


NATIONALE = Portee()


def _jour(moment):
    """The local date of a datetime (submitted on, examined on), as the pages write it."""
    return timezone.localtime(moment).date() if moment else None


def _limite_du_jour(jour):
    """The first instant after `jour` in local time: "on or before that day" for datetime columns."""
    return timezone.make_aware(datetime.datetime.combine(jour + datetime.timedelta(days=1), datetime.time()))


def annees_closes_au(au):
    """Years closed on `au` (closed by then, and not reopened by then): nothing more can be done about them."""
    closes = set()
    for cloture in ClotureAnnee.objects.all():
        close_avant = _jour(cloture.close_le) <= au
        pas_rouverte = cloture.close or (cloture.rouverte_le and _jour(cloture.rouverte_le) > au)
        if close_avant and pas_rouverte:
            closes.add(cloture.annee)
    return closes


# --- The rules ------------------------------------------------------------------------------------------------------


def conferences_non_installees(contexte):
    """Not installed once the protocol's deadline (signature + 6 months) has passed."""
    limite = contexte.protocole.date_limite_installation
    if contexte.au <= limite:
        return []
    conferences = ConferenceTerritoriale.objects.filter(
        Q(date_installation__isnull=True) | Q(date_installation__gt=contexte.au)
    )
    if not contexte.portee.nationale:
        conferences = conferences.filter(pk__in=contexte.portee.conferences or ())
    return [
        Alerte(
            genre=Genre.CONFERENCE_NON_INSTALLEE,
            cle=f"{Genre.CONFERENCE_NON_INSTALLEE}:{pk}",
            texte=Texte(
                gettext_noop(
                    "« %(nom)s » n'est pas installée ; le protocole prévoyait son installation au plus tard "
                    "le %(date)s."
                ),
                (("nom", nom, ""), ("date", limite, "date")),
            ),
            lien_nom="conferences:conference_detail",
            lien_args=(pk,),
            depuis=limite + datetime.timedelta(days=1),
            conference_id=pk,
            conference_nom=nom,
            conferences=frozenset({pk}),
        )
        for pk, nom in conferences.order_by("nom").values_list("pk", "nom")
    ]


def conferences_sans_reunion(contexte):
    """Installed, within the period, and no meeting for more than `reunion_mois` months of the period."""
    au, protocole, mois = contexte.au, contexte.protocole, contexte.seuils["reunion_mois"]
    if not protocole.debut_periode <= au <= protocole.fin_periode:
        return []
    derniere = Reunion.objects.filter(conference=OuterRef("pk"), date__lte=au).order_by("-date").values("date")[:1]
    conferences = ConferenceTerritoriale.objects.filter(date_installation__lte=au).annotate(
        derniere_reunion=Subquery(derniere)
    )
    if not contexte.portee.nationale:
        conferences = conferences.filter(pk__in=contexte.portee.conferences or ())
    alertes = []
    for pk, nom, installation, reunion in conferences.order_by("nom").values_list(
        "pk", "nom", "date_installation", "derniere_reunion"
    ):
        depart = max(d for d in (installation, reunion, protocole.debut_periode) if d)
        echeance = ajouter_mois(depart, mois)
        if echeance >= au:
            continue
        if reunion:
            modele = gettext_noop("« %(nom)s » ne s'est pas réunie depuis le %(date)s (plus de %(mois)s mois).")
        else:
            modele = gettext_noop("« %(nom)s » ne s'est jamais réunie depuis le %(date)s (plus de %(mois)s mois).")
        texte = Texte(modele, (("nom", nom, ""), ("date", reunion or depart, "date"), ("mois", mois, "")))
        alertes.append(
            Alerte(
                genre=Genre.CONFERENCE_SANS_REUNION,
                cle=f"{Genre.CONFERENCE_SANS_REUNION}:{pk}",
                texte=texte,
                lien_nom="conferences:conference_detail",
                lien_args=(pk,),
                depuis=echeance + datetime.timedelta(days=1),
                conference_id=pk,
                conference_nom=nom,
                conferences=frozenset({pk}),
            )
        )
    return alertes


def _aires_du_dispositif(contexte):
    aires = AireUrbaine.objects.filter(entree_phase__date_entree__lte=contexte.au)
    return contexte.portee.filtrer_aires(aires)


def _alerte_aire(contexte, genre, cle, pk, code, nom, texte, depuis):
    return Alerte(
        genre=genre,
        cle=f"{genre}:{cle}",
        texte=texte,
        lien_nom="aires_urbaines:aire_detail",
        lien_args=(code,),
        lien_parametres=contexte.parametres_date,
        depuis=depuis,
        aire_id=pk,
        aire_code=code,
        aire_nom=nom,
    )


def aires_sans_conference(contexte):
    """In the scheme on the date, and no conference covers them."""
    aires = _aires_du_dispositif(contexte).filter(~Exists(ConferenceTerritoriale.objects.filter(aires=OuterRef("pk"))))
    return [
        _alerte_aire(
            contexte,
            Genre.AIRE_SANS_CONFERENCE,
            code,
            pk,
            code,
            nom,
            Texte(
                gettext_noop(
                    "%(nom)s (%(code)s) est dans le dispositif depuis le %(date)s sans conférence territoriale."
                ),
                (("nom", nom, ""), ("code", code, ""), ("date", entree, "date")),
            ),
            entree,
        )
        for pk, code, nom, entree in aires.order_by("code").values_list(
            "pk", "code", "nom", "entree_phase__date_entree"
        )
    ]


def aires_sans_objectifs(contexte):
    """In the scheme, and no objective agreed for a year of the period that has started (and is not closed)."""
    au, protocole = contexte.au, contexte.protocole
    alertes = []
    for annee in range(protocole.annee_debut, min(au.year, protocole.annee_fin) + 1):
        if annee in contexte.annees_closes:
            continue
        objectifs = Objectif.objects.convenus_au(au).filter(aire=OuterRef("pk"), annee=annee)
        aires = (
            _aires_du_dispositif(contexte).filter(entree_phase__date_entree__year__lte=annee).filter(~Exists(objectifs))
        )
        for pk, code, nom, entree in aires.order_by("code").values_list(
            "pk", "code", "nom", "entree_phase__date_entree"
        ):
            alertes.append(
                _alerte_aire(
                    contexte,
                    Genre.AIRE_SANS_OBJECTIFS,
                    f"{code}:{annee}",
                    pk,
                    code,
                    nom,
                    Texte(
                        gettext_noop("%(nom)s (%(code)s) n'a aucun objectif convenu pour %(annee)s."),
                        (("nom", nom, ""), ("code", code, ""), ("annee", annee, "")),
                    ),
                    max(datetime.date(annee, 1, 1), entree),
                )
            )
    return alertes


def _objectifs_a_suivre(contexte):
    """Objectives agreed by the date, of a year of the period that has started and is not closed."""
    protocole = contexte.protocole
    objectifs = (
        Objectif.objects.convenus_au(contexte.au)
        .filter(annee__gte=protocole.annee_debut, annee__lte=min(contexte.au.year, protocole.annee_fin))
        .exclude(annee__in=contexte.annees_closes)
    )
    return contexte.portee.filtrer_aires(objectifs, "aire", "conference")


CHAMPS_OBJECTIF = ("pk", "aire_id", "aire__code", "aire__nom", "dispositif", "annee", "conference_id")


def _alerte_objectif(contexte, genre, ligne, texte, depuis=None):
    pk, aire_id, code, nom, dispositif, annee, conference_id = ligne[:7]
    return Alerte(
        genre=genre,
        cle=f"{genre}:{pk}",
        texte=texte,
        lien_nom="engagements:objectif_detail",
        lien_args=(pk,),
        lien_parametres=contexte.parametres_date,
        depuis=depuis,
        aire_id=aire_id,
        aire_code=code,
        aire_nom=nom,
        conferences=frozenset({conference_id}) if conference_id else frozenset(),
    )


def objectifs_en_retard(contexte):
    """Status "en retard" on the date (its rate more than 10 points under the share of the year elapsed)."""
    au = contexte.au
    objectifs = filtrer_statut(_objectifs_a_suivre(contexte), Statut.EN_RETARD, au).annotate(
        realise_au=expression_realise(au)
    )
    alertes = []
    attendus = {annee: prorata(annee, au) for annee in contexte.protocole.annees}
    for ligne in objectifs.order_by("aire__code", "annee", "dispositif").values_list(
        *CHAMPS_OBJECTIF, "cible", "realise_au"
    ):
        cible, realise = ligne[7], ligne[8]
        texte = Texte(
            gettext_noop(
                "%(aire)s — %(dispositif)s %(annee)s : %(realise)s sur %(cible)s (%(taux)s), "
                "%(attendu)s attendus à cette date."
            ),
            (
                ("aire", ligne[3], ""),
                ("dispositif", ligne[4], "dispositif"),
                ("annee", ligne[5], ""),
                ("realise", realise, "nombre"),
                ("cible", cible, "nombre"),
                ("taux", realise * 100.0 / cible if cible else 0, "taux"),
                ("attendu", attendus.get(ligne[5]) or prorata(ligne[5], au), "taux"),
            ),
        )
        alertes.append(_alerte_objectif(contexte, Genre.OBJECTIF_EN_RETARD, ligne, texte))
    return alertes


def objectifs_sans_realisation(contexte):
    """No validated achievement by the date, once `sans_realisation_jours` days of the objective's year are over."""
    au, jours = contexte.au, contexte.seuils["sans_realisation_jours"]
    derniere_annee = au.year if au >= datetime.date(au.year, 1, 1) + datetime.timedelta(days=jours) else au.year - 1
    objectifs = filtrer_statut(
        _objectifs_a_suivre(contexte).filter(annee__lte=derniere_annee), Statut.SANS_REALISATION, au
    )
    return [
        _alerte_objectif(
            contexte,
            Genre.OBJECTIF_SANS_REALISATION,
            ligne,
            Texte(
                gettext_noop("%(aire)s — %(dispositif)s %(annee)s : aucune réalisation validée."),
                (("aire", ligne[3], ""), ("dispositif", ligne[4], "dispositif"), ("annee", ligne[5], "")),
            ),
            depuis=datetime.date(ligne[5], 1, 1) + datetime.timedelta(days=jours),
        )
        for ligne in objectifs.order_by("aire__code", "annee", "dispositif").values_list(*CHAMPS_OBJECTIF)
    ]


def realisations_en_attente(contexte):
    """Submitted more than `attente_validation_jours` days before the date and not examined by then, per area."""
    au, jours = contexte.au, contexte.seuils["attente_validation_jours"]
    # More than `jours` days: submitted on day au - jours - 1 at the latest.
    limite = _limite_du_jour(au - datetime.timedelta(days=jours + 1))
    fin_du_jour = _limite_du_jour(au)
    realisations = Realisation.objects.filter(soumise_le__lt=limite).filter(
        Q(etat=EtatRealisation.SOUMISE)
        | Q(etat__in=(EtatRealisation.VALIDEE, EtatRealisation.RENVOYEE), examinee_le__gte=fin_du_jour)
    )
    realisations = contexte.portee.filtrer_aires(realisations, "objectif__aire", "objectif__conference")
    lignes = (
        realisations.order_by()
        .values("objectif__aire", "objectif__aire__code", "objectif__aire__nom")
        .annotate(n=Count("pk"), plus_ancienne=Min(TruncDate("soumise_le")))
        .order_by("objectif__aire__code")
    )
    alertes = []
    for ligne in lignes:
        code, n = ligne["objectif__aire__code"], ligne["n"]
        if contexte.file_validation:
            lien = ("validation:file", (), (("aire", code), ("attente", jours)))
        else:
            lien = ("aires_urbaines:aire_detail", (code,), contexte.parametres_date)
        plus_ancienne = ligne["plus_ancienne"]
        texte = Texte(
            "en_attente",
            (
                ("nom", ligne["objectif__aire__nom"], ""),
                ("code", code, ""),
                ("n", n, "nombre"),
                ("jours", jours, ""),
                ("date", plus_ancienne, "date"),
            ),
            n,
        )
        alertes.append(
            Alerte(
                genre=Genre.REALISATIONS_EN_ATTENTE,
                cle=f"{Genre.REALISATIONS_EN_ATTENTE}:{code}",
                texte=texte,
                lien_nom=lien[0],
                lien_args=lien[1],
                lien_parametres=lien[2],
                depuis=plus_ancienne + datetime.timedelta(days=jours + 1),
                aire_id=ligne["objectif__aire"],
                aire_code=code,
                aire_nom=ligne["objectif__aire__nom"],
            )
        )
    return alertes


def realisations_renvoyees(contexte):
    """Returned more than `renvoi_jours` days before the date and still not corrected."""
    au, jours = contexte.au, contexte.seuils["renvoi_jours"]
    realisations = Realisation.objects.filter(
        etat=EtatRealisation.RENVOYEE, examinee_le__lt=_limite_du_jour(au - datetime.timedelta(days=jours + 1))
    )
    realisations = contexte.portee.filtrer_aires(realisations, "objectif__aire", "objectif__conference")
    alertes = []
    # The local day of the examination, in SQL: converting thousands of datetimes in Python costs more.
    realisations = realisations.annotate(examinee_jour=TruncDate("examinee_le"))
    for pk, date, quantite, examinee, aire_id, code, nom, dispositif, annee, conference_id in realisations.order_by(
        "objectif__aire__code", "examinee_le"
    ).values_list(
        "pk",
        "date",
        "quantite",
        "examinee_jour",
        "objectif__aire",
        "objectif__aire__code",
        "objectif__aire__nom",
        "objectif__dispositif",
        "objectif__annee",
        "objectif__conference",
    ):
        alertes.append(
            Alerte(
                genre=Genre.REALISATION_RENVOYEE,
                cle=f"{Genre.REALISATION_RENVOYEE}:{pk}",
                texte=Texte(
                    gettext_noop(
                        "%(aire)s — %(dispositif)s %(annee)s : la réalisation du %(date)s (%(quantite)s) a été "
                        "renvoyée le %(renvoi)s et n'est pas corrigée."
                    ),
                    (
                        ("aire", nom, ""),
                        ("dispositif", dispositif, "dispositif"),
                        ("annee", annee, ""),
                        ("date", date, "date"),
                        ("quantite", quantite, "nombre"),
                        ("renvoi", examinee, "date"),
                    ),
                ),
                lien_nom="engagements:realisation_detail",
                lien_args=(pk,),
                depuis=examinee + datetime.timedelta(days=jours + 1),
                aire_id=aire_id,
                aire_code=code,
                aire_nom=nom,
                conferences=frozenset({conference_id}) if conference_id else frozenset(),
            )
        )
    return alertes


def annees_non_closes(contexte):
    """A year of the period ended more than `cloture_jours` days before the date and still open."""
    if not contexte.portee.globales:
        return []
    au, protocole, jours = contexte.au, contexte.protocole, contexte.seuils["cloture_jours"]
    alertes = []
    for annee in protocole.annees:
        fin = datetime.date(annee, 12, 31)
        if au <= fin + datetime.timedelta(days=jours) or annee in contexte.annees_closes:
            continue
        alertes.append(
            Alerte(
                genre=Genre.ANNEE_NON_CLOSE,
                cle=f"{Genre.ANNEE_NON_CLOSE}:{annee}",
                texte=Texte(
                    gettext_noop("L'année %(annee)s est terminée depuis le %(fin)s et n'est pas close."),
                    (("annee", annee, ""), ("fin", fin, "date")),
                ),
                lien_nom="engagements:annees",
                depuis=fin + datetime.timedelta(days=jours + 1),
            )
        )
    return alertes


REGLES = {
    Genre.CONFERENCE_NON_INSTALLEE: conferences_non_installees,
    Genre.CONFERENCE_SANS_REUNION: conferences_sans_reunion,
    Genre.AIRE_SANS_CONFERENCE: aires_sans_conference,
    Genre.AIRE_SANS_OBJECTIFS: aires_sans_objectifs,
    Genre.OBJECTIF_EN_RETARD: objectifs_en_retard,
    Genre.OBJECTIF_SANS_REALISATION: objectifs_sans_realisation,
    Genre.REALISATIONS_EN_ATTENTE: realisations_en_attente,
    Genre.REALISATION_RENVOYEE: realisations_renvoyees,
    Genre.ANNEE_NON_CLOSE: annees_non_closes,
}


@dataclass
class Contexte:
    au: datetime.date
    portee: Portee
    protocole: object
    seuils: dict
    annees_closes: set
    file_validation: bool
    parametres_date: tuple


def calculer_alertes(au, portee=NATIONALE, genres=None, file_validation=False, date_choisie=False):
    """Every alert on `au` within `portee` (of the chosen `genres`), most severe first.

    `file_validation`: pending achievements link to the validation queue (for validators), else to their area.
    `date_choisie`: links to the area and objective pages keep the date.
    """
    contexte = Contexte(
        au=au,
        portee=portee,
        protocole=periode_courante(),
        seuils=seuils(),
        annees_closes=annees_closes_au(au),
        file_validation=file_validation,
        parametres_date=(("date", au.isoformat()),) if date_choisie else (),
    )
    alertes = []
    for genre, regle in REGLES.items():
        if genres is None or genre in genres:
            alertes.extend(regle(contexte))
    alertes = _avec_conferences(alertes)
    return sorted((a for a in alertes if portee.concerne(a)), key=lambda a: a.ordre)


def _avec_conferences(alertes):
    """Each area's alerts name the first conference covering it (as the lists do) and know all of them."""
    ids = {a.aire_id for a in alertes if a.aire_id is not None}
    if not ids:
        return alertes
    couvertures = {}
    noms = {}
    for aire_id, conference_id, nom in (
        ConferenceTerritoriale.aires.through.objects.filter(aireurbaine_id__in=ids)
        .order_by("conferenceterritoriale__nom")
        .values_list("aireurbaine_id", "conferenceterritoriale_id", "conferenceterritoriale__nom")
    ):
        couvertures.setdefault(aire_id, set()).add(conference_id)
        noms.setdefault(aire_id, (conference_id, nom))
    couvertures = {aire_id: frozenset(ids) for aire_id, ids in couvertures.items()}  # one set shared per area
    for alerte in alertes:
        if alerte.aire_id in couvertures:
            couverture = couvertures[alerte.aire_id]
            # Built by the rule and not yet shared: completed in place (thousands of copies cost more).
            alerte.conferences = alerte.conferences | couverture if alerte.conferences else couverture
            alerte.conference_id, alerte.conference_nom = noms[alerte.aire_id]
    return alertes


def decompte_par_genre(alertes):
    comptes = {genre: 0 for genre, _libelle in Genre.CHOIX}
    for alerte in alertes:
        comptes[alerte.genre] += 1
    return comptes
