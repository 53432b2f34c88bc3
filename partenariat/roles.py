"""The three roles of the product as Django groups, defined here once and applied by a migration and by charger_demo.

Model permissions say what a role may do on a kind of record. The object-level rule (a secretariat edits only
its own conferences) is enforced in the views through `ConferenceTerritoriale.secretariat`.
History rows get no permission: they are read through their model and written only by the history machinery.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

ELUS = "Élus"
EQUIPE_UESL = "Équipe UESL"
SECRETARIAT_CONFERENCE = "Secrétariat de conférence"

# Every domain model of the four apps; a test checks that none is forgotten.
MODELES_METIER = {
    "partenariat": ("signataire", "protocole", "clause", "accordnational", "piecejointe"),
    "aires_urbaines": (
        "bassinemploi",
        "intercommunalite",
        "zonagemillesime",
        "aireurbaine",
        "commune",
        "phasedeploiement",
        "entreephase",
        "departement",
    ),
    "conferences": ("conferenceterritoriale", "membreconference", "reunion", "associationprogrammation", "observation"),
    "engagements": ("objectif", "realisation", "revisioncible", "clotureannee"),
}
# Bookkeeping written by the application itself, never by a person: no role gets it.
MODELES_TECHNIQUES = {
    "engagements": ("versionavancement", "modificationavancement"),
    # A person's own choices (interface language), written when they make them.
    # Reports prepared by the task worker for whoever asks (reading a report needs no permission of its own), and
    # the version of the data they show.
    "partenariat": ("preferencesutilisateur", "rapportprepare", "versiondonnees"),
    # What a person follows (their own choice) and the digests sent to them (written by the digest task).
    "alertes": ("suivi", "resume"),
}

# What a conference's secretariat records for its conference (the conference itself stays with UESL staff).
MODELES_SECRETARIAT = (
    ("conferences", "reunion"),
    ("conferences", "membreconference"),
    ("conferences", "associationprogrammation"),
    ("conferences", "observation"),
    ("engagements", "objectif"),
    ("engagements", "realisation"),
    # Evidence files of those records; which records is the rule of each app (`gerer_pieces_<model>`).
    ("partenariat", "piecejointe"),
)

ECRITURE = ("add", "change", "delete")
# Validating achievements is UESL staff's (four eyes: never one's own). Reopening a closed year is held by no
# role: only administrators (superusers) have it.
VALIDER = "engagements.valider_realisation"
ROUVRIR = "engagements.rouvrir_clotureannee"
TOUS_LES_MODELES = tuple((app, modele) for app, modeles in MODELES_METIER.items() for modele in modeles)


def _permissions(actions, modeles):
    return frozenset(f"{app}.{action}_{modele}" for app, modele in modeles for action in actions)


# Permissions as "app_label.codename", the form `user.has_perm()` takes.
PERMISSIONS_DES_ROLES = {
    ELUS: _permissions(("view",), TOUS_LES_MODELES),
    EQUIPE_UESL: _permissions((*ECRITURE, "view"), TOUS_LES_MODELES) | {VALIDER},
    SECRETARIAT_CONFERENCE: _permissions(("view",), TOUS_LES_MODELES) | _permissions(ECRITURE, MODELES_SECRETARIAT),
}


def _creer_permissions(apps, using):
    """Permissions are normally created after all migrations; a data migration needs them now."""
    for app_label in MODELES_METIER:
        app_config = apps.get_app_config(app_label)
        models_module = getattr(app_config, "models_module", None)
        # The migration registry's app configs have no models module, and create_permissions skips such apps.
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module


def _modele_existe(apps, app_label, modele):
    try:
        apps.get_model(app_label, modele)
    except LookupError:
        return False
    return True


def _modele_de(permission):
    """("engagements", "objectif") for "engagements.change_objectif"; actions never contain an underscore."""
    app_label, codename = permission.split(".")
    return app_label, codename.split("_", 1)[1]


def synchroniser_roles(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the three groups if missing and give each exactly its permissions; running it again changes nothing.

    `apps` is the migration's registry when called from a migration. Models that do not exist yet in that
    registry (added by a later migration) are skipped; a later call grants them.
    Returns {group name: True if created}.
    """
    _creer_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existantes = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in=list(MODELES_METIER))
        .values_list("pk", "content_type__app_label", "codename")
    }
    presents = {
        (app_label, modele) for app_label, modele in TOUS_LES_MODELES if _modele_existe(apps, app_label, modele)
    }
    crees = {}
    for nom, permissions in PERMISSIONS_DES_ROLES.items():
        voulues = {permission for permission in permissions if _modele_de(permission) in presents}
        manquantes = voulues - existantes.keys()
        if manquantes:
            raise LookupError(f"Permissions introuvables pour le rôle « {nom} » : {', '.join(sorted(manquantes))}")
        groupe, crees[nom] = Group.objects.using(using).get_or_create(name=nom)
        groupe.permissions.set([existantes[permission] for permission in voulues])
    return crees


def a_portee_nationale(user):
    """Superusers and the UESL team act on every conference; the answer is kept on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_portee_nationale"):
        user._portee_nationale = user.groups.filter(name=EQUIPE_UESL).exists()
    return user._portee_nationale


def lit_tout(user):
    """Elected officials, the UESL team and superusers read every record, evidence files included."""
    if a_portee_nationale(user):
        return True
    if not hasattr(user, "_est_elu"):
        user._est_elu = user.groups.filter(name=ELUS).exists()
    return user._est_elu
