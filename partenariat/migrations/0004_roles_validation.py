"""Grants the roles the permissions of validation, year closing and target revisions.

A frozen copy, like 0002: UESL staff validate achievements and close years; every role reads closings and
revisions. Reopening a closed year stays with administrators (superusers).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LECTURE = {("engagements", "view_clotureannee"), ("engagements", "view_revisioncible")}
ROLES = {
    "Élus": LECTURE,
    "Secrétariat de conférence": LECTURE,
    "Équipe UESL": LECTURE
    | {
        ("engagements", f"{action}_{modele}")
        for action in ("add", "change", "delete")
        for modele in ("clotureannee", "revisioncible")
    }
    | {("engagements", "valider_realisation")},
}


def accorder(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("engagements")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    existantes = {
        codename: pk
        for pk, codename in Permission.objects.using(using)
        .filter(content_type__app_label="engagements")
        .values_list("pk", "codename")
    }
    for nom, codes in ROLES.items():
        groupe = Group.objects.using(using).filter(name=nom).first()
        if groupe is not None:
            groupe.permissions.add(*[existantes[codename] for _app, codename in codes])


class Migration(migrations.Migration):
    dependencies = [
        ("partenariat", "0003_preferences_utilisateur"),
        ("engagements", "0006_validation_des_realisations"),
    ]

    operations = [migrations.RunPython(accorder, migrations.RunPython.noop)]
