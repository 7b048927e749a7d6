"""Medical conditions on a pupil's chronology, for those who read medical records."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime, as_window

from .selectors import conditions_visible_to, current


def conditions_for_chronology(user, pupil, limit):
    window = as_window(limit)
    rows = current(conditions_visible_to(user).filter(pupil=pupil)).select_related("condition_type")
    text = ("condition_type__name", "other_name", "alert")
    return [
        ChronologyItem(
            as_datetime(c.created_at),
            "medical",
            f"Medical condition recorded: {c.name} ({c.get_severity_display().lower()})",
            c.alert,
            reverse("medical:condition_detail", args=[c.code]),
            "danger" if c.severity in ("severe", "life") else "info",
            key=window.key(c.pk),
        )
        for c in window.rows(rows, when="created_at", text=text, label="Medical condition recorded")
    ]
