"""What the API shows of each record (the pages' figures, from the same annotated querysets) and what it accepts."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from aires_urbaines.models import AireUrbaine, PhaseDeploiement, Tension
from conferences.models import ConferenceTerritoriale, EtatInstallation
from engagements.avancement import EtatRealisation, Statut
from engagements.models import Dispositif, Objectif, Realisation, Unite
from partenariat.pilotage.tableau import Etat


class Taux(serializers.FloatField):
    """A completion rate in percent with one decimal, as in the exports; null when there is no target."""

    def to_representation(self, value):
        return None if value is None else round(value, 1)


class SignataireSerializer(serializers.Serializer):
    sigle = serializers.CharField()
    nom = serializers.CharField()
    nature = serializers.CharField()


class ChiffreSerializer(serializers.Serializer):
    libelle = serializers.CharField()
    valeur = serializers.IntegerField()
    lien = serializers.CharField(allow_null=True, help_text="Page du site qui détaille ce chiffre.")


class ClauseSerializer(serializers.Serializer):
    numero = serializers.IntegerField()
    code = serializers.CharField()
    titre = serializers.CharField()
    etat = serializers.ChoiceField(choices=list(Etat.LIBELLES))
    etat_libelle = serializers.CharField()
    resume = serializers.CharField()
    chiffres = ChiffreSerializer(many=True)


class ProtocoleSerializer(serializers.Serializer):
    titre = serializers.CharField()
    date_signature = serializers.DateField()
    annee_debut = serializers.IntegerField()
    annee_fin = serializers.IntegerField()
    delai_installation_mois = serializers.IntegerField()
    date_limite_installation = serializers.DateField()
    au = serializers.DateField(help_text="Date des chiffres.")
    chiffres_provisoires = serializers.BooleanField()
    signataires = SignataireSerializer(many=True)
    clauses = ClauseSerializer(many=True)


class PhaseSerializer(serializers.ModelSerializer):
    nb_aires = serializers.IntegerField(help_text="Aires entrées dans la phase à la date des chiffres.")

    class Meta:
        model = PhaseDeploiement
        fields = ["code", "libelle", "ordre", "date_debut", "description", "nb_aires"]


class ReferenceAireSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField()


class ReferenceConferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()


class AireSerializer(serializers.ModelSerializer):
    tension = serializers.ChoiceField(choices=Tension.choices, allow_blank=True)
    phase = serializers.SerializerMethodField()
    date_entree = serializers.DateField(allow_null=True)
    conference = serializers.SerializerMethodField()
    nb_objectifs = serializers.IntegerField()
    cible_totale = serializers.IntegerField()
    realise_total = serializers.IntegerField()
    taux = Taux(allow_null=True)
    nb_en_attente = serializers.IntegerField()

    class Meta:
        model = AireUrbaine
        fields = [
            "code",
            "nom",
            "categorie",
            "population",
            "nb_communes",
            "tension",
            "part_population_tendue",
            "zone_dominante",
            "phase",
            "date_entree",
            "conference",
            "nb_objectifs",
            "cible_totale",
            "realise_total",
            "taux",
            "nb_en_attente",
        ]

    @extend_schema_field(
        {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "libelle": {"type": "string"}},
            "required": ["code", "libelle"],
        }
    )
    def get_phase(self, aire):
        return {"code": aire.phase_code, "libelle": aire.phase_libelle} if aire.phase_code else None

    @extend_schema_field(
        {
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}, "nom": {"type": "string"}},
            "required": ["id", "nom"],
        }
    )
    def get_conference(self, aire):
        return {"id": aire.conference_id, "nom": aire.conference_nom} if aire.conference_id else None


class ConferenceSerializer(serializers.ModelSerializer):
    etat_installation = serializers.ChoiceField(choices=EtatInstallation.choices)
    nb_membres = serializers.IntegerField()
    nb_reunions = serializers.IntegerField()
    nb_objectifs = serializers.IntegerField()
    nb_en_attente = serializers.IntegerField()
    aires = serializers.SerializerMethodField()
    bassins = serializers.SerializerMethodField()

    class Meta:
        model = ConferenceTerritoriale
        fields = [
            "id",
            "nom",
            "date_installation",
            "etat_installation",
            "nb_membres",
            "nb_reunions",
            "nb_objectifs",
            "nb_en_attente",
            "aires",
            "bassins",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aires(self, conference):
        return sorted(aire.code for aire in conference.aires.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_bassins(self, conference):
        return sorted(bassin.code for bassin in conference.bassins.all())


class ObjectifSerializer(serializers.ModelSerializer):
    aire = ReferenceAireSerializer(read_only=True)
    conference = serializers.SerializerMethodField()
    dispositif_libelle = serializers.CharField(source="get_dispositif_display", read_only=True)
    realise = serializers.IntegerField(read_only=True, help_text="Réalisé cumulé à la date des chiffres.")
    taux = Taux(read_only=True, allow_null=True)
    statut = serializers.ChoiceField(choices=Statut.choices, read_only=True)
    annee_close = serializers.SerializerMethodField()

    class Meta:
        model = Objectif
        fields = [
            "id",
            "aire",
            "conference",
            "dispositif",
            "dispositif_libelle",
            "annee",
            "unite",
            "cible",
            "cible_initiale",
            "realise",
            "taux",
            "statut",
            "nb_en_attente",
            "date_accord",
            "notes",
            "version",
            "annee_close",
        ]

    @extend_schema_field(ReferenceConferenceSerializer(allow_null=True))
    def get_conference(self, objectif):
        if objectif.conference_id is None:
            return None
        return {"id": objectif.conference_id, "nom": objectif.conference.nom}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_annee_close(self, objectif):
        return objectif.annee in self.context.get("annees_closes", ())


class ObjectifEcritureSerializer(serializers.Serializer):
    """The objective form's fields; its rules are the form's (`engagements.forms.ObjectifForm`)."""

    aire = serializers.CharField(max_length=3, help_text="Code AU2010 de l'aire.")
    conference = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    dispositif = serializers.ChoiceField(choices=Dispositif.choices)
    annee = serializers.IntegerField(min_value=0, max_value=32767)
    cible = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    unite = serializers.ChoiceField(choices=Unite.choices, default=Unite.LOGEMENTS)
    date_accord = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ObjectifModificationSerializer(ObjectifEcritureSerializer):
    """A partial change; a new target needs `motif_revision`."""

    motif_revision = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in self.fields.values():
            # What is not sent stays as it is: no field is required, and none takes a default value.
            champ.required = False
            champ.default = empty


class RealisationSerializer(serializers.ModelSerializer):
    etat = serializers.ChoiceField(choices=EtatRealisation.choices, read_only=True)
    saisi_par = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    modifie_par = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    examinee_par = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Realisation
        fields = [
            "id",
            "objectif",
            "date",
            "quantite",
            "commentaire",
            "etat",
            "version",
            "saisi_par",
            "saisi_le",
            "modifie_par",
            "soumise_le",
            "examinee_par",
            "examinee_le",
            "commentaire_examen",
            "lot_import",
        ]
        read_only_fields = fields


class RealisationEcritureSerializer(serializers.Serializer):
    objectif = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    quantite = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class RealisationModificationSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    quantite = serializers.IntegerField(required=False, min_value=0, max_value=2_147_483_647)
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ExamenSerializer(serializers.Serializer):
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=2000)
