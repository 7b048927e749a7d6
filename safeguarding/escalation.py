"""Urgent work that escalates itself.

An urgent concern that no DSL or deputy has opened within the school's set time, counted in school hours on
school days, is escalated once: the deputy DSLs and the headteacher get an in-app notification and an email that
names no child. A concern still unassigned a school day after it was raised is flagged on the dashboard and
counted in the DSLs' morning email (`overdue_counts`).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts.roles import Role
from pastoral.calendar.school_days import SchoolCalendar
from pastoral.paper.selectors import known_at as paper_known_at
from pastoral.selectors import staff_holding

from .models import Concern, EscalationPolicy, Notification

ESCALATE_TO = [Role.DEPUTY_DSL, Role.PASTORAL_ASSISTANT, Role.HEADTEACHER]


def policy_for(school):
    """The school's policy, or the defaults (unsaved) when it has never changed them."""
    policy = EscalationPolicy.objects.filter(school=school).first()
    return policy or EscalationPolicy(school=school)


def school_minutes_between(calendar, policy, start, end):
    """Minutes between two moments that fall inside school hours on school days (local time). A school with no
    terms set up counts every weekday, so an urgent concern is never left waiting on missing set-up."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if end <= start:
        return 0
    minutes = 0
    day = start.date()
    while day <= end.date():
        if calendar.is_school_day(day):
            opens = timezone.make_aware(datetime.datetime.combine(day, policy.day_starts))
            closes = timezone.make_aware(datetime.datetime.combine(day, policy.day_ends))
            overlap = min(closes, end) - max(opens, start)
            if overlap > datetime.timedelta(0):
                minutes += overlap.total_seconds() / 60
        day += datetime.timedelta(days=1)
    return int(minutes)


def due_for_escalation(concern, calendar, policy, now):
    """The clock runs from when the DSL team could first know of the concern: when it was raised, or, for one
    written on paper while the app was down, when it was entered (`known_at`, annotated by `escalate_due`)."""
    start = getattr(concern, "known_at", None) or concern.reported_at
    return school_minutes_between(calendar, policy, start, now) >= policy.urgent_unopened_minutes


def escalate_due(now=None):
    """Escalate every urgent concern left unopened past its school's time. Safe to run twice at once: each
    concern is claimed by a conditional update, so it is escalated exactly once."""
    from .tasks import send_escalation_email_task

    now = now or timezone.now()
    waiting = (
        Concern.objects.filter(urgent=True, first_opened_at__isnull=True, escalated_at__isnull=True)
        .exclude(status=Concern.Status.CLOSED)
        .select_related("school")
        .annotate(known_at=paper_known_at(Concern, "reported_at"))
        .order_by("reported_at")
    )
    escalated = []
    calendars, policies = {}, {}
    for concern in waiting:
        school = concern.school
        if school.pk not in calendars:
            calendars[school.pk] = SchoolCalendar.for_school(school, weekdays_without_terms=True)
            policies[school.pk] = policy_for(school)
        if not due_for_escalation(concern, calendars[school.pk], policies[school.pk], now):
            continue
        with transaction.atomic():
            claimed = Concern.objects.filter(pk=concern.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not claimed:
                continue
            recipients = list(staff_holding(school, ESCALATE_TO).exclude(pk=concern.reporter_id))
            Notification.objects.bulk_create(
                Notification(recipient=user, concern=concern, created_at=now) for user in recipients
            )
            for user in recipients:
                outbox.enqueue(send_escalation_email_task, concern.pk, user.pk)
            audit.record(
                "safeguarding.concern.escalated",
                actor_label="Escalation clock",
                obj=concern,
                school=school,
                data={"minutes": policies[school.pk].urgent_unopened_minutes, "told": len(recipients)},
            )
        escalated.append(concern.pk)
    return escalated


def unassigned_cutoff(school, today=None):
    """Concerns reported before this moment and still unassigned have waited at least one school day: the start
    of the last school day on or before today (None when the school has had no school day)."""
    today = today or timezone.localdate()
    calendar = SchoolCalendar.for_school(school, weekdays_without_terms=True)
    day = today if calendar.is_school_day(today) else calendar.previous_school_day(today)
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def age_label(reported_at, now=None):
    """A concern's age for the dashboard: "35 min", "5 h", "3 days"."""
    seconds = ((now or timezone.now()) - reported_at).total_seconds()
    if seconds < 3600:
        return f"{max(int(seconds // 60), 0)} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"
