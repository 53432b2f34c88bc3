"""Validation of achievements, year closing, target revisions.

On upgrade no figure changes: every existing achievement becomes validated by a recorded initial take-over (one
history entry each, with its reason), every objective's initial target is its current target and its provisional
totals are its validated ones.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

MOTIF_REPRISE = "Reprise initiale : réalisation antérieure à la validation, validée d'office"
LOT = 2000


def reprendre_l_existant(apps, schema_editor):
    Objectif = apps.get_model("engagements", "Objectif")
    Realisation = apps.get_model("engagements", "Realisation")
    Historique = apps.get_model("engagements", "HistoricalRealisation")
    maintenant = timezone.now()
    Objectif.objects.update(
        cible_initiale=F("cible"),
        realise_provisoire=F("realise_cumule"),
        nb_provisoires=F("nb_realisations"),
        premiere_provisoire=F("premiere_realisation"),
        derniere_provisoire=F("derniere_realisation"),
        statut_final_provisoire=F("statut_final"),
        nb_en_attente=0,
    )
    Realisation.objects.update(
        etat="validee",
        soumise_le=F("saisi_le"),
        examinee_le=maintenant,
        commentaire_examen=MOTIF_REPRISE,
    )
    champs = [champ.attname for champ in Realisation._meta.concrete_fields]
    lot = []
    for ligne in Realisation.objects.order_by("pk").values(*champs).iterator(chunk_size=LOT):
        lot.append(
            Historique(
                **ligne,
                history_date=maintenant,
                history_type="~",
                history_change_reason=MOTIF_REPRISE,
            )
        )
        if len(lot) >= LOT:
            Historique.objects.bulk_create(lot)
            lot = []
    Historique.objects.bulk_create(lot)


class Migration(migrations.Migration):

    dependencies = [
        ('aires_urbaines', '0002_departement'),
        ('conferences', '0001_initial'),
        ('engagements', '0005_journal_en_escalier'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClotureAnnee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('annee', models.PositiveSmallIntegerField(unique=True, verbose_name='année')),
                ('close', models.BooleanField(default=True, verbose_name='close')),
                ('close_le', models.DateTimeField(verbose_name='close le')),
                ('rouverte_le', models.DateTimeField(blank=True, null=True, verbose_name='rouverte le')),
                ('motif_reouverture', models.TextField(blank=True, verbose_name='motif de la réouverture')),
            ],
            options={
                'verbose_name': "clôture d'année",
                'verbose_name_plural': "clôtures d'année",
                'ordering': ['annee'],
                'permissions': [('rouvrir_clotureannee', 'Peut rouvrir une année close')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalClotureAnnee',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('annee', models.PositiveSmallIntegerField(db_index=True, verbose_name='année')),
                ('close', models.BooleanField(default=True, verbose_name='close')),
                ('close_le', models.DateTimeField(verbose_name='close le')),
                ('rouverte_le', models.DateTimeField(blank=True, null=True, verbose_name='rouverte le')),
                ('motif_reouverture', models.TextField(blank=True, verbose_name='motif de la réouverture')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': "historical clôture d'année",
                'verbose_name_plural': "historical clôtures d'année",
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='RevisionCible',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ancienne_cible', models.PositiveIntegerField(verbose_name='ancienne cible')),
                ('nouvelle_cible', models.PositiveIntegerField(verbose_name='nouvelle cible')),
                ('motif', models.TextField(verbose_name='motif')),
                ('revisee_le', models.DateTimeField(auto_now_add=True, verbose_name='révisée le')),
            ],
            options={
                'verbose_name': 'révision de cible',
                'verbose_name_plural': 'révisions de cible',
                'ordering': ['objectif', 'revisee_le', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='realisation',
            options={'ordering': ['-date', '-pk'], 'permissions': [('valider_realisation', 'Peut valider ou renvoyer les réalisations')], 'verbose_name': 'réalisation', 'verbose_name_plural': 'réalisations'},
        ),
        migrations.AddField(
            model_name='historicalobjectif',
            name='cible_initiale',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='cible initiale'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='commentaire_examen',
            field=models.TextField(blank=True, verbose_name="commentaire de l'examen"),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='etat',
            field=models.CharField(choices=[('soumise', 'Soumise'), ('validee', 'Validée'), ('renvoyee', 'Renvoyée')], db_index=True, default='soumise', max_length=10, verbose_name='état'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='examinee_le',
            field=models.DateTimeField(blank=True, null=True, verbose_name='examinée le'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='examinee_par',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='examinée par'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='lot_import',
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name='import'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='modifie_par',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modifié par'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='soumise_le',
            field=models.DateTimeField(blank=True, null=True, verbose_name='soumise le'),
        ),
        migrations.AddField(
            model_name='historicalrealisation',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
        migrations.AddField(
            model_name='modificationavancement',
            name='valides',
            field=models.BooleanField(default=True, verbose_name='chiffres validés'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='cible_initiale',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='cible initiale'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='derniere_provisoire',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='dernière réalisation provisoire'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='nb_en_attente',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='réalisations en attente de validation'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='nb_provisoires',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='nombre de réalisations provisoires'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='premiere_provisoire',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='première réalisation provisoire'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='realise_provisoire',
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name='réalisé provisoire'),
        ),
        migrations.AddField(
            model_name='objectif',
            name='statut_final_provisoire',
            field=models.CharField(choices=[('en_avance', 'En avance'), ('dans_les_temps', 'Dans les temps'), ('en_retard', 'En retard'), ('sans_realisation', 'Sans réalisation')], default='sans_realisation', editable=False, max_length=20, verbose_name='statut à terme provisoire'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='commentaire_examen',
            field=models.TextField(blank=True, verbose_name="commentaire de l'examen"),
        ),
        migrations.AddField(
            model_name='realisation',
            name='etat',
            field=models.CharField(choices=[('soumise', 'Soumise'), ('validee', 'Validée'), ('renvoyee', 'Renvoyée')], db_index=True, default='soumise', max_length=10, verbose_name='état'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='examinee_le',
            field=models.DateTimeField(blank=True, null=True, verbose_name='examinée le'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='examinee_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='examinée par'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='lot_import',
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name='import'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='modifie_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modifié par'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='soumise_le',
            field=models.DateTimeField(blank=True, null=True, verbose_name='soumise le'),
        ),
        migrations.AddField(
            model_name='realisation',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
        migrations.AddIndex(
            model_name='realisation',
            index=models.Index(fields=['etat', 'soumise_le'], name='realisation_etat_soumise'),
        ),
        migrations.AddConstraint(
            model_name='objectif',
            constraint=models.CheckConstraint(condition=models.Q(('cible_initiale__gte', 0)), name='objectif_cible_initiale_positive', violation_error_message='La cible initiale doit être un nombre positif ou nul.'),
        ),
        migrations.AddField(
            model_name='clotureannee',
            name='close_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='close par'),
        ),
        migrations.AddField(
            model_name='clotureannee',
            name='rouverte_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rouverte par'),
        ),
        migrations.AddField(
            model_name='historicalclotureannee',
            name='close_par',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='close par'),
        ),
        migrations.AddField(
            model_name='historicalclotureannee',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalclotureannee',
            name='rouverte_par',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rouverte par'),
        ),
        migrations.AddField(
            model_name='revisioncible',
            name='objectif',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='engagements.objectif', verbose_name='objectif'),
        ),
        migrations.AddField(
            model_name='revisioncible',
            name='revisee_par',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='révisée par'),
        ),
        migrations.AddConstraint(
            model_name='clotureannee',
            constraint=models.CheckConstraint(condition=models.Q(('annee__gte', 2013), ('annee__lte', 2015)), name='cloture_annee_dans_la_periode', violation_error_message="L'année doit être comprise dans la période du protocole (2013 à 2015)."),
        ),
        migrations.AddConstraint(
            model_name='clotureannee',
            constraint=models.CheckConstraint(condition=models.Q(('close', True), models.Q(('motif_reouverture', ''), _negated=True), _connector='OR'), name='cloture_reouverture_avec_motif', violation_error_message="Indiquez le motif de la réouverture de l'année."),
        ),
        migrations.AddConstraint(
            model_name='revisioncible',
            constraint=models.CheckConstraint(condition=models.Q(('motif', ''), _negated=True), name='revision_cible_avec_motif', violation_error_message='Indiquez le motif de la révision de la cible.'),
        ),
        migrations.RunPython(reprendre_l_existant, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='historicalobjectif',
            name='cible_initiale',
            field=models.PositiveIntegerField(editable=False, verbose_name='cible initiale'),
        ),
        migrations.AlterField(
            model_name='objectif',
            name='cible_initiale',
            field=models.PositiveIntegerField(editable=False, verbose_name='cible initiale'),
        ),
    ]
