"""Creates the product's three roles (Élus, Équipe UESL, Secrétariat de conférence) with their permissions.

A frozen copy of the roles as they stood when this migration was written: later changes to `partenariat.roles` must
not change what this step did (`charger_demo` and `synchroniser_roles` apply the current roles).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELES = {
    "partenariat": ("signataire", "protocole", "clause", "accordnational"),
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
    "engagements": ("objectif", "realisation"),
}
MODELES_SECRETARIAT = (
    ("conferences", "reunion"),
    ("conferences", "membreconference"),
    ("conferences", "associationprogrammation"),
    ("conferences", "observation"),
    ("engagements", "objectif"),
    ("engagements", "realisation"),
)
TOUS = tuple((app, modele) for app, modeles in MODELES.items() for modele in modeles)
ECRITURE = ("add", "change", "delete")


def _codes(actions, modeles):
    return {(app, f"{action}_{modele}") for app, modele in modeles for action in actions}


ROLES = {
    "Élus": _codes(("view",), TOUS),
    "Équipe UESL": _codes((*ECRITURE, "view"), TOUS),
    "Secrétariat de conférence": _codes(("view",), TOUS) | _codes(ECRITURE, MODELES_SECRETARIAT),
}


def creer_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally created after all migrations; this step needs them now. The migration registry's
    # app configs have no models module, which create_permissions takes as "no models": it is given one here.
    for app_label in MODELES:
        app_config = apps.get_app_config(app_label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existantes = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in=list(MODELES))
        .values_list("pk", "content_type__app_label", "codename")
    }
    for nom, codes in ROLES.items():
        groupe, _ = Group.objects.using(using).get_or_create(name=nom)
        groupe.permissions.set([existantes[code] for code in codes])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partenariat", "0001_initial"),
        ("aires_urbaines", "0002_departement"),
        ("conferences", "0001_initial"),
        ("engagements", "0001_initial"),
    ]

    operations = [
        # Going back leaves the groups: they may hold members, and they are harmless without the views.
        migrations.RunPython(creer_roles, migrations.RunPython.noop),
    ]
