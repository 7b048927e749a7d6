"""Removals from class on a pupil's chronology."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window
from pastoral.voiding import hide_voided_unless

from .selectors import removals_visible_to


def removals_for_chronology(user, pupil, limit):
    window = as_window(limit)
    removals = removals_visible_to(user).filter(pupil=pupil).select_related("recorded_by")
    removals = hide_voided_unless(removals, user, pupil.school_id, "behaviour.void_event")
    items = []
    for removal in window.rows(removals, when="removed_at", text=("reason", "removed_to")):
        title = f"Removed from class: {removal.removed_to} ({removal.duration_minutes} min)"
        summary = f"{removal.reason[:140]} — recorded by {removal.recorded_by}"
        tone = "warning"
        if removal.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:removal_detail", args=[removal.code])
        items.append(
            ChronologyItem(removal.removed_at, "behaviour", title, summary, url, tone, key=window.key(removal.pk))
        )
    return items
