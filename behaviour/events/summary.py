"""Behaviour in the pupil profile's summary header (through the core's profile_summary registry): points and
negative events over the last four weeks, by week, in one aggregate query over the viewer's visible events."""

from pastoral.accounts import access
from pastoral.profile_summary import Figure

from .models import BehaviourCategory
from .selectors import events_visible_to

NEGATIVE = BehaviourCategory.Kind.NEGATIVE


def behaviour_figures(user, pupil, weeks):
    if not access.has_school_perm(user, pupil.school_id, "behaviour.view_event"):
        return []
    events = events_visible_to(user).filter(
        pupil=pupil, voided_at__isnull=True, occurred_at__gte=weeks[0][0], occurred_at__lt=weeks[-1][1]
    )
    # One pupil's four weeks are a few dozen rows at most: reading them is cheaper than building a dozen filtered
    # aggregates, and the page costs the same for a pupil of any history.
    points, negatives = [0] * len(weeks), [0] * len(weeks)
    for when, kind, worth in events.order_by().values_list("occurred_at", "category__kind", "category__points"):
        n = next(n for n, (start, end) in enumerate(weeks) if start <= when < end)
        if kind == NEGATIVE:
            points[n] -= worth
            negatives[n] += 1
        else:
            points[n] += worth
    points, negatives = tuple(points), tuple(negatives)
    return [
        Figure("Behaviour points", sum(points), weeks=points),
        Figure("Negative events", sum(negatives), weeks=negatives),
    ]
