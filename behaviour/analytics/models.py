"""Daily counts of live behaviour events, kept by PostgreSQL triggers in the same transaction as every write.

A year of a trust is about 700,000 events; the analytics page's totals, weekly chart, heat map, location and
category charts and the school comparison read these counts instead (a few thousand rows a school a year).
Each row belongs to one facet, so three small groupings live in one table:

- "category": events per school, local day and category (totals, points, weekly chart, categories);
- "location": events per school, local day and location (location chart);
- "slot": events per school, local day, period text and local hour (heat map);
- "role": events per school, local day, category and the pupil's role (the "by role" table).

Voided events never count. The triggers (migration 0013) see inserts, updates (voiding, corrections) and
deletes, including COPY and bulk inserts, so no code path can forget them; `manage.py rebuild_behaviour_counts`
recomputes the table from the events, and a test holds every figure equal to counting the raw rows.
"""

from django.db import models

from pastoral.models import School

from ..events.models import BehaviourCategory, Location, PupilRole


class EventDayCount(models.Model):
    class Facet(models.TextChoices):
        CATEGORY = "category", "Category"
        LOCATION = "location", "Location"
        SLOT = "slot", "Period and hour"
        ROLE = "role", "Category and role"

    # No foreign-key constraints: the rows are derived, the triggers write them under the events' own locks,
    # and a category with no events left may be deleted without touching its zero rows.
    school = models.ForeignKey(
        School, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    day = models.DateField()
    facet = models.CharField(max_length=8, choices=Facet.choices)
    category = models.ForeignKey(
        BehaviourCategory,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    location = models.ForeignKey(
        Location, null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.CharField(max_length=40, null=True)
    hour = models.SmallIntegerField(null=True)
    role = models.CharField(max_length=12, choices=PupilRole, null=True)
    tally = models.IntegerField("events")

    class Meta:
        default_permissions = ()
        # No CHECK (tally >= 0): PostgreSQL checks it on the row an upsert proposes (a decrement of -1) before
        # it finds the conflict, so it would refuse every void. The rebuild test holds the counts right instead.
        constraints = [
            # The triggers' ON CONFLICT target; NULLS NOT DISTINCT because each facet leaves the others' columns
            # empty. Its leading columns serve every read (a school's facet over a range of days).
            models.UniqueConstraint(
                fields=["school", "facet", "day", "category", "location", "period", "hour", "role"],
                name="behaviour_daycount_key",
                nulls_distinct=False,
                include=["tally"],
            ),
        ]

    def __str__(self):
        return f"{self.school_id} {self.day} {self.facet}: {self.tally}"
