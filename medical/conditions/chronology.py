"""Medical conditions on a pupil's chronology, for those who read medical records."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime

from .selectors import conditions_visible_to, current


def conditions_for_chronology(user, pupil, limit):
    rows = current(conditions_visible_to(user).filter(pupil=pupil)).select_related("condition_type")
    return [
        ChronologyItem(
            as_datetime(c.created_at),
            "medical",
            f"Medical condition recorded: {c.name} ({c.get_severity_display().lower()})",
            c.alert,
            reverse("medical:condition_detail", args=[c.code]),
            "danger" if c.severity in ("severe", "life") else "info",
        )
        for c in rows.order_by("-created_at", "-pk")[:limit]
    ]
