"""The framework protocol of 27 June 2012, its signatories, its five clauses and the agreements it implements."""

import calendar
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partenariat.commun.dates import date_courte
from partenariat.commun.fichiers import EXTENSIONS, nom_de_stockage, stockage_pieces_jointes
from partenariat.langues import langues_proposees

# The protocol's fixed facts, also used by database constraints (which cannot read another table).
DATE_SIGNATURE = datetime.date(2012, 6, 27)
ANNEE_DEBUT = 2013
ANNEE_FIN = 2015
DELAI_INSTALLATION_MOIS = 6


def ajouter_mois(date, mois):
    """Same day `mois` months later, clamped to the month's last day (31 August + 6 → 28 February)."""
    total = date.month - 1 + mois
    annee, mois_index = date.year + total // 12, total % 12 + 1
    jour = min(date.day, calendar.monthrange(annee, mois_index)[1])
    return date.replace(year=annee, month=mois_index, day=jour)


class Signataire(models.Model):
    """A party to the protocol: one of the three associations of elected officials, or UESL."""

    class Nature(models.TextChoices):
        ELUS = "elus", _("Association d'élus")
        PARTENAIRES_SOCIAUX = "partenaires_sociaux", _("Partenaires sociaux")

    sigle = models.CharField(_("sigle"), max_length=20, unique=True)
    nom = models.CharField(_("nom"), max_length=200)
    nature = models.CharField(_("nature"), max_length=30, choices=Nature.choices)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["ordre", "sigle"]

    def __str__(self):
        return f"{self.sigle} — {self.nom}"


class ProtocoleQuerySet(models.QuerySet):
    def courant(self):
        """The protocol the product tracks (the 2012 one); None before the demo or reference data is loaded."""
        return self.order_by("-date_signature").first()


def periode_courante():
    """The tracked protocol, or an unsaved one with the 2012 facts so pages work on an empty database."""
    return Protocole.objects.courant() or Protocole(
        titre=_("Protocole-cadre du 27 juin 2012"),
        date_signature=DATE_SIGNATURE,
        annee_debut=ANNEE_DEBUT,
        annee_fin=ANNEE_FIN,
        delai_installation_mois=DELAI_INSTALLATION_MOIS,
    )


class Protocole(models.Model):
    """The framework protocol; its signature date and delay give the conference installation deadline."""

    titre = models.CharField(_("titre"), max_length=300)
    date_signature = models.DateField(_("date de signature"))
    annee_debut = models.PositiveSmallIntegerField(_("première année de la période"))
    annee_fin = models.PositiveSmallIntegerField(_("dernière année de la période"))
    delai_installation_mois = models.PositiveSmallIntegerField(
        _("délai d'installation des conférences (mois)"), default=DELAI_INSTALLATION_MOIS
    )
    signataires = models.ManyToManyField(Signataire, verbose_name=_("signataires"), related_name="protocoles")
    texte = models.TextField(_("texte"), blank=True)

    objects = ProtocoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("protocole-cadre")
        verbose_name_plural = _("protocoles-cadres")
        ordering = ["-date_signature"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annee_fin__gte=models.F("annee_debut")),
                name="protocole_periode_ordonnee",
                violation_error_message=_("La dernière année de la période doit suivre la première."),
            ),
            models.CheckConstraint(
                condition=models.Q(delai_installation_mois__gte=1, delai_installation_mois__lte=36),
                name="protocole_delai_installation_plausible",
                violation_error_message=_("Le délai d'installation doit être compris entre 1 et 36 mois."),
            ),
        ]

    def __str__(self):
        return self.titre

    @property
    def date_limite_installation(self):
        """Signature + the installation delay: 27 June 2012 + 6 months = 27 December 2012."""
        return ajouter_mois(self.date_signature, self.delai_installation_mois)

    @property
    def debut_periode(self):
        return datetime.date(self.annee_debut, 1, 1)

    @property
    def fin_periode(self):
        return datetime.date(self.annee_fin, 12, 31)

    @property
    def annees(self):
        return list(range(self.annee_debut, self.annee_fin + 1))


class Clause(models.Model):
    """One of the protocol's five commitments; its state is computed from the data, never typed."""

    class Code(models.TextChoices):
        DEPLOIEMENT = "deploiement", _("Déploiement dans les aires urbaines")
        CONFERENCES = "conferences", _("Installation des conférences territoriales")
        PROGRAMMATION = "programmation", _("Association aux travaux de programmation")
        OBSERVATION = "observation", _("Partage de l'observation des besoins")
        OBJECTIFS = "objectifs", _("Objectifs partagés")

    protocole = models.ForeignKey(
        Protocole, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("protocole")
    )
    numero = models.PositiveSmallIntegerField(_("numéro"))
    code = models.CharField(_("engagement"), max_length=20, choices=Code.choices)
    titre = models.CharField(_("titre"), max_length=200)
    texte = models.TextField(_("texte du protocole"))

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["protocole", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocole", "numero"],
                name="clause_numero_unique",
                violation_error_message=_("Ce protocole a déjà une clause portant ce numéro."),
            ),
            models.UniqueConstraint(
                fields=["protocole", "code"],
                name="clause_code_unique",
                violation_error_message=_("Ce protocole a déjà une clause pour cet engagement."),
            ),
        ]

    def __str__(self):
        return f"{self.numero}. {self.titre}"


class AccordNational(models.Model):
    """A national inter-professional agreement (ANI) that the protocol puts into practice locally."""

    protocole = models.ForeignKey(
        Protocole, on_delete=models.CASCADE, related_name="accords_nationaux", verbose_name=_("protocole")
    )
    intitule = models.CharField(_("intitulé"), max_length=300)
    date_signature = models.DateField(_("date de signature"))
    objet = models.TextField(_("objet"), blank=True)

    class Meta:
        verbose_name = _("accord national interprofessionnel")
        verbose_name_plural = _("accords nationaux interprofessionnels")
        ordering = ["date_signature"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocole", "date_signature"],
                name="accord_national_unique",
                violation_error_message=_("Un accord national de cette date est déjà rattaché au protocole."),
            ),
        ]

    def __str__(self):
        return f"{self.intitule} ({date_courte(self.date_signature)})"


class FrequenceResume(models.TextChoices):
    AUCUN = "aucun", _("Aucun résumé")
    QUOTIDIEN = "quotidien", _("Un résumé par jour")
    HEBDOMADAIRE = "hebdomadaire", _("Un résumé par semaine")


class PreferencesUtilisateur(models.Model):
    """What a person chose for themselves (the interface language), kept across sessions and browsers."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("utilisateur"),
    )
    langue = models.CharField(_("langue de l'interface"), max_length=10, choices=langues_proposees, blank=True)
    # Email digests of alerts and changes (partenariat.alertes): none until the person asks for them.
    frequence_resume = models.CharField(
        _("résumé par courriel"),
        max_length=12,
        choices=FrequenceResume.choices,
        default="aucun",
    )

    class Meta:
        verbose_name = _("préférences d'un utilisateur")
        verbose_name_plural = _("préférences des utilisateurs")

    def __str__(self):
        return str(self.utilisateur)


class NaturePiece(models.TextChoices):
    """What an evidence file is; each attachable model lists the natures it takes (`NATURES_PIECES`)."""

    JUSTIFICATIF = "justificatif", _("Justificatif")
    COMPTE_RENDU = "compte_rendu", _("Compte rendu")
    FEUILLE_PRESENCE = "feuille_presence", _("Feuille de présence")
    DELIBERATION = "deliberation", _("Délibération")
    AVIS = "avis", _("Avis")
    ETUDE = "etude", _("Étude")


def chemin_piece_jointe(piece, nom):
    """The stored name: random, with the extension of the detected type (never the person's own name)."""
    return nom_de_stockage("pieces", piece.extension_stockee)


class PieceJointeQuerySet(models.QuerySet):
    def de(self, objet):
        """The files attached to `objet` (an achievement, a meeting…), oldest first, with who deposited them."""
        # Joined on the content type's natural key rather than its cached id: one query whatever the cache holds.
        meta = type(objet)._meta
        return self.filter(
            content_type__app_label=meta.app_label, content_type__model=meta.model_name, object_id=objet.pk
        ).select_related("deposee_par", "content_type")


class PieceJointe(models.Model):
    """An evidence file attached to a record of a higher app (achievement, meeting, association, observation).

    The file lives in the private storage `STORAGES["pieces_jointes"]`; the row keeps what the upload checks found
    (sanitised original name, size, detected type, SHA-256). Replacing the file is a change of this row: the history
    keeps the previous stored name, and the previous file stays in storage. Deleting the row (by hand, or with its
    record, through the records' GenericRelation) erases the stored files of every version once the transaction is
    committed: a deleted record's attendance sheets and minutes must not outlive it; the history keeps who deposited
    what and when, and the fingerprints.
    """

    Nature = NaturePiece

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("type d'enregistrement"))
    object_id = models.PositiveBigIntegerField(_("enregistrement"))
    objet = GenericForeignKey("content_type", "object_id")
    nature = models.CharField(_("nature"), max_length=20, choices=NaturePiece.choices)
    fichier = models.FileField(
        _("fichier"), storage=stockage_pieces_jointes, upload_to=chemin_piece_jointe, max_length=200
    )
    nom_original = models.CharField(_("nom du fichier"), max_length=200)
    taille = models.PositiveBigIntegerField(_("taille (octets)"))
    type_mime = models.CharField(_("type de contenu"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    deposee_le = models.DateTimeField(_("déposée le"))

    history = HistoricalRecords()
    objects = PieceJointeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["deposee_le", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="piece_jointe_objet")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nature__in=NaturePiece.values),
                name="piece_jointe_nature_connue",
                violation_error_message=_("Cette nature de pièce jointe n'existe pas."),
            ),
            models.CheckConstraint(
                condition=~models.Q(nom_original=""),
                name="piece_jointe_nom_non_vide",
                violation_error_message=_("Une pièce jointe a un nom."),
            ),
        ]

    def __str__(self):
        return self.nom_original

    @property
    def extension_stockee(self):
        return EXTENSIONS.get(self.type_mime, ("",))[0]

    @property
    def permission_voir(self):
        """The object rule that says who may download it: `<app>.voir_pieces_<model>`, asked about the record."""
        return f"{self.content_type.app_label}.voir_pieces_{self.content_type.model}"

    @property
    def permission_gerer(self):
        return f"{self.content_type.app_label}.gerer_pieces_{self.content_type.model}"


def _effacer_fichiers_stockes(sender, instance, **kwargs):
    """After a deletion is committed, erase the stored file of every version of the attachment."""
    noms = {instance.fichier.name, *PieceJointe.history.filter(id=instance.pk).values_list("fichier", flat=True)}
    stockage = stockage_pieces_jointes()

    def effacer():
        for nom in filter(None, noms):
            stockage.delete(nom)

    transaction.on_commit(effacer, using=kwargs.get("using"))


post_delete.connect(_effacer_fichiers_stockes, sender=PieceJointe, dispatch_uid="pieces_jointes_effacees")


class RapportPrepare(models.Model):
    """A PDF report produced by the task worker, kept for the version of the data it shows.

    One row per (report, figures, language, data version): the unique constraint makes every request for the same
    unchanged report share one generation, and the bytes live in the database so that every server serves them.
    """

    class Genre(models.TextChoices):
        NATIONAL = "national", _("Rapport national")
        CONFERENCE = "conference", _("Rapport d'une conférence")
        AIRE = "aire", _("Rapport d'une aire urbaine")

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente")
        EN_COURS = "en_cours", _("En préparation")
        PRET = "pret", _("Prêt")
        ECHEC = "echec", _("Échec")

    genre = models.CharField(_("rapport"), max_length=20, choices=Genre.choices)
    # The report's own arguments: the year of a national report ("" for the whole period), a conference's id, an
    # area's code.
    parametre = models.CharField(_("paramètre"), max_length=20, blank=True)
    provisoire = models.BooleanField(_("chiffres provisoires"), default=False)
    langue = models.CharField(_("langue"), max_length=10)
    version = models.CharField(_("version des données"), max_length=64)
    etat = models.CharField(_("état"), max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    nom_fichier = models.TextField(_("nom du fichier"), blank=True)
    contenu = models.BinaryField(_("contenu"), null=True, blank=True)
    demande_le = models.DateTimeField(_("demandé le"), auto_now_add=True)
    commence_le = models.DateTimeField(_("commencé le"), null=True, blank=True)
    termine_le = models.DateTimeField(_("terminé le"), null=True, blank=True)
    erreur = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("rapport préparé")
        verbose_name_plural = _("rapports préparés")
        constraints = [
            models.UniqueConstraint(
                fields=["genre", "parametre", "provisoire", "langue", "version"], name="rapport_prepare_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(etat="pret") | models.Q(contenu__isnull=False),
                name="rapport_prepare_pret_a_un_contenu",
            ),
        ]
        indexes = [models.Index(fields=["genre", "parametre", "provisoire", "langue", "etat"])]

    def __str__(self):
        return f"{self.get_genre_display()} {self.parametre} ({self.get_etat_display()})"


class VersionDonnees(models.Model):
    """One row: the version of everything a report shows, bumped after every write to it (`noter_changement`).

    The bump runs once the writer's transaction has committed, in a statement of its own: a version read after it
    is never older than the write, whatever order ids or dates were given in, and the counter's row is never held
    by a writer while it takes other locks (which would order it against every other writer's locks).
    """

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("version des données")

    def __str__(self):
        return str(self.version)


def _avancer_version():
    if not VersionDonnees.objects.filter(pk=1).update(version=models.F("version") + 1):
        VersionDonnees.objects.get_or_create(pk=1)
        VersionDonnees.objects.filter(pk=1).update(version=models.F("version") + 1)


def noter_changement():
    """After the current transaction commits (at once outside one), move the reports' data version."""
    transaction.on_commit(_avancer_version)


def version_donnees():
    return VersionDonnees.objects.filter(pk=1).values_list("version", flat=True).first() or 0


# What the reports show: every model of these apps and the protocol's own records, but for bookkeeping tables.
APPLICATIONS_DES_RAPPORTS = {"aires_urbaines", "conferences", "engagements"}
MODELES_DES_RAPPORTS = {"protocole", "clause", "signataire", "accordnational"}
MODELES_SANS_RAPPORT = {"versionavancement", "modificationavancement"}


def _donnee_des_rapports(sender, action=None, **kwargs):
    """Signal receiver (partenariat.apps): a row saved, deleted or linked that a report may show."""
    if action is not None and not action.startswith("post_"):
        return
    meta = sender._meta
    nom = meta.model_name
    if nom.startswith("historical") or nom in MODELES_SANS_RAPPORT:
        return
    if meta.app_label in APPLICATIONS_DES_RAPPORTS or (meta.app_label == "partenariat" and nom in MODELES_DES_RAPPORTS):
        noter_changement()
