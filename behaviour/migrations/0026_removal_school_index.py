# Analytics count a trust's removals, and the pupils removed, over a year. The school's index in date order now
# carries the pupil and whether the removal was voided, so those counts read the index alone; it replaces the
# plain (school, -removed_at) index and the foreign key's own index on school, which the planner preferred for a
# list of schools and then read every removal of those schools from the table. Built and dropped concurrently.

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

FOREIGN_KEY_INDEX = "behaviour_removal_school_id_49250010"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("behaviour", "0025_pupil_chronology_index"),
        ("pastoral", "0030_school_calendar_version"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="removal",
            index=models.Index(
                fields=["school", "-removed_at"], include=["pupil", "voided_at"], name="behaviour_removal_school_idx"
            ),
        ),
        RemoveIndexConcurrently(model_name="removal", name="behaviour_r_school__227d16_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="removal",
                    name="school",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="behaviour_removals",
                        to="pastoral.school",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX CONCURRENTLY IF EXISTS "{FOREIGN_KEY_INDEX}"',
                    reverse_sql=f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{FOREIGN_KEY_INDEX}" '
                    'ON "behaviour_removal" ("school_id")',
                ),
            ],
        ),
    ]
