"""Creates the product's three roles (Élus, Équipe UESL, Secrétariat de conférence) with their permissions."""

from django.db import migrations


def creer_roles(apps, schema_editor):
    from partenariat.roles import synchroniser_roles

    synchroniser_roles(apps, using=schema_editor.connection.alias)


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
