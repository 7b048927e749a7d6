"""Individual healthcare plans on a pupil's chronology, for those who may read the plan."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window
from pastoral.dates import uk_date

from .selectors import plans_visible_to


def plans_for_chronology(user, pupil, limit):
    window = as_window(limit)
    rows = plans_visible_to(user).filter(pupil=pupil)
    return [
        ChronologyItem(
            plan.created_at,
            "medical",
            f"Individual healthcare plan ({plan.get_status_display().lower()}, version {plan.version})",
            f"Review due {uk_date(plan.review_date)}",
            reverse("medical:plan_detail", args=[plan.code]),
            "info",
            key=window.key(plan.pk),
        )
        for plan in window.rows(rows, when="created_at", label="Individual healthcare plan")
    ]
