"""Behaviour events on a pupil's chronology."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window
from pastoral.voiding import hide_voided_unless

from .selectors import events_visible_to


def events_for_chronology(user, pupil, limit):
    window = as_window(limit)
    events = events_visible_to(user).filter(pupil=pupil).select_related("category", "recorded_by")
    events = hide_voided_unless(events, user, pupil.school_id, "behaviour.void_event")
    items = []
    text = ("description", "category__name")
    for event in window.rows(events, when="occurred_at", text=text):
        category = event.category
        points = f"{category.signed_points:+d}".replace("-", "\u2212")
        title = f"{category.get_kind_display()}: {category.name} ({points})"
        summary = f"Role: {event.get_role_display().lower()}. {event.description[:140]} — logged by {event.recorded_by}"
        tone = "success" if category.kind == category.Kind.POSITIVE else "warning"
        if event.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:event_detail", args=[event.code])
        items.append(
            ChronologyItem(
                event.occurred_at,
                "behaviour",
                title,
                summary,
                url,
                tone,
                key=window.key(event.pk),
                detail=event.description if len(event.description) > 140 else "",
            )
        )
    return items
