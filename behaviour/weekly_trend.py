"""Behaviour's lines of the weekly trend email: events, removals, suspensions and physical interventions."""

from django.db.models import Count, Q
from django.urls import reverse

from pastoral.files.weekly_trend import register, trend_line, weekly_counts

from .analytics import NEGATIVE, POSITIVE, rising_pupils
from .interventions import selectors as interventions
from .models import Suspension
from .selectors import events_visible_to, follow_up_actions_visible_to, removals_visible_to
from .suspensions.selectors import open_governor_tasks, suspensions_visible_to


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


def suspension_lines(user, school, today, trend):
    suspensions = suspensions_visible_to(user).filter(
        school=school, voided_at__isnull=True, status=Suspension.Status.FINALISED
    )
    counts = weekly_counts(suspensions, "start_date", trend.weeks, as_datetime=False)
    trend.trends.append(trend_line("Suspensions and exclusions starting", counts))
    tasks = open_governor_tasks(user, school).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    path = reverse("behaviour:suspension_list")
    trend.outstanding.append(("Governors' tasks open", tasks["open"], path))
    trend.outstanding.append(("Governors' tasks overdue", tasks["overdue"], path))


def intervention_lines(user, school, today, trend):
    records = interventions.current(interventions.restrictive_interventions_visible_to(user).filter(school=school))
    counts = weekly_counts(records, "occurred_on", trend.weeks, as_datetime=False)
    trend.trends.append(trend_line("Physical interventions", counts))
    attention = interventions.attention_counts(user, school, today)
    path = reverse("behaviour:intervention_list")
    trend.outstanding += [
        ("Physical interventions: parents not yet told", attention["parents"], f"{path}?show=parents"),
        ("Physical interventions: debriefs overdue", attention["debriefs"], f"{path}?show=debriefs"),
        ("Physical interventions: awaiting sign-off", attention["review"], f"{path}?show=review"),
    ]


def register_lines():
    # The orders keep the email's lines where they have always been: behaviour first, safeguarding (40) last.
    register("behaviour", behaviour_lines, order=10)
    register("behaviour_suspensions", suspension_lines, order=20, permission="behaviour.view_suspension")
    register("behaviour_interventions", intervention_lines, order=30, permission="behaviour.view_intervention")
