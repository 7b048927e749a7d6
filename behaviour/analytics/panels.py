"""The home dashboard's rising-behaviour panel, and behaviour's lines of the weekly trend email."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access
from pastoral.files.weekly_trend import trend_line, weekly_counts

from ..events.selectors import events_visible_to
from ..incidents.selectors import follow_up_actions_visible_to
from ..removals.selectors import removals_visible_to
from .selectors import NEGATIVE, POSITIVE, rising_definition, rising_pupils

PANEL_ROWS = 10


def rising_behaviour_panel(request, school):
    """The home dashboard's "negative behaviour rising" panel, for behaviour leads."""
    if not access.has_school_perm(request.user, school, "behaviour.view_alerts"):
        return None
    # The figures are the school's "Negative behaviour rising" rule's (see rules.models).
    definition = rising_definition(school)
    rows = rising_pupils(request.user, school, definition=definition)
    return dashboard.Panel(
        "Negative behaviour rising",
        "behaviour/panels/_rising.html",
        {
            "rows": rows[:PANEL_ROWS],
            "more": max(len(rows) - PANEL_ROWS, 0),
            "rule": definition.text,
            "days": definition.recent_days,
        },
    )


def behaviour_lines(user, school, today, trend):
    weeks = trend.weeks
    events = events_visible_to(user).filter(school=school, voided_at__isnull=True)
    positive = weekly_counts(events.filter(POSITIVE), "occurred_at", weeks, as_datetime=True)
    negative = weekly_counts(events.filter(NEGATIVE), "occurred_at", weeks, as_datetime=True)
    trend.trends += [trend_line("Positive events", positive), trend_line("Negative events", negative)]
    removals = removals_visible_to(user).filter(school=school, voided_at__isnull=True)
    trend.trends.append(
        trend_line("Removals from class", weekly_counts(removals, "removed_at", weeks, as_datetime=True))
    )
    trend.links["analytics"] = reverse("behaviour:analytics")
    trend.rising_pupils = len(rising_pupils(user, school, today))
    overdue_actions = (
        follow_up_actions_visible_to(user)
        .filter(incident__school=school, incident__voided_at__isnull=True, done_at__isnull=True, due_on__lt=today)
        .count()
    )
    trend.outstanding.append(
        ("Incident follow-up actions overdue", overdue_actions, reverse("behaviour:incident_list"))
    )
