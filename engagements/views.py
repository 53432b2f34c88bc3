import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, FormView, TemplateView, View
from django_filters.views import FilterView

from aires_urbaines.models import AireUrbaine
from conferences.models import ConferenceTerritoriale
from partenariat.commun.acces import AccesMixin
from partenariat.commun.convertisseurs import lire_code_aire, lire_identifiant
from partenariat.commun.dates import date_courte
from partenariat.commun.historique import historique_de
from partenariat.commun.listes import DateDeReferenceMixin, ListeView
from partenariat.commun.nombres import nombre
from partenariat.commun.saisie import EditionView, ErreurMetier
from partenariat.models import ANNEE_DEBUT, ANNEE_FIN
from partenariat.pieces_jointes import JustificatifMixin, PiecesJointesMixin

from . import pilote, services
from .avancement import EtatRealisation
from .filters import ObjectifFilter, RealisationAValiderFilter
from .forms import (
    TAILLE_MAX_LOT,
    ExamenForm,
    ImportRealisationsForm,
    ObjectifForm,
    RealisationForm,
    RouvrirAnneeForm,
    SelectionForm,
)
from .imports import analyser_fichier, apercu, lignes_depuis_session
from .models import ClotureAnnee, Objectif, Realisation
from .regles import est_a_examiner, peut_valider
from .tables import ObjectifTable, RealisationAValiderTable

# Checked import files waiting for confirmation, in the session: {token: {"fichier", "lignes", "le"}}.
CLE_IMPORTS = "imports_realisations"
IMPORTS_CONSERVES = 5


def _historique_objectif(objectif):
    realisations = Realisation.history.filter(objectif_id=objectif.pk)
    return historique_de(
        objectif, lies=[(realisations, lambda e: _("Réalisation du %(date)s") % {"date": date_courte(e.date)})]
    )


def url_file_validation(**filtres):
    """The validation queue filtered on an area (`aire=<code>`) or a conference (`conference=<pk>`): where a
    page's pending count leads."""
    return reverse("validation:file") + (f"?{urlencode(filtres)}" if filtres else "")


def contexte_en_attente(user, nb_en_attente, **filtres):
    """What templates/_en_attente.html needs: the count, and the queue's link for those who may validate."""
    return {
        "nb_en_attente": nb_en_attente,
        "url_validation": url_file_validation(**filtres),
        "peut_ouvrir_file": user.has_perm("engagements.ouvrir_file_validation"),
    }


class ObjectifListView(DateDeReferenceMixin, ListeView):
    table_class = ObjectifTable
    filterset_class = ObjectifFilter
    template_name = "engagements/objectif_list.html"
    titre = gettext_lazy("Objectifs partagés")
    introduction = gettext_lazy(
        "Les objectifs convenus par aire, dispositif et année, et leur avancement mesuré par les réalisations."
    )
    export_name = "objectifs"

    def get_queryset(self):
        return Objectif.objects.convenus_au(self.au).pour_liste(self.au, provisoire=self.provisoire)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["peut_ajouter"] = user.has_perm("engagements.saisir_objectifs")
        context["peut_importer"] = user.has_perm("engagements.importer_realisations")
        context["voir_annees"] = user.is_authenticated
        return context


class ObjectifPiloteView(LoginRequiredMixin, DateDeReferenceMixin, FilterView):
    """PILOTE's long file (`engagements.pilote`) of the objectives /objectifs/ lists with the same filters and
    `?date=`; `?format=csv` (default) or `xlsx`. Validated figures only: PILOTE's `va` is the settled value, so
    `?en_attente=1` is ignored."""

    filterset_class = ObjectifFilter

    def get_queryset(self):
        return Objectif.objects.convenus_au(self.au).pour_liste(self.au)

    def get(self, request, *args, **kwargs):
        format_ = request.GET.get("format") or "csv"
        if format_ not in pilote.FORMATS:
            message = _("Ce format d'export PILOTE n'est pas proposé : choisissez CSV ou XLSX.")
            retour = reverse("engagements:objectif_list")
            return render(request, "400.html", {"message": message, "retour": retour}, status=400)
        self.provisoire = False  # read by the filter on the status, as on the page without the switch
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            objectifs = filterset.qs
        else:
            objectifs = filterset.queryset.none()  # as the page: an invalid filter lists nothing
        code = lire_code_aire(filterset.form.cleaned_data.get("aire")) if filterset.is_valid() else None
        nom, contenu = pilote.exporter_pilote(objectifs, self.au, format_, code_aire=code)
        reponse = HttpResponse(contenu, content_type=pilote.FORMATS[format_])
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse


class ObjectifDetailView(LoginRequiredMixin, DateDeReferenceMixin, TemplateView):
    template_name = "engagements/objectif_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objectif = get_object_or_404(
            Objectif.objects.pour_liste(self.au, provisoire=self.provisoire), pk=self.kwargs["pk"]
        )
        user, nouvelle = self.request.user, Realisation(objectif=objectif)
        clotures = services.clotures()
        # Computed once: a closed year's page offers no write its models would refuse, and says why.
        annee_close = clotures.get(objectif.annee)
        context.update(
            **contexte_en_attente(user, objectif.nb_en_attente, aire=objectif.aire.code),
            objectif=objectif,
            realisations=objectif.realisations.select_related("saisi_par").order_by("-date", "-pk"),
            historique=_historique_objectif(objectif),
            revisions=objectif.revisions.select_related("revisee_par").order_by("-revisee_le", "-pk"),
            peut_modifier=user.has_perm("engagements.change_objectif", objectif),
            peut_ajouter_realisation=not annee_close and user.has_perm("engagements.add_realisation", nouvelle),
            peut_modifier_realisation=not annee_close and user.has_perm("engagements.change_realisation", nouvelle),
            clotures=clotures,
            annee_close=annee_close,
        )
        return context


class RealisationDetailView(LoginRequiredMixin, PiecesJointesMixin, DetailView):
    """The achievement, its state in the validation lifecycle and, for a validator, the form to examine it."""

    model = Realisation
    template_name = "engagements/realisation_detail.html"
    context_object_name = "realisation"

    def get_queryset(self):
        return Realisation.objects.select_related("objectif__aire", "saisi_par", "modifie_par", "examinee_par")

    def get_context_data(self, examen=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, realisation = self.request.user, self.object
        context["historique"] = historique_de(realisation)
        context["clotures"] = clotures = services.clotures()
        # A closed year's achievement can no longer be changed nor examined: neither is offered.
        context["annee_close"] = annee_close = clotures.get(realisation.objectif.annee)
        context["peut_modifier"] = not annee_close and user.has_perm("engagements.change_realisation", realisation)
        context["peut_valider"] = not annee_close and peut_valider(user, realisation)
        if context["peut_valider"]:
            context["examen"] = examen or ExamenForm(initial={"version": realisation.version})
        # A validator looking at what they submitted: say why the form is not offered.
        context["quatre_yeux"] = (
            not context["peut_valider"]
            and not annee_close
            and est_a_examiner(realisation)
            and user.has_perm("engagements.ouvrir_file_validation")
        )
        return context


# --- Data entry -------------------------------------------------------------------------------------------------


class ObjectifCreateView(EditionView):
    """`?conference=<pk>` or `?aire=<code>` fill the form in from the page the user came from."""

    creation = True
    permission_required = "engagements.saisir_objectifs"
    model = Objectif
    form_class = ObjectifForm
    template_name = "engagements/objectif_form.html"
    titre = gettext_lazy("Nouvel objectif partagé")
    message_succes = gettext_lazy("L'objectif « %(objet)s » est enregistré ; son taux de réalisation est à jour.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        identifiant = lire_identifiant(self.request.GET.get("conference"))
        conference = ConferenceTerritoriale.objects.filter(pk=identifiant).first()
        if conference:
            initial["conference"] = conference
            initial["aire"] = conference.aires.order_by("code").first()
        aire = AireUrbaine.objects.filter(code=lire_code_aire(self.request.GET.get("aire"))).first()
        if aire:
            initial["aire"] = aire
        initial.setdefault("date_accord", timezone.localdate())
        return initial

    def get_url_annulation(self):
        return reverse("engagements:objectif_list")

    def enregistrer(self, form):
        return services.convenir_objectif(form.instance, self.request.user)


class ObjectifUpdateView(ObjectifCreateView):
    creation = False
    permission_required = "engagements.change_objectif"
    titre = gettext_lazy("Modifier l'objectif « %(objet)s »")

    def get_queryset(self):
        return Objectif.objects.select_related("aire", "conference")

    def get_initial(self):
        return {}

    def get_url_annulation(self):
        return self.objet.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["historique"] = _historique_objectif(self.object)
        return context

    def enregistrer(self, form):
        return services.modifier_objectif(
            form.instance, self.request.user, form.cleaned_data["version"], motif=form.motif_de_la_revision()
        )


class RealisationCreateView(JustificatifMixin, EditionView):
    """A new achievement belongs to the objective of the URL; the permission is asked about it.

    Its evidence file (optional) is attached in the same step (`JustificatifMixin`).
    """

    creation = True
    permission_required = "engagements.add_realisation"
    model = Realisation
    form_class = RealisationForm
    template_name = "engagements/realisation_form.html"
    titre = gettext_lazy("Nouvelle réalisation")
    message_succes = gettext_lazy(
        "La réalisation de %(quantite)s %(unite)s du %(date)s est enregistrée et soumise à validation ; "
        "elle comptera dans le taux de réalisation une fois validée."
    )

    def nouvel_objet(self):
        objectif = get_object_or_404(Objectif.objects.select_related("aire"), pk=self.kwargs["pk"])
        return Realisation(objectif=objectif)

    @cached_property
    def objectif(self):
        return self.objet.objectif

    def get_initial(self):
        return {**super().get_initial(), "date": timezone.localdate()}

    def parametres_textes(self):
        parametres = super().parametres_textes()
        if self.object is not None:
            parametres.update(
                quantite=nombre(self.object.quantite),
                unite=self.object.objectif.get_unite_display(),
                date=date_courte(self.object.date),
            )
        return parametres

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["objectif"] = self.objectif
        return context

    def get_success_url(self):
        return self.objectif.get_absolute_url()

    def get_url_annulation(self):
        return self.objectif.get_absolute_url()

    def enregistrer(self, form):
        return services.enregistrer_realisation(form.instance, self.request.user)


class RealisationUpdateView(RealisationCreateView):
    creation = False
    permission_required = "engagements.change_realisation"
    titre = gettext_lazy("Modifier la réalisation du %(date)s")

    def get_queryset(self):
        return Realisation.objects.select_related("objectif__aire")

    def get_initial(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["historique"] = historique_de(self.object)
        return context

    def enregistrer(self, form):
        return services.enregistrer_realisation(form.instance, self.request.user, version=form.cleaned_data["version"])


# --- Bulk import of achievements ---------------------------------------------------------------------------------


class ImportMixin(AccesMixin):
    permission_required = "engagements.importer_realisations"


class ImportRealisationsView(ImportMixin, FormView):
    """Upload: the file is checked line by line; a good file is kept in the session for its preview."""

    form_class = ImportRealisationsForm
    template_name = "engagements/import_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("titre", _("Importer des réalisations"))
        context.setdefault("annuler", reverse("engagements:objectif_list"))
        return context

    def form_valid(self, form):
        fichier = form.cleaned_data["fichier"]
        analyse = analyser_fichier(fichier.name, fichier.read(), self.request.user)
        if not analyse.erreurs and not analyse.lignes:
            # A PILOTE file whose values are all recorded already: nothing is wrong, and nothing to preview.
            messages.info(
                self.request,
                _("Le fichier ne contient aucune réalisation nouvelle : toutes les valeurs sont déjà à jour."),
            )
            return redirect("engagements:realisation_import")
        if not analyse.acceptee:
            form.add_error(
                None, _("Le fichier « %(fichier)s » est refusé : rien n'a été enregistré.") % {"fichier": fichier.name}
            )
            return self.render_to_response(self.get_context_data(form=form, rapport=analyse.erreurs))
        jeton = str(uuid.uuid4())
        en_attente = dict(self.request.session.get(CLE_IMPORTS, {}))
        for ancien in sorted(en_attente, key=lambda j: en_attente[j]["le"])[: -IMPORTS_CONSERVES + 1]:
            del en_attente[ancien]
        en_attente[jeton] = {
            "fichier": fichier.name,
            "lignes": [ligne.en_session() for ligne in analyse.lignes],
            "le": timezone.now().isoformat(),
        }
        self.request.session[CLE_IMPORTS] = en_attente
        a_jour = getattr(analyse, "a_jour", 0)  # PILOTE rows whose cumulative value is recorded already
        if a_jour:
            messages.info(
                self.request,
                ngettext(
                    "%(nombre)s ligne déjà à jour : sa valeur cumulée (va) est celle des réalisations enregistrées, "
                    "rien ne sera créé pour elle.",
                    "%(nombre)s lignes déjà à jour : leur valeur cumulée (va) est celle des réalisations "
                    "enregistrées, rien ne sera créé pour elles.",
                    a_jour,
                )
                % {"nombre": nombre(a_jour)},
            )
        return redirect("engagements:realisation_import_confirm", jeton=jeton)


class ConfirmationImportView(ImportMixin, TemplateView):
    """Preview, then confirm (applied once, in one transaction) or abandon; only what the server checked is used."""

    template_name = "engagements/import_apercu.html"

    def dispatch(self, request, *args, **kwargs):
        self.jeton = str(kwargs["jeton"])
        return super().dispatch(request, *args, **kwargs)

    def en_attente(self):
        return self.request.session.get(CLE_IMPORTS, {}).get(self.jeton)

    def oublier(self):
        en_attente = dict(self.request.session.get(CLE_IMPORTS, {}))
        en_attente.pop(self.jeton, None)
        self.request.session[CLE_IMPORTS] = en_attente

    def introuvable(self):
        messages.error(
            self.request,
            _("Cet import a déjà été appliqué, a été abandonné ou a expiré : rien n'a été enregistré de nouveau."),
        )
        return redirect("engagements:realisation_import")

    def get(self, request, *args, **kwargs):
        donnees = self.en_attente()
        if donnees is None:
            return self.introuvable()
        lignes, erreurs = lignes_depuis_session(donnees["lignes"], request.user)
        return self.render_to_response(
            self.get_context_data(
                titre=_("Vérifier l'import avant de l'appliquer"),
                fichier=donnees["fichier"],
                apercu=apercu(lignes),
                erreurs=erreurs,
                jeton=self.jeton,
            )
        )

    def post(self, request, *args, **kwargs):
        donnees = self.en_attente()
        if donnees is None:
            return self.introuvable()
        if "_abandonner" in request.POST:
            self.oublier()
            messages.info(
                request,
                _("L'import de « %(fichier)s » est abandonné : rien n'a été enregistré.")
                % {"fichier": donnees["fichier"]},
            )
            return redirect("engagements:realisation_import")
        lignes, erreurs = lignes_depuis_session(donnees["lignes"], request.user)
        try:
            if erreurs:
                raise services.ErreurEngagement(_("Le fichier est refusé : rien n'a été enregistré."), details=erreurs)
            crees = services.importer_realisations(lignes, request.user, self.jeton)
        except ErreurMetier as erreur:
            self.oublier()
            messages.error(request, " ".join([erreur.message, *erreur.details]))
            return redirect("engagements:realisation_import")
        self.oublier()
        texte = ngettext(
            "%(nombre)s réalisation importée depuis « %(fichier)s » et soumise à validation ; "
            "elle comptera dans les taux de réalisation une fois validée.",
            "%(nombre)s réalisations importées depuis « %(fichier)s » et soumises à validation ; "
            "elles compteront dans les taux de réalisation une fois validées.",
            len(crees),
        ) % {"nombre": nombre(len(crees)), "fichier": donnees["fichier"]}
        if request.user.has_perm("engagements.ouvrir_file_validation"):
            file_du_lot = reverse("validation:file") + "?" + urlencode({"lot_import": self.jeton})
            lien = _("Voir cet import dans la file de validation")
            texte = format_html('{} <a href="{}">{}</a>', texte, file_du_lot, lien)
        messages.success(request, texte)
        return redirect("engagements:objectif_list")


# --- Closing the years -------------------------------------------------------------------------------------------


class AnneeEtat:
    """One year of the period on the closing page: its state, its pending achievements, its reopening form."""

    def __init__(self, annee, cloture, attente, formulaire):
        self.annee, self.cloture, self.attente, self.formulaire = annee, cloture, attente, formulaire

    @property
    def close(self):
        return self.cloture is not None and self.cloture.close

    @property
    def nb_en_attente(self):
        return self.attente["total"] if self.attente else 0


def contexte_annees(user, formulaires=None):
    """The three years with their state and pending counts, and every closing and reopening: four queries."""
    formulaires = formulaires or {}
    lignes = ClotureAnnee.objects.select_related("close_par", "rouverte_par").in_bulk(field_name="annee")
    attente = services.en_attente_par_annee()
    historique = list(ClotureAnnee.history.select_related("history_user").order_by("-history_date", "-history_id"))
    return {
        "titre": _("Clôture des années"),
        "annees": [
            AnneeEtat(
                annee,
                lignes.get(annee),
                attente.get(annee),
                formulaires.get(annee) or RouvrirAnneeForm(prefix=f"annee-{annee}"),
            )
            for annee in range(ANNEE_DEBUT, ANNEE_FIN + 1)
        ],
        "historique_clotures": historique,
        "peut_clore": user.has_perm("engagements.cloturer_annee"),
        "peut_rouvrir": user.has_perm("engagements.rouvrir_annee"),
    }


class AnneesView(LoginRequiredMixin, TemplateView):
    """Which years are closed, since when and by whom, with the history of closings and reopenings and why."""

    template_name = "engagements/annees.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(contexte_annees(self.request.user))
        return context


class CloturerAnneeView(AccesMixin, View):
    http_method_names = ["post"]
    permission_required = "engagements.cloturer_annee"

    def post(self, request, annee):
        try:
            services.cloturer_annee(annee, request.user)
        except ErreurMetier as erreur:
            messages.error(request, " ".join([erreur.message, *erreur.details]))
        else:
            messages.success(
                request,
                _("L'année %(annee)s est close : ses réalisations ne peuvent plus changer.") % {"annee": annee},
            )
        return redirect("engagements:annees")


class RouvrirAnneeView(AccesMixin, View):
    """A reopening without its reason shows the page again with the form's message, nothing recorded."""

    http_method_names = ["post"]
    permission_required = "engagements.rouvrir_annee"

    def post(self, request, annee):
        formulaire = RouvrirAnneeForm(request.POST, prefix=f"annee-{annee}")
        if not formulaire.is_valid():
            contexte = contexte_annees(request.user, {annee: formulaire})
            return TemplateResponse(request, AnneesView.template_name, contexte)
        try:
            services.rouvrir_annee(annee, request.user, formulaire.cleaned_data["motif"])
        except ErreurMetier as erreur:
            messages.error(request, " ".join([erreur.message, *erreur.details]))
        else:
            messages.success(request, _("L'année %(annee)s est rouverte.") % {"annee": annee})
        return redirect("engagements:annees")


# --- Validation -------------------------------------------------------------------------------------------------


class FileValidationView(AccesMixin, ListeView):
    """The queue of submitted achievements; a POST validates or returns a batch of it, all or nothing.

    Each box carries the version displayed: a row changed since makes the whole batch refused. A refused batch
    shows the page again with its boxes and comment kept; the filters stay in the address.
    """

    permission_required = "engagements.ouvrir_file_validation"
    table_class = RealisationAValiderTable
    filterset_class = RealisationAValiderFilter
    template_name = "engagements/validation_list.html"
    titre = gettext_lazy("Réalisations à valider")
    introduction = gettext_lazy(
        "Les réalisations soumises par les secrétariats et l'équipe UESL ne comptent dans les chiffres qu'une fois "
        "validées par une autre personne. Validez-les, ou renvoyez-les pour correction avec un commentaire."
    )
    export_name = "realisations-a-valider"
    formulaire = None
    cochees = ()

    def get_permission_object(self):
        return None

    def get_queryset(self):
        return (
            Realisation.objects.filter(etat=EtatRealisation.SOUMISE)
            .select_related("objectif__aire", "objectif__conference", "modifie_par")
            .prefetch_related("pieces_jointes")
            .order_by("soumise_le", "pk")
        )

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "cochees": self.cochees, "examinateur": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Every row matching the filters that the user may examine (four eyes), with the version displayed:
        # « Valider tout ce qui est affiché ».
        user = self.request.user
        examinables = self.object_list.exclude(saisi_par=user).exclude(modifie_par=user)
        affichees = list(examinables.order_by("pk").values_list("pk", "version")[: TAILLE_MAX_LOT + 1])
        context["affichees"] = ",".join(f"{pk}:{version}" for pk, version in affichees[:TAILLE_MAX_LOT])
        context["nb_affichees"] = len(affichees)
        context["trop_pour_un_lot"] = len(affichees) > TAILLE_MAX_LOT
        context["taille_max_lot"] = TAILLE_MAX_LOT
        context["formulaire"] = self.formulaire or SelectionForm()
        return context

    def post(self, request, *args, **kwargs):
        formulaire = SelectionForm(request.POST)
        if formulaire.is_valid():
            action, choisies = formulaire.cleaned_data["action"], formulaire.cleaned_data["choisies"]
            commentaire = formulaire.cleaned_data["commentaire"]
            try:
                if action == SelectionForm.RENVOYER:
                    examinees = services.renvoyer_selection(choisies, request.user, commentaire)
                else:
                    examinees = services.valider_selection(choisies, request.user, commentaire)
            except ErreurMetier as erreur:
                formulaire.add_error(None, erreur.message)
                for detail in erreur.details:
                    formulaire.add_error(None, detail)
            else:
                gabarit = (
                    ngettext(
                        "%(nombre)s réalisation renvoyée pour correction.",
                        "%(nombre)s réalisations renvoyées pour correction.",
                        len(examinees),
                    )
                    if action == SelectionForm.RENVOYER
                    else ngettext(
                        "%(nombre)s réalisation validée : elle compte désormais dans les chiffres.",
                        "%(nombre)s réalisations validées : elles comptent désormais dans les chiffres.",
                        len(examinees),
                    )
                )
                messages.success(request, gabarit % {"nombre": nombre(len(examinees))})
                return redirect(request.get_full_path())
        self.formulaire = formulaire
        self.cochees = request.POST.getlist("selection")
        return self.get(request, *args, **kwargs)


class ExamenRealisationView(AccesMixin, RealisationDetailView):
    """Validate (or, with `renvoi`, return) one achievement from its page; a refusal shows the page again."""

    http_method_names = ["post"]
    permission_required = "engagements.ouvrir_file_validation"
    renvoi = False

    def get_permission_object(self):
        return None

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        examen = ExamenForm(request.POST, renvoi=self.renvoi)
        if examen.is_valid():
            version, commentaire = examen.cleaned_data["version"], examen.cleaned_data["commentaire"]
            try:
                if self.renvoi:
                    services.renvoyer_realisation(self.object, request.user, version, commentaire)
                else:
                    services.valider_realisation(self.object, request.user, version, commentaire)
            except ErreurMetier as erreur:
                examen.add_error(None, erreur.message)
                for detail in erreur.details:
                    examen.add_error(None, detail)
                if erreur.version_actuelle is not None:
                    # Examining again confirms the decision against what is now stored.
                    examen.data = examen.data.copy()
                    examen.data["version"] = str(erreur.version_actuelle)
            else:
                message = (
                    _("%(realisation)s est renvoyée pour correction.")
                    if self.renvoi
                    else _("%(realisation)s est validée : elle compte désormais dans les chiffres.")
                )
                messages.success(request, message % {"realisation": services.nom_realisation(self.object)})
                return redirect("validation:file")
        context = self.get_context_data(examen=examen)
        context["examen"] = examen  # shown even when the refusal came from the rule (four eyes, state)
        return self.render_to_response(context)
