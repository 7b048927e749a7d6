"""Negative behaviour by week, drawn beside attendance on the attendance trends page (through its registry)."""

from pastoral.accounts import access
from pastoral.files.weekly_trend import weekly_counts

from .models import BehaviourCategory
from .selectors import events_visible_to

LABEL = "Negative behaviour events"


def negative_events_by_week(user, school, pupils, weeks):
    """(label, [count per week]) for `pupils` over `weeks` ([(monday, next monday)], oldest first): one query."""
    if not weeks or not access.has_school_perm(user, school, "behaviour.view_event"):
        return None
    events = events_visible_to(user).filter(
        school=school, pupil__in=pupils, voided_at__isnull=True, category__kind=BehaviourCategory.Kind.NEGATIVE
    )
    # weekly_counts takes the newest week first.
    counts = weekly_counts(events, "occurred_at", list(reversed(weeks)), as_datetime=True)
    return LABEL, list(reversed(counts))
