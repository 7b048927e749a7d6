"""Keywork sessions on a pupil's chronology, for those who may read the notes (sessions_visible_to): one query,
ordered and cut in SQL. The discussion itself stays on the session page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pastoral.chronology import ChronologyItem, as_window

from .selectors import sessions_visible_to


def keywork_for_chronology(user, pupil, limit):
    window = as_window(limit)
    sessions = sessions_visible_to(user).filter(pupil=pupil).select_related("author")
    sessions = window.rows(sessions, when="held_on", is_date=True, at=datetime.time(12), label="Keywork")
    items = []
    for session in sessions:
        when = timezone.make_aware(datetime.datetime.combine(session.held_on, datetime.time(12)))
        summary = f"{session.minutes} minutes with {session.author.get_full_name()}"
        if session.mood:
            summary += f"; mood {session.mood}/5 ({session.mood_label.lower()})"
        if session.zone:
            summary += f"; {session.get_zone_display().split(' (')[0].lower()}"
        tone = "danger" if session.kind == session.Kind.CRISIS else "info"
        url = reverse("provision:keywork_session", args=[session.code])
        title = f"Keywork: {session.get_kind_display()}"
        items.append(ChronologyItem(when, "keywork", title, summary, url, tone, key=window.key(session.pk)))
    return items
