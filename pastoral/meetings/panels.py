"""Meetings on the dashboard: upcoming meetings in the school, and the viewer's own overdue actions."""

import datetime

from django.utils import timezone

from ..dashboard import Panel
from .models import Meeting, MeetingAction
from .selectors import actions_visible_to, meetings_visible_to

UPCOMING_DAYS = 14
SHOWN = 8


def meetings_probe(request, school):
    """Meetings of the school coming up and the viewer's overdue actions, before asking which the viewer may
    read."""
    if school is None:
        return None
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=UPCOMING_DAYS)
    return [
        Meeting.objects.filter(school=school, next_meeting_on__gte=today, next_meeting_on__lte=soon),
        MeetingAction.objects.filter(
            meeting__school=school, owner=request.user, done_at__isnull=True, due_on__lt=today
        ),
    ]


def meetings_panel(request, school):
    if school is None:
        return None
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=UPCOMING_DAYS)
    upcoming = list(
        meetings_visible_to(request.user)
        .filter(school=school, next_meeting_on__gte=today, next_meeting_on__lte=soon)
        .select_related("pupil")
        .order_by("next_meeting_on", "id")[:SHOWN]
    )
    overdue = list(
        actions_visible_to(request.user)
        .filter(meeting__school=school, owner=request.user, done_at__isnull=True, due_on__lt=today)
        .select_related("meeting", "meeting__pupil")
        .order_by("due_on", "id")[:SHOWN]
    )
    if not upcoming and not overdue:
        return None
    return Panel("Multi-agency meetings", "pastoral/meetings/_panel.html", {"upcoming": upcoming, "overdue": overdue})
