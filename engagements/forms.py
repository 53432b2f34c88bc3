"""Data-entry forms of objectives and achievements; each mirrors the database constraints with their French message."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aires_urbaines.models import AireUrbaine
from conferences.regles import aires_modifiables, conferences_modifiables
from engagements.regles import peut_modifier_objectif
from partenariat.commun.nombres import nombre
from partenariat.commun.saisie import Formulaire, FormulaireSaisie, SaisieDate, VersionMixin
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN, DATE_SIGNATURE

from .models import AnneeClose, Objectif, Realisation, verifier_objectif_modifiable
from .services import message_motif_revision

MESSAGE_HORS_PERIMETRE = _("Vous ne pouvez saisir des objectifs que pour les aires couvertes par vos conférences.")
MESSAGE_ANNEE = _("L'année doit être comprise dans la période du protocole (2013 à 2015).")
TAILLE_MAX_IMPORT = 5 * 1024 * 1024
LONGUEUR_MAX_MOTIF = 2000


class AireChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.nom}"


class ObjectifForm(VersionMixin, FormulaireSaisie):
    """The area and conference lists hold only what the user may work on (a secretariat: its conferences)."""

    aire = AireChoiceField(
        label=_("Aire urbaine"),
        queryset=AireUrbaine.objects.none(),
        error_messages={"invalid_choice": MESSAGE_HORS_PERIMETRE},
    )
    annee = forms.TypedChoiceField(
        label=_("Année"),
        coerce=int,
        choices=[(annee, str(annee)) for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)],
        error_messages={"invalid_choice": MESSAGE_ANNEE},
    )

    # Edition only: a changed target is a revision and needs its reason (`verifier_motif_revision`).
    motif_revision = forms.CharField(
        label=_("Motif de la révision"),
        required=False,
        max_length=LONGUEUR_MAX_MOTIF,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Le motif ne peut dépasser %(limit_value)d caractères.")},
    )

    class Meta:
        model = Objectif
        fields = ["aire", "conference", "dispositif", "annee", "cible", "unite", "date_accord", "notes"]
        widgets = {"date_accord": SaisieDate, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "conference": _("La conférence qui a convenu l'objectif, s'il y a lieu."),
            "cible": _("Quantité visée sur l'année, dans l'unité choisie."),
            "date_accord": _("Date à laquelle l'objectif a été convenu localement."),
        }
        error_messages = {
            "cible": {"min_value": _("La cible doit être un nombre positif ou nul.")},
            "conference": {"invalid_choice": _("Choisissez une des conférences dont vous tenez le secrétariat.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["aire"].queryset = aires_modifiables(user).order_by("code")
        self.fields["conference"].queryset = conferences_modifiables(user).order_by("nom")
        if self.instance.pk is None:
            del self.fields["motif_revision"]  # a new objective's target is its initial target: nothing to revise
        else:
            self.fields["motif_revision"].help_text = _(
                "Obligatoire si vous changez la cible. La cible initiale (%(initiale)s) reste la référence de "
                "l'engagement ; le taux de réalisation se calcule sur la cible actuelle."
            ) % {"initiale": nombre(self.instance.cible_initiale)}
            self.order_fields([*self._meta.fields[: self._meta.fields.index("cible") + 1], "motif_revision"])

    def clean_date_accord(self):
        date = self.cleaned_data.get("date_accord")
        if date and date < DATE_SIGNATURE:
            raise forms.ValidationError(_("Un objectif ne peut pas être convenu avant la signature du protocole."))
        return date

    def clean(self):
        donnees = super().clean()
        aire, conference = donnees.get("aire"), donnees.get("conference")
        if aire and not peut_modifier_objectif(self.user, Objectif(aire=aire, conference=conference)):
            self.add_error("aire", MESSAGE_HORS_PERIMETRE)
        try:
            verifier_objectif_modifiable(self.instance, donnees.get("annee"), self.changed_data)
        except AnneeClose as refus:
            raise forms.ValidationError(refus.message) from None
        self.verifier_motif_revision(donnees)
        cle = {k: donnees.get(k) for k in ("aire", "dispositif", "annee", "unite")}
        complete = all(v is not None and v != "" for v in cle.values())
        if complete and Objectif.objects.filter(**cle).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Un objectif existe déjà pour cette aire, ce dispositif, cette année et cette unité.")
            )
        return donnees

    def verifier_motif_revision(self, donnees):
        """A changed target needs its reason; the service refuses it too, against the row it locks."""
        cible = donnees.get("cible")
        if self.instance.pk is None or cible is None or cible == self.instance.cible:
            return
        if donnees.get("version") != self.instance.version:
            return  # read before someone else's save: the service refuses it first, showing what changed
        if not donnees.get("motif_revision") and "motif_revision" not in self.errors:
            self.add_error("motif_revision", message_motif_revision(self.instance.cible, cible))

    def motif_de_la_revision(self):
        """The reason typed, for the service (empty on a new objective, which has no such field)."""
        return self.cleaned_data.get("motif_revision", "")

    def validate_constraints(self):
        """Constraints are checked in clean() with their message; skip Django's second, generic pass."""


class RealisationForm(VersionMixin, FormulaireSaisie):
    """A correction carries the version read: a save based on stale data is refused (`enregistrer_realisation`)."""

    class Meta:
        model = Realisation
        fields = ["date", "quantite", "commentaire"]
        widgets = {"date": SaisieDate, "commentaire": forms.Textarea(attrs={"rows": 3})}
        labels = {"quantite": _("Quantité réalisée")}
        help_texts = {
            "quantite": _("Dans l'unité de l'objectif."),
            "date": _("Date de la réalisation (livraison, signature…)."),
        }
        error_messages = {"quantite": {"min_value": _("La quantité réalisée doit être un nombre positif ou nul.")}}

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and date < DATE_SIGNATURE:
            raise forms.ValidationError(_("Une réalisation ne peut pas précéder la signature du protocole."))
        # An achievement is something done: a future date (often a typed year, 2031 for 2013) would count in
        # progress ahead of time. "Today" cannot be a portable database constraint, so the form and the import
        # check it.
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("La date d'une réalisation ne peut pas être dans le futur."))
        return date


class ImportRealisationsForm(Formulaire):
    fichier = forms.FileField(
        label=_("Fichier des réalisations (CSV ou XLSX)"),
        help_text=(
            _(
                "Colonnes obligatoires : « Code aire », « Dispositif », « Année », « Date réalisation », "
                "« Quantité réalisée » ; facultatives : « Unité », « Commentaire ». Les autres colonnes de l'export "
                "des objectifs sont ignorées."
            )
        ),
        error_messages={"required": _("Choisissez un fichier à importer."), "empty": _("Le fichier est vide.")},
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Le fichier doit être au format CSV (.csv) ou Excel (.xlsx)."))
        if fichier.size > TAILLE_MAX_IMPORT:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo : découpez-le en plusieurs imports."))
        return fichier


class RouvrirAnneeForm(Formulaire):
    """Reopening a closed year: the reason is kept in its record and shown with its history."""

    motif = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif de la réouverture de l'année.")},
    )


# --- Validation -------------------------------------------------------------------------------------------------

MESSAGE_SELECTION_ILLISIBLE = _("La sélection envoyée est illisible : affichez de nouveau la file, puis recommencez.")
MESSAGE_COMMENTAIRE_RENVOI = _("Indiquez ce qui doit être corrigé : le commentaire est obligatoire pour un renvoi.")
# A batch takes at most this many achievements (a whole import of several pages included).
TAILLE_MAX_LOT = 1000


def lire_selection(valeurs):
    """{pk: version} from "pk:version" values; a ValidationError for anything else (forged or truncated)."""
    selection = {}
    for valeur in valeurs:
        pk, separateur, version = str(valeur).strip().partition(":")
        if not (separateur and pk.isdigit() and version.isdigit() and len(pk) < 19 and len(version) < 10):
            raise forms.ValidationError(MESSAGE_SELECTION_ILLISIBLE, code="illisible")
        selection[int(pk)] = int(version)
    return selection


class ChampSelection(forms.MultipleChoiceField):
    """The ticked boxes: any "pk:version" value, read by `lire_selection` (the rows are not choices of the form)."""

    def valid_value(self, value):
        return True


class ExamenForm(Formulaire):
    """Validate or return one achievement from its page: the version shown, and the validator's comment."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    commentaire = forms.CharField(
        label=_("Commentaire de l'examen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif pour une validation, obligatoire pour un renvoi : dites ce qui doit être corrigé."),
    )

    def __init__(self, *args, renvoi=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.renvoi = renvoi

    def clean_commentaire(self):
        commentaire = self.cleaned_data.get("commentaire", "").strip()
        if self.renvoi and not commentaire:
            raise forms.ValidationError(MESSAGE_COMMENTAIRE_RENVOI, code="required")
        return commentaire


class SelectionForm(Formulaire):
    """A batch from the queue: the boxes ticked (or every row matching the filters), each with its displayed version."""

    VALIDER, RENVOYER, VALIDER_TOUT = "valider", "renvoyer", "valider_tout"

    action = forms.ChoiceField(
        choices=[(VALIDER, VALIDER), (RENVOYER, RENVOYER), (VALIDER_TOUT, VALIDER_TOUT)],
        error_messages={"required": MESSAGE_SELECTION_ILLISIBLE, "invalid_choice": MESSAGE_SELECTION_ILLISIBLE},
    )
    selection = ChampSelection(required=False)
    affichees = forms.CharField(required=False, widget=forms.HiddenInput, max_length=TAILLE_MAX_LOT * 30)
    commentaire = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif pour valider, obligatoire pour renvoyer : il est noté sur chaque réalisation."),
    )

    def clean(self):
        donnees = super().clean()
        action = donnees.get("action")
        if action is None:
            return donnees
        try:
            if action == self.VALIDER_TOUT:
                valeurs = [v for v in donnees.get("affichees", "").split(",") if v.strip()]
            else:
                valeurs = donnees.get("selection") or []
            donnees["choisies"] = lire_selection(valeurs)
        except forms.ValidationError as erreur:
            raise forms.ValidationError(erreur.messages) from None
        if not donnees["choisies"]:
            raise forms.ValidationError(_("Cochez au moins une réalisation de la file."), code="vide")
        if len(donnees["choisies"]) > TAILLE_MAX_LOT:
            raise forms.ValidationError(
                _("Un lot compte au plus %(nombre)s réalisations : affinez les filtres.") % {"nombre": TAILLE_MAX_LOT}
            )
        if action == self.RENVOYER and not donnees.get("commentaire"):
            self.add_error("commentaire", MESSAGE_COMMENTAIRE_RENVOI)
        return donnees
