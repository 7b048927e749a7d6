"""Meetings on the dashboard: upcoming meetings in the school, and the viewer's own overdue actions."""

import datetime

from django.utils import timezone

from ..dashboard import Panel
from .models import Meeting, MeetingAction
from .selectors import actions_visible_to, meetings_visible_to

UPCOMING_DAYS = 14
SHOWN = 8


def _upcoming(meetings, school, today):
    return meetings.filter(
        school=school, next_meeting_on__gte=today, next_meeting_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)
    )


def _overdue(actions, school, user, today):
    return actions.filter(meeting__school=school, owner=user, done_at__isnull=True, due_on__lt=today)


def meetings_probe(request, school):
    """The panel's two lists over all of the school's meetings, before asking which the viewer may read."""
    if school is None:
        return None
    today = timezone.localdate()
    return [
        _upcoming(Meeting.objects.all(), school, today),
        _overdue(MeetingAction.objects.all(), school, request.user, today),
    ]


def meetings_panel(request, school):
    if school is None:
        return None
    today = timezone.localdate()
    upcoming = list(
        _upcoming(meetings_visible_to(request.user), school, today)
        .select_related("pupil")
        .order_by("next_meeting_on", "id")[:SHOWN]
    )
    overdue = list(
        _overdue(actions_visible_to(request.user), school, request.user, today)
        .select_related("meeting", "meeting__pupil")
        .order_by("due_on", "id")[:SHOWN]
    )
    if not upcoming and not overdue:
        return None
    return Panel("Multi-agency meetings", "pastoral/meetings/_panel.html", {"upcoming": upcoming, "overdue": overdue})
