"""Individual healthcare plans on a pupil's chronology, for those who may read the plan."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem
from pastoral.dates import uk_date

from .selectors import plans_visible_to


def plans_for_chronology(user, pupil, limit):
    rows = plans_visible_to(user).filter(pupil=pupil).order_by("-created_at", "-pk")[:limit]
    return [
        ChronologyItem(
            plan.created_at,
            "medical",
            f"Individual healthcare plan ({plan.get_status_display().lower()}, version {plan.version})",
            f"Review due {uk_date(plan.review_date)}",
            reverse("medical:plan_detail", args=[plan.code]),
            "info",
        )
        for plan in rows
    ]
