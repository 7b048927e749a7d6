# Pupils' roles: on each behaviour event, on each pupil of an incident, and as a facet of the daily counts.

import django.db.models.deletion
from django.db import migrations, models

from behaviour.analytics import day_counts

ROLES = [
    ('instigator', 'Instigator'),
    ('target', 'Target'),
    ('witness', 'Witness'),
    ('involved', 'Involved'),
    ('bystander', 'Bystander'),
]


def install(apps, schema_editor):
    # The triggers now count the "role" facet too; the events' table is locked by the trigger change until this
    # migration commits, so no event is written between it and the copy below.
    for statement in day_counts.install_sql():
        schema_editor.execute(statement)
    # Every event has the default role now, so its facet is the category counts under "involved".
    schema_editor.execute(day_counts.role_facet_from_categories_sql())
    schema_editor.execute(f"ANALYZE {day_counts.COUNTS}")


def uninstall(apps, schema_editor):
    schema_editor.execute(f"DELETE FROM {day_counts.COUNTS} WHERE facet = 'role'")
    for statement in day_counts.install_sql(roles=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('behaviour', '0022_detentions'),
    ]

    operations = [
        # A constant default: PostgreSQL records it in the catalogue and rewrites no row of the events' table.
        migrations.AddField(
            model_name='behaviourevent',
            name='role',
            field=models.CharField(choices=ROLES, db_default='involved', default='involved', max_length=12, verbose_name='role'),
        ),
        # The incident's pupils keep their table (behaviour_incident_pupils, with its rows and index names), which
        # becomes the explicit IncidentPupil model with a role; the pupils already there are "involved".
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE behaviour_incident_pupils ADD COLUMN role varchar(12) DEFAULT 'involved' NOT NULL",
                    "ALTER TABLE behaviour_incident_pupils DROP COLUMN role",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='IncidentPupil',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=ROLES, db_default='involved', default='involved', max_length=12, verbose_name='role')),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='involvements', to='behaviour.incident')),
                        ('pupil', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='incident_involvements', to='pastoral.pupil')),
                    ],
                    options={
                        'db_table': 'behaviour_incident_pupils',
                        'default_permissions': (),
                        'unique_together': {('incident', 'pupil')},
                    },
                ),
                migrations.AlterField(
                    model_name='incident',
                    name='pupils',
                    field=models.ManyToManyField(related_name='behaviour_incidents', through='behaviour.IncidentPupil', to='pastoral.pupil'),
                ),
            ],
        ),
        # The daily counts (a few thousand rows a school a year) gain the "role" facet and its column in the key.
        migrations.RemoveConstraint(
            model_name='eventdaycount',
            name='behaviour_daycount_key',
        ),
        migrations.AddField(
            model_name='eventdaycount',
            name='role',
            field=models.CharField(choices=ROLES, max_length=12, null=True),
        ),
        migrations.AlterField(
            model_name='eventdaycount',
            name='facet',
            field=models.CharField(choices=[('category', 'Category'), ('location', 'Location'), ('slot', 'Period and hour'), ('role', 'Category and role')], max_length=8),
        ),
        migrations.AddConstraint(
            model_name='eventdaycount',
            constraint=models.UniqueConstraint(fields=('school', 'facet', 'day', 'category', 'location', 'period', 'hour', 'role'), include=('tally',), name='behaviour_daycount_key', nulls_distinct=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
