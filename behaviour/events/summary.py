"""Behaviour in the pupil profile's summary header (through the core's profile_summary registry): points and
negative events over the last four weeks, by week, in one aggregate query over the viewer's visible events."""

from django.db.models import Count, F, Q, Sum

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
    sums = {}
    for n, (start, end) in enumerate(weeks):
        within = Q(occurred_at__gte=start, occurred_at__lt=end)
        sums[f"positive{n}"] = Sum(F("category__points"), filter=within & ~Q(category__kind=NEGATIVE), default=0)
        sums[f"negative{n}"] = Sum(F("category__points"), filter=within & Q(category__kind=NEGATIVE), default=0)
        sums[f"events{n}"] = Count("pk", filter=within & Q(category__kind=NEGATIVE))
    totals = events.aggregate(**sums)
    points = tuple(totals[f"positive{n}"] - totals[f"negative{n}"] for n in range(len(weeks)))
    negatives = tuple(totals[f"events{n}"] for n in range(len(weeks)))
    return [
        Figure("Behaviour points", sum(points), weeks=points),
        Figure("Negative events", sum(negatives), weeks=negatives),
    ]
