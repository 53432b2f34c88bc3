"""Evidence files: deposit, replace, delete and download, for any record that declares `NATURES_PIECES`.

The record's app says who may see and who may manage its files (`<app>.voir_pieces_<model>` and
`<app>.gerer_pieces_<model>` in its regles.py), so this module asks `user.has_perm(…, record)` and imports no app
above it. A user who may not see a record's files gets a 404, whether the file exists or not; a user who sees them
but may not change the record gets a 403.
"""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from partenariat.commun.acces import exiger
from partenariat.commun.fichiers import LimiteTailleHandler, message_trop_grand, taille_max, verifier_fichier
from partenariat.commun.saisie import ErreurMetier, Formulaire
from partenariat.models import NaturePiece, PieceJointe


class ErreurPieceJointe(ErreurMetier):
    """A deposit the checks refuse (type, size, name, nature); nothing was stored."""


def natures_de(objet):
    """The natures of file a record takes (a meeting: minutes and attendance sheet…); () for other records."""
    return tuple(getattr(type(objet), "NATURES_PIECES", ()))


def _permission(action, objet):
    meta = type(objet)._meta
    return f"{meta.app_label}.{action}_pieces_{meta.model_name}"


def permission_voir(objet):
    return _permission("voir", objet)


def permission_gerer(objet):
    return _permission("gerer", objet)


# --- Services ------------------------------------------------------------------------------------------------------


def _verifier(fichier):
    try:
        return verifier_fichier(fichier)
    except ValidationError as erreur:
        raise ErreurPieceJointe(" ".join(erreur.messages)) from erreur


def _enregistrer(piece, fichier, verifie, user, motif):
    """Store the file, then the row; a row that cannot be saved takes its stored file with it."""
    piece.nom_original = verifie.nom
    piece.taille = verifie.taille
    piece.type_mime = verifie.type_mime
    piece.sha256 = verifie.sha256
    piece.deposee_par = user
    piece.deposee_le = timezone.now()
    piece.fichier.save(verifie.nom, fichier, save=False)
    stocke = piece.fichier.name
    try:
        with transaction.atomic():
            piece._history_user = user
            piece._change_reason = motif
            piece.full_clean(exclude=["fichier"])
            piece.save()
    except BaseException:
        piece.fichier.storage.delete(stocke)
        raise
    return piece


def joindre_piece(objet, nature, fichier, user):
    """Attach a checked file of `nature` to `objet` (achievement, meeting…), recording who deposited it."""
    exiger(user, permission_gerer(objet), objet)
    if nature not in natures_de(objet):
        raise ErreurPieceJointe(gettext("Cette nature de pièce n'est pas prévue pour cet enregistrement."))
    verifie = _verifier(fichier)
    piece = PieceJointe(
        content_type=ContentType.objects.get_for_model(objet, for_concrete_model=False),
        object_id=objet.pk,
        nature=nature,
    )
    return _enregistrer(piece, fichier, verifie, user, gettext("Dépôt du fichier"))


def remplacer_piece(piece, fichier, user):
    """Put a new version of the file in place; the history keeps the previous one, whose stored file stays."""
    exiger(user, piece.permission_gerer, piece.objet)
    verifie = _verifier(fichier)
    piece.fichier.name = None
    return _enregistrer(piece, fichier, verifie, user, gettext("Remplacement du fichier"))


def supprimer_piece(piece, user):
    """Remove the attachment; its stored files (every version) are erased once the deletion is committed."""
    exiger(user, piece.permission_gerer, piece.objet)
    with transaction.atomic():
        piece._history_user = user
        piece.delete()


# --- Forms ---------------------------------------------------------------------------------------------------------


class FichierForm(Formulaire):
    fichier = forms.FileField(label=_("Fichier"))

    def __init__(self, *args, limiteur=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limiteur = limiteur
        self.fields["fichier"].help_text = _("PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; %(max)s au plus.") % {
            "max": _taille_lisible()
        }

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        try:
            self.verifie = verifier_fichier(fichier)
        except ValidationError as erreur:
            raise forms.ValidationError(erreur.messages) from erreur
        return fichier

    def full_clean(self):
        super().full_clean()
        if self.limiteur is not None and self.limiteur.trop_grand:
            # The handler skipped the file: the field saw nothing; say why rather than "field required".
            self.errors.pop("fichier", None)
            self.add_error("fichier", message_trop_grand())


class DepotForm(FichierForm):
    nature = forms.ChoiceField(label=_("Nature"))
    field_order = ["nature", "fichier"]

    def __init__(self, *args, natures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nature"].choices = [(nature, NaturePiece(nature).label) for nature in natures]
        if len(natures) == 1:
            self.fields["nature"].initial = natures[0]


def _taille_lisible():
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(taille_max())


# --- Views ---------------------------------------------------------------------------------------------------------


def _visible(user, objet):
    return objet is not None and user.has_perm(permission_voir(objet), objet)


class TelechargementView(LoginRequiredMixin, View):
    """The only way out of the private storage: an attachment, with the name the person gave it."""

    def get(self, request, pk):
        piece = get_object_or_404(PieceJointe.objects.select_related("content_type"), pk=pk)
        objet = piece.objet
        if not _visible(request.user, objet):
            raise Http404
        try:
            contenu = piece.fichier.open("rb")
        except FileNotFoundError as erreur:
            raise Http404 from erreur
        reponse = FileResponse(contenu, as_attachment=True, filename=piece.nom_original, content_type=piece.type_mime)
        reponse["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(reponse, private=True, no_cache=True)
        return reponse


@method_decorator(csrf_exempt, name="dispatch")
class EcritureView(LoginRequiredMixin, View):
    """POST only. The size limit is set up before the body is read, hence CSRF checked here rather than earlier."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.limiteur = LimiteTailleHandler(request)
        request.upload_handlers.insert(0, self.limiteur)
        return csrf_protect(self.traiter)(request, *args, **kwargs)

    def objet_verifie(self, objet):
        """The record, once the user is known to see its files (else 404) and to manage them (else 403)."""
        if not _visible(self.request.user, objet):
            raise Http404
        if not self.request.user.has_perm(permission_gerer(objet), objet):
            raise PermissionDenied
        return objet

    def retour(self, objet):
        """Back to the page the form was on (a local address only), or the record's own page."""
        adresse = self.request.POST.get("retour", "")
        if adresse and url_has_allowed_host_and_scheme(
            adresse, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return HttpResponseRedirect(adresse)
        if hasattr(objet, "get_absolute_url"):
            return HttpResponseRedirect(objet.get_absolute_url())
        return HttpResponseRedirect("/")

    def refuser(self, objet, erreurs):
        for erreur in erreurs:
            messages.error(self.request, erreur)
        return self.retour(objet)

    def erreurs_de(self, form):
        return [message for liste in form.errors.values() for message in liste]


class DepotView(EcritureView):
    def traiter(self, request, app_label, modele, pk):
        try:
            modele = apps.get_model(app_label, modele)
        except LookupError as erreur:
            raise Http404 from erreur
        if not getattr(modele, "NATURES_PIECES", None):
            raise Http404
        objet = self.objet_verifie(get_object_or_404(modele, pk=pk))
        form = DepotForm(request.POST, request.FILES, natures=natures_de(objet), limiteur=self.limiteur)
        if not form.is_valid():
            return self.refuser(objet, self.erreurs_de(form))
        try:
            piece = joindre_piece(objet, form.cleaned_data["nature"], form.cleaned_data["fichier"], request.user)
        except ErreurPieceJointe as erreur:
            return self.refuser(objet, [erreur.message])
        messages.success(request, gettext("Le fichier « %(nom)s » est joint.") % {"nom": piece.nom_original})
        return self.retour(objet)


class RemplacementView(EcritureView):
    def traiter(self, request, pk):
        piece = get_object_or_404(PieceJointe.objects.select_related("content_type"), pk=pk)
        objet = self.objet_verifie(piece.objet)
        form = FichierForm(request.POST, request.FILES, limiteur=self.limiteur)
        if not form.is_valid():
            return self.refuser(objet, self.erreurs_de(form))
        ancien = piece.nom_original
        try:
            remplacer_piece(piece, form.cleaned_data["fichier"], request.user)
        except ErreurPieceJointe as erreur:
            return self.refuser(objet, [erreur.message])
        messages.success(
            request,
            gettext("« %(ancien)s » est remplacé par « %(nom)s » ; l'ancienne version reste dans l'historique.")
            % {"ancien": ancien, "nom": piece.nom_original},
        )
        return self.retour(objet)


class SuppressionView(EcritureView):
    def traiter(self, request, pk):
        piece = get_object_or_404(PieceJointe.objects.select_related("content_type"), pk=pk)
        objet = self.objet_verifie(piece.objet)
        nom = piece.nom_original
        supprimer_piece(piece, request.user)
        messages.success(request, gettext("Le fichier « %(nom)s » est supprimé.") % {"nom": nom})
        return self.retour(objet)


class PiecesJointesMixin:
    """For a record's page: its files, and the deposit form for those who may change it (`pieces_jointes`)."""

    def objet_des_pieces(self):
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objet, user = self.objet_des_pieces(), self.request.user
        if objet is None or objet.pk is None or not _visible(user, objet):
            return context
        meta = type(objet)._meta
        peut_gerer = user.has_perm(permission_gerer(objet), objet)
        context["pieces_jointes"] = {
            "liste": list(PieceJointe.objects.de(objet)),
            "peut_gerer": peut_gerer,
            "formulaire": DepotForm(natures=natures_de(objet), auto_id="id_piece_%s") if peut_gerer else None,
            "url_depot": reverse("piece_jointe_add", args=[meta.app_label, meta.model_name, objet.pk]),
            "retour": self.request.get_full_path(),
        }
        return context


def _valider_piece(fichier):
    verifier_fichier(fichier)


class JustificatifMixin:
    """For the form that records a new achievement: an optional evidence file, attached in the same transaction.

    It is checked like any deposit (content, name, size); the size limit is set up before the body is read, as in
    the deposit views, so CSRF is checked in `post` rather than by the middleware.
    """

    nature_justificatif = NaturePiece.JUSTIFICATIF
    limiteur = None

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.creation:
            self.limiteur = LimiteTailleHandler(request)
            request.upload_handlers.insert(0, self.limiteur)
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.creation:
            form.fields["justificatif"] = forms.FileField(
                label=_("Justificatif"),
                required=False,
                validators=[_valider_piece],
                help_text=_("Facultatif : PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG ; %(max)s au plus.")
                % {"max": _taille_lisible()},
            )
        return form

    def form_valid(self, form):
        if self.limiteur is not None and self.limiteur.trop_grand:
            form.add_error("justificatif", message_trop_grand())
            return self.form_invalid(form)
        fichier = form.cleaned_data.get("justificatif")
        if fichier:
            # The view's own `enregistrer` (its service call), then the file, in one transaction: a refused file
            # leaves no achievement, and the refusal shows on the form like any other.
            enregistrer = self.enregistrer

            def enregistrer_avec_justificatif(form):
                with transaction.atomic():
                    objet = enregistrer(form)
                    joindre_piece(objet, self.nature_justificatif, fichier, self.request.user)
                return objet

            self.enregistrer = enregistrer_avec_justificatif
        return super().form_valid(form)
