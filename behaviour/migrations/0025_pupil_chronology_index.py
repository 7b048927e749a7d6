# The pupil's chronology reads a page of events newest first (occurred_at, then id). One index on pupil in that
# order replaces both the foreign key's own index and (pupil, -occurred_at): with either of those still there the
# planner, guessing a pupil has an average history, reads all of a long one and sorts it. Built and dropped
# concurrently, so a school's quick logs are not held up while it runs on a table of millions of rows.

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

FOREIGN_KEY_INDEX = "behaviour_behaviourevent_pupil_id_3a2865f0"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("behaviour", "0024_behaviour_rules"),
        ("pastoral", "0029_paper_forms"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="behaviourevent",
            index=models.Index(fields=["pupil", "-occurred_at", "-id"], name="behaviour_event_pupil_idx"),
        ),
        RemoveIndexConcurrently(model_name="behaviourevent", name="behaviour_b_pupil_i_5cac01_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="behaviourevent",
                    name="pupil",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="behaviour_events",
                        to="pastoral.pupil",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX CONCURRENTLY IF EXISTS "{FOREIGN_KEY_INDEX}"',
                    reverse_sql=f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{FOREIGN_KEY_INDEX}" '
                    'ON "behaviour_behaviourevent" ("pupil_id")',
                ),
            ],
        ),
    ]
