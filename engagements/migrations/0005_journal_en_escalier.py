from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def elaguer_journal(apps, schema_editor):
    """Keep only the entries a reader can still need: one superseded by a later write reaching its date or earlier
    answers nothing that the later one does not (the journal is kept so by `noter_modification` from now on)."""
    ModificationAvancement = apps.get_model("engagements", "ModificationAvancement")
    plus_recentes = ModificationAvancement.objects.filter(version__gt=OuterRef("version"))
    ModificationAvancement.objects.filter(
        Exists(plus_recentes.filter(date_min__isnull=True))
        | Exists(plus_recentes.filter(date_min__lte=OuterRef("date_min")))
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0004_journal_des_modifications"),
    ]

    operations = [
        migrations.RunPython(elaguer_journal, migrations.RunPython.noop, elidable=True),
    ]
