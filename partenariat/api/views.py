"""The API's endpoints: the pages' querysets, filters and figures for reading, the forms and services for writing.

A write is the form's validation then the service's call, exactly as the pages do, so that every rule (scope,
closed years, four eyes, reasons of revisions, history) holds through the API without being written twice.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from aires_urbaines.filters import AireUrbaineFilter
from aires_urbaines.models import AireUrbaine, PhaseDeploiement
from conferences.filters import ConferenceFilter
from conferences.models import ConferenceTerritoriale
from engagements import services
from engagements.annotations import annoter_aires, annoter_conferences
from engagements.filters import ObjectifFilter
from engagements.forms import ObjectifForm, RealisationForm
from engagements.models import Objectif, Realisation
from partenariat.commun.acces import exiger
from partenariat.commun.dates import DateInvalide, date_de_reference, date_du_parametre
from partenariat.commun.listes import PARAMETRE_PROVISOIRE, TAILLES_PAGE, lire_provisoire
from partenariat.models import periode_courante
from partenariat.pilotage.tableau import etat_du_protocole

from . import serializers as s
from .filtres import FiltresDesPages, OrdreStable, RealisationFilter
from .problemes import CONTENT_TYPE, PreconditionRequise, VersionPerimee, etag_de

PARAMETRES_CHIFFRES = [
    OpenApiParameter(
        "date",
        OpenApiTypes.DATE,
        description="Date des chiffres (AAAA-MM-JJ), aujourd'hui par défaut, comme le « ?date= » des pages.",
    ),
    OpenApiParameter(
        PARAMETRE_PROVISOIRE,
        OpenApiTypes.STR,
        enum=["1"],
        description="« 1 » compte aussi les réalisations en attente de validation (chiffres provisoires).",
    ),
]
PARAMETRE_IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="L'ETag de la lecture de l'enregistrement : une modification faite depuis est refusée (412).",
)
ERREUR = OpenApiResponse(
    inline_serializer(
        "Probleme",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
            "instance": serializers.CharField(required=False),
            "erreurs": serializers.ListField(
                child=inline_serializer(
                    "ErreurDeChamp",
                    {"champ": serializers.CharField(allow_null=True), "message": serializers.CharField()},
                ),
                required=False,
            ),
        },
    ),
    description="Problème (RFC 9457), en français.",
)
ERREURS_LECTURE = {(code, CONTENT_TYPE): ERREUR for code in (400, 401, 403, 404, 406, 429)}
ERREURS_ECRITURE = {**ERREURS_LECTURE, **{(code, CONTENT_TYPE): ERREUR for code in (409, 412, 415, 428)}}
# Numeric identifiers only, within 64 bits: any other text is an address of nothing (404), never a 500.
IDENTIFIANT = r"[0-9]{1,18}"


def schema_ressource(sortie, parametres=(), parametres_liste=(), creation=None, modification=None, tag=None):
    """The schema of a resource's operations: its reads, and the writes it offers with their errors."""
    lecture = {"responses": {200: sortie, **ERREURS_LECTURE}}
    vues = {
        "list": extend_schema(parameters=[*parametres, *parametres_liste], **lecture),
        "retrieve": extend_schema(parameters=list(parametres), **lecture),
    }
    if creation is not None:
        vues["create"] = extend_schema(request=creation, responses={201: sortie, **ERREURS_ECRITURE})
    if modification is not None:
        vues["partial_update"] = extend_schema(
            request=modification, parameters=[PARAMETRE_IF_MATCH], responses={200: sortie, **ERREURS_ECRITURE}
        )

    def decorer(classe):
        return extend_schema(tags=[tag])(extend_schema_view(**vues)(classe))

    return decorer


class Pages(PageNumberPagination):
    """The pages' sizes: `?per_page=` up to 100, 25 by default."""

    page_size = TAILLES_PAGE[0]
    page_size_query_param = "per_page"
    max_page_size = TAILLES_PAGE[-1]


class ChiffresApiMixin:
    """`?date=` and `?en_attente=1`, read once as the pages read them, refused with a message when malformed."""

    au = None  # today, until the request says otherwise (and for the schema's generator)
    provisoire = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.au = date_de_reference(date_du_parametre(request.query_params.get("date")))
        except DateInvalide as erreur:
            raise exceptions.ValidationError({"date": str(erreur)}) from None
        self.provisoire = lire_provisoire(request)


def version_lue(request, objet):
    """The version `If-Match` names: the record's own when it lists its current ETag (or `*`), else 412.

    Without the header a write could overwrite someone else's change: 428. A weak ETag never matches (RFC 9110).
    """
    entete = request.headers.get("If-Match", "").strip()
    if not entete:
        raise PreconditionRequise()
    valeurs = [valeur.strip() for valeur in entete.split(",")]
    if "*" in valeurs or etag_de(objet.version) in valeurs:
        return objet.version
    raise VersionPerimee(
        _(
            "« %(objet)s » a été modifié depuis votre lecture (version actuelle %(actuelle)s) : rien n'a été "
            "enregistré. Relisez-le, puis renvoyez votre modification avec le nouvel ETag."
        )
        % {"objet": objet, "actuelle": objet.version},
        etag=etag_de(objet.version),
    )


def erreurs_du_formulaire(form):
    """A Django form's errors, as the API's 400: {field: [messages]}, the form-wide ones under `non_field_errors`."""
    return exceptions.ValidationError(
        {("non_field_errors" if champ == "__all__" else champ): messages for champ, messages in form.errors.items()}
    )


def avec_etag(reponse, objet):
    reponse["ETag"] = etag_de(objet.version)
    return reponse


@extend_schema(tags=["protocole"])
class ProtocoleView(ChiffresApiMixin, APIView):
    """The protocol, its signatories and the state of its five clauses at the date, as on the dashboard."""

    @extend_schema(parameters=PARAMETRES_CHIFFRES, responses={200: s.ProtocoleSerializer, **ERREURS_LECTURE})
    def get(self, request):
        etat = etat_du_protocole(self.au, self.provisoire)
        protocole = etat["protocole"]
        donnees = {
            "titre": protocole.titre,
            "date_signature": protocole.date_signature,
            "annee_debut": protocole.annee_debut,
            "annee_fin": protocole.annee_fin,
            "delai_installation_mois": protocole.delai_installation_mois,
            "date_limite_installation": etat["date_limite"],
            "au": self.au,
            "chiffres_provisoires": self.provisoire,
            "signataires": list(protocole.signataires.order_by("ordre", "sigle")) if protocole.pk else [],
            "clauses": [
                {
                    "numero": clause.numero,
                    "code": clause.code,
                    "titre": str(clause.titre),
                    "etat": clause.etat,
                    "etat_libelle": str(clause.etat_libelle),
                    "resume": str(clause.resume),
                    "chiffres": [
                        {"libelle": str(libelle), "valeur": valeur, "lien": lien}
                        for libelle, valeur, lien in clause.chiffres
                    ],
                }
                for clause in etat["clauses"]
            ],
        }
        return Response(s.ProtocoleSerializer(donnees).data)


@schema_ressource(s.PhaseSerializer, PARAMETRES_CHIFFRES[:1], tag="déploiement")
class PhaseViewSet(ChiffresApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PhaseSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = None

    def get_queryset(self):
        return PhaseDeploiement.objects.avec_nb_aires(date_de_reference(self.au)).order_by("ordre", "date_debut", "pk")


@schema_ressource(
    s.AireSerializer,
    PARAMETRES_CHIFFRES,
    [OpenApiParameter("phase", OpenApiTypes.STR, description="Code de la phase de déploiement.")],
    tag="aires urbaines",
)
class AireViewSet(ChiffresApiMixin, viewsets.ReadOnlyModelViewSet):
    """Urban areas with their phase, tension, first conference and objectives' figures at the date (as /aires/)."""

    serializer_class = s.AireSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z]{3}"
    filter_backends = [FiltresDesPages, OrdreStable]
    filterset_class = AireUrbaineFilter
    ordering_fields = ["code", "nom", "population", "taux", "realise_total", "cible_totale"]
    pagination_class = Pages

    def get_queryset(self):
        return annoter_aires(AireUrbaine.objects.all(), self.au, self.provisoire).order_by("code")


@schema_ressource(s.ConferenceSerializer, tag="conférences")
class ConferenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ConferenceSerializer
    lookup_value_regex = IDENTIFIANT
    filter_backends = [FiltresDesPages, OrdreStable]
    filterset_class = ConferenceFilter
    ordering_fields = ["nom", "date_installation"]
    pagination_class = Pages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConferenceTerritoriale.objects.none()  # the schema's generator needs the model only
        conferences = ConferenceTerritoriale.objects.pour_liste(periode_courante().date_limite_installation)
        return annoter_conferences(conferences).order_by("nom", "pk")


class RessourceModifiable(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A resource the API writes: numeric ids, the pages' filters, ETag on every read; subclasses define `create`
    and `partial_update` (PATCH with If-Match; no PUT, no DELETE)."""

    lookup_value_regex = IDENTIFIANT
    filter_backends = [FiltresDesPages, OrdreStable]
    pagination_class = Pages
    http_method_names = ["get", "post", "patch", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        objet = self.get_object()
        return avec_etag(Response(self.get_serializer(objet).data), objet)


@schema_ressource(
    s.ObjectifSerializer,
    PARAMETRES_CHIFFRES,
    creation=s.ObjectifEcritureSerializer,
    modification=s.ObjectifModificationSerializer,
    tag="objectifs",
)
class ObjectifViewSet(ChiffresApiMixin, RessourceModifiable):
    """Objectives agreed at the date with their progress (as /objectifs/); agreeing and revising them."""

    serializer_class = s.ObjectifSerializer
    filterset_class = ObjectifFilter
    ordering_fields = ["aire__code", "annee", "dispositif", "cible", "realise", "taux"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Objectif.objects.none()
        objectifs = Objectif.objects.all()
        if self.action == "list":
            objectifs = objectifs.convenus_au(self.au)
        objectifs = objectifs.pour_liste(self.au, provisoire=self.provisoire)
        return objectifs.order_by("aire__code", "annee", "dispositif", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "annees_closes": services.clotures()}

    def lire(self, pk):
        return self.get_queryset().get(pk=pk)

    def create(self, request, *args, **kwargs):
        exiger(request.user, "engagements.saisir_objectifs", None)
        entree = s.ObjectifEcritureSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        form = self.formulaire(entree.validated_data, Objectif())
        objectif = services.convenir_objectif(form.instance, request.user)
        reponse = Response(self.get_serializer(self.lire(objectif.pk)).data, status=status.HTTP_201_CREATED)
        reponse["Location"] = request.build_absolute_uri(f"{objectif.pk}/")
        return avec_etag(reponse, objectif)

    def partial_update(self, request, *args, **kwargs):
        objectif = get_object_or_404(Objectif.objects.select_related("aire", "conference"), pk=kwargs["pk"])
        exiger(request.user, "engagements.change_objectif", objectif)
        version = version_lue(request, objectif)
        entree = s.ObjectifModificationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        valeurs = {
            "aire": objectif.aire.code,
            "conference": objectif.conference_id,
            "dispositif": objectif.dispositif,
            "annee": objectif.annee,
            "cible": objectif.cible,
            "unite": objectif.unite,
            "date_accord": objectif.date_accord,
            "notes": objectif.notes,
            **entree.validated_data,
            "version": version,
        }
        form = self.formulaire(valeurs, objectif)
        services.modifier_objectif(form.instance, request.user, version, motif=form.motif_de_la_revision())
        return avec_etag(Response(self.get_serializer(self.lire(objectif.pk)).data), form.instance)

    def formulaire(self, valeurs, instance):
        """The objective form of the pages, bound to the API's values; the area is named by its code."""
        donnees = {cle: ("" if valeur is None else valeur) for cle, valeur in valeurs.items()}
        form = ObjectifForm(data=donnees, instance=instance, user=self.request.user)
        form.fields["aire"].to_field_name = "code"
        if not form.is_valid():
            raise erreurs_du_formulaire(form)
        return form


@schema_ressource(
    s.RealisationSerializer,
    creation=s.RealisationEcritureSerializer,
    modification=s.RealisationModificationSerializer,
    tag="réalisations",
)
class RealisationViewSet(RessourceModifiable):
    """Achievements: recorded and corrected (submitted for validation), validated or returned by UESL staff."""

    serializer_class = s.RealisationSerializer
    filterset_class = RealisationFilter
    ordering_fields = ["date", "quantite", "soumise_le"]

    def get_queryset(self):
        return Realisation.objects.select_related("saisi_par", "modifie_par", "examinee_par").order_by("-date", "-pk")

    def lire(self, pk):
        realisation = self.get_queryset().get(pk=pk)
        return avec_etag(Response(self.get_serializer(realisation).data), realisation)

    def create(self, request, *args, **kwargs):
        # The objective's rule first: someone who may not record on it learns nothing from the checks of the values.
        demande = request.data.get("objectif") if isinstance(request.data, dict) else None
        if isinstance(demande, int) and not isinstance(demande, bool) and 0 < demande < 2**63:
            objectif = Objectif.objects.select_related("aire").filter(pk=demande).first()
            if objectif is not None:
                exiger(request.user, "engagements.add_realisation", Realisation(objectif=objectif))
        entree = s.RealisationEcritureSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        objectif = Objectif.objects.select_related("aire").filter(pk=entree.validated_data["objectif"]).first()
        if objectif is None:
            raise exceptions.ValidationError({"objectif": _("Aucun objectif ne porte ce numéro.")})
        realisation = Realisation(objectif=objectif)
        exiger(request.user, "engagements.add_realisation", realisation)
        form = self.formulaire(entree.validated_data, realisation)
        realisation = services.enregistrer_realisation(form.instance, request.user)
        reponse = self.lire(realisation.pk)
        reponse.status_code = status.HTTP_201_CREATED
        reponse["Location"] = request.build_absolute_uri(f"{realisation.pk}/")
        return reponse

    def partial_update(self, request, *args, **kwargs):
        realisation = get_object_or_404(Realisation.objects.select_related("objectif__aire"), pk=kwargs["pk"])
        exiger(request.user, "engagements.change_realisation", realisation)
        version = version_lue(request, realisation)
        entree = s.RealisationModificationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        valeurs = {
            "date": realisation.date,
            "quantite": realisation.quantite,
            "commentaire": realisation.commentaire,
            **entree.validated_data,
        }
        form = self.formulaire(valeurs, realisation)
        services.enregistrer_realisation(form.instance, request.user, version=version)
        return self.lire(realisation.pk)

    def formulaire(self, valeurs, instance):
        form = RealisationForm(data={k: ("" if v is None else v) for k, v in valeurs.items()}, instance=instance)
        if not form.is_valid():
            raise erreurs_du_formulaire(form)
        return form

    def examiner(self, request, pk, fonction):
        realisation = get_object_or_404(Realisation.objects.select_related("objectif__aire"), pk=pk)
        if not request.user.has_perm("engagements.ouvrir_file_validation"):
            raise PermissionDenied(_("La validation des réalisations est réservée à l'équipe UESL."))
        version = version_lue(request, realisation)
        entree = s.ExamenSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        commentaire = entree.validated_data.get("commentaire", "").strip()
        if fonction is services.renvoyer_realisation and not commentaire:
            raise exceptions.ValidationError({"commentaire": services.MESSAGE_COMMENTAIRE_RENVOI})
        fonction(realisation, request.user, version, commentaire)
        return self.lire(realisation.pk)

    @extend_schema(
        request=s.ExamenSerializer,
        parameters=[PARAMETRE_IF_MATCH],
        responses={200: s.RealisationSerializer, **ERREURS_ECRITURE},
    )
    @action(detail=True, methods=["post"])
    def valider(self, request, pk=None):
        """Validate a submitted achievement (four eyes: never one's own); from then on it counts."""
        return self.examiner(request, pk, services.valider_realisation)

    @extend_schema(
        request=s.ExamenSerializer,
        parameters=[PARAMETRE_IF_MATCH],
        responses={200: s.RealisationSerializer, **ERREURS_ECRITURE},
    )
    @action(detail=True, methods=["post"])
    def renvoyer(self, request, pk=None):
        """Return a submitted achievement for correction; the comment says what to correct."""
        return self.examiner(request, pk, services.renvoyer_realisation)
