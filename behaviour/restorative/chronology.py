"""Restorative meetings on the chronology of each pupil who took part."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime, as_window
from pastoral.voiding import hide_voided_unless

from .selectors import restorative_meetings_visible_to


def restorative_for_chronology(user, pupil, limit):
    window = as_window(limit)
    meetings = restorative_meetings_visible_to(user).filter(pupils=pupil).select_related("recorded_by")
    meetings = hide_voided_unless(meetings, user, pupil.school_id, "behaviour.void_event")
    items = []
    for meeting in window.rows(meetings, when="held_on", is_date=True, text=("agreed",)):
        title = f"Restorative meeting (repair: {meeting.get_repair_happened_display().lower()})"
        summary = f"Agreed: {meeting.agreed[:140]} — recorded by {meeting.recorded_by}"
        tone = "info"
        if meeting.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:restorative_detail", args=[meeting.code])
        when = as_datetime(meeting.held_on)
        items.append(ChronologyItem(when, "behaviour", title, summary, url, tone, key=window.key(meeting.pk)))
    return items
