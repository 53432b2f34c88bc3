"""Open data, when settings.DONNEES_OUVERTES is on: progress per area, scheme and year, under the Licence Ouverte 2.0.

Anonymous, so only figures leave: the one query names each column it reads, and none holds a person, an account, a
comment or a note. Off, the page and the files answer 404 as any unknown address.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, F, When
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from engagements.models import Dispositif, Objectif
from partenariat.commun.dates import date_de_reference
from partenariat.commun.textes import texte_pour_tableur

LICENCE = {
    "nom": "Licence Ouverte / Open Licence version 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
PRODUCTEUR = "UESL – Action Logement et associations d'élus signataires"
NOM_FICHIER = "avancement-aires-dispositifs-annees"

# The types of Table Schema (as schema.data.gouv.fr writes them), named on the page in the reader's language.
TYPES = {
    "string": _("texte"),
    "integer": _("nombre entier"),
    "number": _("nombre décimal (point décimal)"),
    "date": _("date (AAAA-MM-JJ)"),
}


@dataclass(frozen=True)
class Champ:
    nom: str
    type: str
    description: str

    @property
    def type_libelle(self):
        return TYPES[self.type]


# The files' columns, in their order: the page's dictionary and the JSON's "champs" are written from this list.
CHAMPS = (
    Champ("code_aire", "string", _("Code de l'aire urbaine dans le zonage en aires urbaines 2010 de l'Insee.")),
    Champ("nom_aire", "string", _("Nom de l'aire urbaine.")),
    Champ("dispositif", "string", _("Code du dispositif du protocole-cadre (par exemple logement_social).")),
    Champ("libelle_dispositif", "string", _("Libellé du dispositif, en français.")),
    Champ("annee", "integer", _("Année de l'objectif partagé.")),
    Champ("unite", "string", _("Unité de la cible et du réalisé : logements, menages, salaries ou entreprises.")),
    Champ("cible", "integer", _("Cible en vigueur, après révision éventuelle.")),
    Champ("cible_initiale", "integer", _("Cible convenue à l'origine, avant toute révision.")),
    Champ(
        "realise",
        "integer",
        _("Quantité réalisée, cumulée jusqu'à la date des chiffres ; seules les réalisations validées comptent."),
    ),
    Champ(
        "taux",
        "number",
        _(
            "Taux de réalisation en pour cent (réalisé × 100 / cible), arrondi au dixième ; "
            "vide (null en JSON) si la cible est nulle."
        ),
    ),
    Champ(
        "phase",
        "string",
        _(
            "Code de la phase de déploiement de l'aire à la date des chiffres ; "
            "vide (null en JSON) si l'aire n'est pas encore entrée dans le dispositif."
        ),
    ),
    Champ("date_des_chiffres", "date", _("Date à laquelle les chiffres sont calculés.")),
)
NOMS_CHAMPS = tuple(champ.nom for champ in CHAMPS)


def lignes_avancement(au=None):
    """One row per objective agreed by `au`, its figures as /objectifs/ shows them on that date; one query.

    An objective is unique per area, scheme, year and unit, so each row is that aggregate.
    """
    au = date_de_reference(au)
    objectifs = (
        Objectif.objects.convenus_au(au)
        .avec_avancement(au)
        .annotate(
            code_aire=F("aire__code"),
            nom_aire=F("aire__nom"),
            phase=Case(
                When(aire__entree_phase__date_entree__lte=au, then=F("aire__entree_phase__phase__code")),
                output_field=CharField(),
            ),
        )
        .order_by("aire__code", "dispositif", "annee", "unite")
        .values_list(
            *("code_aire", "nom_aire", "dispositif", "annee", "unite"),
            *("cible", "cible_initiale", "realise", "taux", "phase"),
        )
    )
    libelles = {code: str(libelle) for code, libelle in Dispositif.choices}
    date_des_chiffres = au.isoformat()
    return [
        {
            "code_aire": code_aire,
            "nom_aire": nom_aire,
            "dispositif": dispositif,
            "libelle_dispositif": libelles.get(dispositif, dispositif),
            "annee": annee,
            "unite": unite,
            "cible": cible,
            "cible_initiale": cible_initiale,
            "realise": realise,
            "taux": None if taux is None else round(taux, 1),
            "phase": phase,
            "date_des_chiffres": date_des_chiffres,
        }
        for code_aire, nom_aire, dispositif, annee, unite, cible, cible_initiale, realise, taux, phase in objectifs
    ]


def contenu_csv(lignes):
    """Comma-separated UTF-8 (no BOM) with a header row; text a spreadsheet would run as a formula is made inert."""
    tampon = io.StringIO()
    redacteur = csv.writer(tampon)
    redacteur.writerow(NOMS_CHAMPS)
    for ligne in lignes:
        redacteur.writerow(["" if ligne[nom] is None else texte_pour_tableur(ligne[nom]) for nom in NOMS_CHAMPS])
    return tampon.getvalue().encode("utf-8")


def contenu_json(lignes, au):
    return json.dumps(
        {
            "licence": LICENCE,
            "producteur": PRODUCTEUR,
            "date_des_chiffres": au.isoformat(),
            "champs": [{"nom": c.nom, "type": c.type, "description": str(c.description)} for c in CHAMPS],
            "donnees": lignes,
        },
        ensure_ascii=False,
    ).encode("utf-8")


class DonneesOuvertesMixin:
    """Published only when the setting says so; read only (GET and HEAD), by anyone."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        if not settings.DONNEES_OUVERTES:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class DonneesOuvertesView(DonneesOuvertesMixin, TemplateView):
    template_name = "pilotage/donnees_ouvertes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            au=date_de_reference(),
            champs=CHAMPS,
            licence=LICENCE,
            producteur=PRODUCTEUR,
            nom_fichier=NOM_FICHIER,
        )
        return context


class FichierView(DonneesOuvertesMixin, View):
    """The file is written in French whatever the reader's language: every download of a day is the same file."""

    extension = ""
    content_type = ""

    def contenu(self, lignes, au):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        au = date_de_reference()
        with translation.override(settings.LANGUAGE_CODE):
            contenu = self.contenu(lignes_avancement(au), au)
        reponse = HttpResponse(contenu, content_type=self.content_type)
        reponse["Content-Disposition"] = f'attachment; filename="{NOM_FICHIER}.{self.extension}"'
        return reponse


class AvancementCsvView(FichierView):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def contenu(self, lignes, au):
        return contenu_csv(lignes)


class AvancementJsonView(FichierView):
    extension = "json"
    content_type = "application/json; charset=utf-8"

    def contenu(self, lignes, au):
        return contenu_json(lignes, au)


def lien_donnees_ouvertes(request):
    """Context processor: the footer links to the open data page when it is published."""
    return {"donnees_ouvertes": settings.DONNEES_OUVERTES}
