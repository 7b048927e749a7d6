"""Demo data for the rising-behaviour panel."""

import datetime

from django.db.models import Count
from django.utils import timezone

from ..events.models import BehaviourEvent


def seed_rising_behaviour(school, staff_by_role, pupils, rng, term):
    """Moves some negative events of three pupils into the last ten days, so the rising-behaviour panel has
    rows. Events are moved rather than added, and only those without a removal or meeting, so the other
    seeders' proportions hold."""
    today = timezone.localdate()
    now = timezone.now()
    free = BehaviourEvent.objects.filter(
        school=school, category__kind="negative", removals__isnull=True, restorative_meetings__isnull=True
    )
    busiest = free.values("pupil_id").annotate(events=Count("pk")).filter(events__gte=4).order_by("-events", "pupil_id")
    moved = []
    for row in rng.sample(list(busiest[:20]), k=min(3, len(busiest[:20]))):
        for event in free.filter(pupil_id=row["pupil_id"]).order_by("pk")[: rng.randint(4, 6)]:
            day = today - datetime.timedelta(days=rng.randint(0, 10))
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=day.weekday() - 4)
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 14), 15)))
            event.occurred_at = min(when, now)
            moved.append(event)
    BehaviourEvent.objects.bulk_update(moved, ["occurred_at"])
