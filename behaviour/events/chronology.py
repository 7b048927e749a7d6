"""Behaviour events on a pupil's chronology."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window
from pastoral.models import staff_name
from pastoral.voiding import hide_voided_unless

from .models import BehaviourCategory, PupilRole
from .selectors import events_visible_to

# The busiest provider of a long history: its rows are read as plain values (no model instances for the event, its
# category and its recorder), which is most of what building a page of fifty items costs.
_FIELDS = (
    "pk",
    "code",
    "occurred_at",
    "description",
    "role",
    "voided_at",
    "category__name",
    "category__kind",
    "category__points",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
)
_KINDS = dict(BehaviourCategory.Kind.choices)
_ROLES = {value: label.lower() for value, label in PupilRole.choices}


def events_for_chronology(user, pupil, limit):
    window = as_window(limit)
    events = events_visible_to(user).filter(pupil=pupil)
    events = hide_voided_unless(events, user, pupil.school_id, "behaviour.void_event")
    # One reversed address, the code swapped in for each event (the URL pattern takes nothing else).
    placeholder = "00000000-0000-0000-0000-000000000000"
    address = reverse("behaviour:event_detail", args=[placeholder])
    items = []
    text = ("description", "category__name")
    rows = window.rows(events, when="occurred_at", text=text).values_list(*_FIELDS)
    for pk, code, occurred_at, description, role, voided_at, name, kind, points, first, last, username in rows:
        signed = f"{-points if kind == BehaviourCategory.Kind.NEGATIVE else points:+d}".replace("-", "\u2212")
        title = f"{_KINDS.get(kind, kind)}: {name} ({signed})"
        recorder = staff_name(first, last, username)
        summary = f"Role: {_ROLES.get(role, role)}. {description[:140]} — logged by {recorder}"
        tone = "success" if kind == BehaviourCategory.Kind.POSITIVE else "warning"
        if voided_at:
            title, tone = f"Voided – {title}", "dark"
        items.append(
            ChronologyItem(
                occurred_at,
                "behaviour",
                title,
                summary,
                address.replace(placeholder, str(code)),
                tone,
                key=window.key(pk),
                detail=description if len(description) > 140 else "",
            )
        )
    return items
