from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime
from pastoral.voiding import hide_voided_unless

from .selectors import events_visible_to, removals_visible_to, restorative_meetings_visible_to


def events_for_chronology(user, pupil):
    events = events_visible_to(user).filter(pupil=pupil).select_related("category", "recorded_by")
    events = hide_voided_unless(events, user, pupil.school_id, "behaviour.void_event")
    items = []
    for event in events:
        category = event.category
        points = f"{category.signed_points:+d}".replace("-", "\u2212")
        title = f"{category.get_kind_display()}: {category.name} ({points})"
        summary = f"{event.description[:140]} — logged by {event.recorded_by}"
        tone = "success" if category.kind == category.Kind.POSITIVE else "warning"
        if event.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:event_detail", args=[event.code])
        items.append(ChronologyItem(event.occurred_at, "behaviour", title, summary, url, tone))
    return items


def removals_for_chronology(user, pupil):
    removals = removals_visible_to(user).filter(pupil=pupil).select_related("recorded_by")
    removals = hide_voided_unless(removals, user, pupil.school_id, "behaviour.void_event")
    items = []
    for removal in removals:
        title = f"Removed from class: {removal.removed_to} ({removal.duration_minutes} min)"
        summary = f"{removal.reason[:140]} — recorded by {removal.recorded_by}"
        tone = "warning"
        if removal.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:removal_detail", args=[removal.code])
        items.append(ChronologyItem(removal.removed_at, "behaviour", title, summary, url, tone))
    return items


def restorative_for_chronology(user, pupil):
    meetings = restorative_meetings_visible_to(user).filter(pupils=pupil).select_related("recorded_by")
    meetings = hide_voided_unless(meetings, user, pupil.school_id, "behaviour.void_event")
    items = []
    for meeting in meetings:
        title = f"Restorative meeting (repair: {meeting.get_repair_happened_display().lower()})"
        summary = f"Agreed: {meeting.agreed[:140]} — recorded by {meeting.recorded_by}"
        tone = "info"
        if meeting.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:restorative_detail", args=[meeting.code])
        items.append(ChronologyItem(as_datetime(meeting.held_on), "behaviour", title, summary, url, tone))
    return items
