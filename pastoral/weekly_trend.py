"""The weekly trend email for each school's pastoral lead(s): counts and a link, never a child's details.

Sent on Monday morning for the week just ended (Monday to Sunday), against the four weeks before it.
Every figure is read through the recipient's own `*_visible_to(user)` selectors, and a section is left
out when the recipient's role does not cover it (suspensions, physical interventions, safeguarding).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from . import access
from .roles import Role
from .selectors import staff_holding

WEEKS_BEFORE = 4
# The email is about behaviour trends, so a recipient must be able to see them.
REQUIRED_PERMISSION = "behaviour.view_analytics"
RECIPIENT_ROLES = [Role.PASTORAL_LEAD]


def recipients(school):
    return staff_holding(school, RECIPIENT_ROLES)


def may_receive(user, school):
    return bool(user and user.is_active and user.email) and access.has_school_perm(user, school, REQUIRED_PERMISSION)


def weeks_ending(today):
    """[(monday, next monday)] for the week just ended, then the four before it (newest first)."""
    # The last full week is the one before this week's Monday (the email goes out on Monday morning).
    last_monday = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=1)
    return [
        (last_monday - datetime.timedelta(weeks=n), last_monday - datetime.timedelta(weeks=n - 1))
        for n in range(WEEKS_BEFORE + 1)
    ]


@dataclass
class Trend:
    label: str
    this_week: int
    before: list  # counts of the four weeks before, newest first

    @property
    def before_text(self):
        return ", ".join(str(count) for count in self.before)

    @property
    def average_before(self):
        return round(sum(self.before) / len(self.before), 1) if self.before else 0

    @property
    def direction(self):
        if self.this_week > self.average_before:
            return "up"
        return "down" if self.this_week < self.average_before else "level"


@dataclass
class WeeklyTrend:
    school: object
    weeks: list
    trends: list = field(default_factory=list)
    rising_pupils: int = 0
    outstanding: list = field(default_factory=list)  # [(label, count, path)]
    links: dict = field(default_factory=dict)


def _bounds(day):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def _weekly_counts(queryset, date_field, weeks, *, as_datetime):
    """One aggregate query: the count in each week."""
    counts = {}
    for index, (start, end) in enumerate(weeks):
        low, high = (_bounds(start), _bounds(end)) if as_datetime else (start, end)
        counts[f"w{index}"] = Count("pk", filter=Q(**{f"{date_field}__gte": low, f"{date_field}__lt": high}))
    first, last = weeks[-1][0], weeks[0][1]
    low, high = (_bounds(first), _bounds(last)) if as_datetime else (first, last)
    result = queryset.filter(**{f"{date_field}__gte": low, f"{date_field}__lt": high}).aggregate(**counts)
    return [result[f"w{index}"] for index in range(len(weeks))]


def _trend(label, counts):
    return Trend(label, counts[0], counts[1:])


def build(user, school, today=None):
    """The figures of one recipient's email (all through their own selectors)."""
    from behaviour.analytics import NEGATIVE, POSITIVE, rising_pupils
    from behaviour.selectors import events_visible_to, follow_up_actions_visible_to, removals_visible_to

    today = today or timezone.localdate()
    weeks = weeks_ending(today)
    trend = WeeklyTrend(school=school, weeks=weeks)
    events = events_visible_to(user).filter(school=school, voided_at__isnull=True)
    positive = _weekly_counts(events.filter(POSITIVE), "occurred_at", weeks, as_datetime=True)
    negative = _weekly_counts(events.filter(NEGATIVE), "occurred_at", weeks, as_datetime=True)
    trend.trends += [_trend("Positive events", positive), _trend("Negative events", negative)]
    removals = removals_visible_to(user).filter(school=school, voided_at__isnull=True)
    trend.trends.append(_trend("Removals from class", _weekly_counts(removals, "removed_at", weeks, as_datetime=True)))
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

    if access.has_school_perm(user, school, "behaviour.view_suspension"):
        from behaviour.models import Suspension
        from behaviour.suspensions.selectors import open_governor_tasks, suspensions_visible_to

        suspensions = suspensions_visible_to(user).filter(
            school=school, voided_at__isnull=True, status=Suspension.Status.FINALISED
        )
        counts = _weekly_counts(suspensions, "start_date", weeks, as_datetime=False)
        trend.trends.append(_trend("Suspensions and exclusions starting", counts))
        tasks = open_governor_tasks(user, school).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        path = reverse("behaviour:suspension_list")
        trend.outstanding.append(("Governors' tasks open", tasks["open"], path))
        trend.outstanding.append(("Governors' tasks overdue", tasks["overdue"], path))

    if access.has_school_perm(user, school, "behaviour.view_intervention"):
        from behaviour.interventions import selectors as interventions

        records = interventions.current(interventions.restrictive_interventions_visible_to(user).filter(school=school))
        counts = _weekly_counts(records, "occurred_on", weeks, as_datetime=False)
        trend.trends.append(_trend("Physical interventions", counts))
        attention = interventions.attention_counts(user, school, today)
        path = reverse("behaviour:intervention_list")
        trend.outstanding += [
            ("Physical interventions: parents not yet told", attention["parents"], f"{path}?show=parents"),
            ("Physical interventions: debriefs overdue", attention["debriefs"], f"{path}?show=debriefs"),
            ("Physical interventions: awaiting sign-off", attention["review"], f"{path}?show=review"),
        ]

    if access.has_school_perm(user, school, "safeguarding.view_concerns"):
        from safeguarding.dashboard import overdue_counts

        counts = overdue_counts(user, school)
        path = reverse("safeguarding:dashboard")
        trend.outstanding += [
            ("Safeguarding actions overdue", counts["actions"], path),
            ("Safeguarding referral follow-ups overdue", counts["referrals"], path),
            ("Child-protection file transfers overdue", counts["transfers"], path),
        ]
    return trend


def email_context(user, school, today=None):
    trend = build(user, school, today)
    site = settings.SITE_URL.rstrip("/")
    return {
        "school": school,
        "trend": trend,
        "week_start": trend.weeks[0][0],
        "week_end": trend.weeks[0][1] - datetime.timedelta(days=1),
        "site_url": site,
        "home_link": site + reverse("pastoral:home"),
        "analytics_link": site + trend.links["analytics"],
    }
