"""Evidence at review: is the plan working?

Since the plan became active, and for the same length of time before, the pupil's negative events, incidents,
removals, suspensions and restrictive interventions: counts, and a weekly chart with a table alternative. Every
count reads through behaviour's own visibility selectors, so a reviewer sees only what they may see (a pastoral
member of staff who may not read restrictive interventions sees no count of them).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from behaviour.events.models import BehaviourCategory
from behaviour.events.selectors import events_visible_to
from behaviour.incidents.selectors import incidents_visible_to
from behaviour.interventions.selectors import restrictive_interventions_visible_to
from behaviour.removals.selectors import removals_visible_to
from behaviour.suspensions.selectors import suspensions_visible_to
from pastoral.files import charts


@dataclass
class Line:
    label: str
    before: int
    since: int

    @property
    def change(self):
        return self.since - self.before


def _bounds(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sources(user, pupil):
    """(label, rows, date field, is a datetime) for each kind of event counted."""
    return [
        (
            "Negative events",
            events_visible_to(user).filter(
                pupil=pupil, voided_at__isnull=True, category__kind=BehaviourCategory.Kind.NEGATIVE
            ),
            "occurred_at",
            True,
        ),
        ("Incidents", incidents_visible_to(user).filter(pupils=pupil, voided_at__isnull=True), "created_at", True),
        ("Removals", removals_visible_to(user).filter(pupil=pupil, voided_at__isnull=True), "removed_at", True),
        (
            "Suspensions",
            suspensions_visible_to(user).filter(pupil=pupil, voided_at__isnull=True, status="finalised"),
            "start_date",
            False,
        ),
        (
            "Restrictive interventions",
            restrictive_interventions_visible_to(user).filter(pupil=pupil, voided_at__isnull=True),
            "occurred_on",
            False,
        ),
    ]


def window(plan, today=None):
    """(start of the period before, the day the plan became active, today)."""
    today = today or timezone.localdate()
    since = timezone.localdate(plan.activated_at) if plan.activated_at else today
    length = max((today - since).days, 1)
    return since - datetime.timedelta(days=length), since, today


def _range(rows, field, is_datetime, start, end):
    """Rows with `field` in [start, end) (days)."""
    if is_datetime:
        return rows.filter(**{f"{field}__gte": _bounds(start), f"{field}__lt": _bounds(end)})
    return rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def evidence_for(user, plan, today=None):
    """The counts before and since, and the weekly chart of all of them together, for the review page and PDF."""
    before_start, since, today = window(plan, today)
    end = today + datetime.timedelta(days=1)
    lines = []
    weekly = {}
    for label, rows, field, is_datetime in _sources(user, plan.pupil):
        counts = _range(rows, field, is_datetime, before_start, end).aggregate(
            before=Count("pk", filter=_q(field, is_datetime, before_start, since)),
            since=Count("pk", filter=_q(field, is_datetime, since, end)),
        )
        lines.append(Line(label, counts["before"], counts["since"]))
        per_week = (
            _range(rows, field, is_datetime, before_start, end)
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("pk"))
        )
        for row in per_week:
            week = timezone.localtime(row["week"]).date() if isinstance(row["week"], datetime.datetime) else row["week"]
            weekly[week] = weekly.get(week, 0) + row["n"]
    monday = before_start - datetime.timedelta(days=before_start.weekday())
    rows = []
    while monday <= today:
        marker = " (plan active)" if monday <= since < monday + datetime.timedelta(days=7) else ""
        rows.append((f"{monday:%d %b}{marker}", weekly.get(monday, 0)))
        monday += datetime.timedelta(days=7)
    chart = charts.column_chart(
        "Behaviour events each week, before and since the plan",
        rows,
        label_header="Week beginning",
        value_header="Events",
        description="Negative events, incidents, removals, suspensions and restrictive interventions together.",
    )
    return {"lines": lines, "chart": chart, "before_start": before_start, "since": since, "today": today}


def _q(field, is_datetime, start, end):
    from django.db.models import Q

    if is_datetime:
        return Q(**{f"{field}__gte": _bounds(start), f"{field}__lt": _bounds(end)})
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def as_json(evidence):
    """The counts kept with the review."""
    return {
        "before_start": evidence["before_start"].isoformat(),
        "since": evidence["since"].isoformat(),
        "today": evidence["today"].isoformat(),
        "counts": [[line.label, line.before, line.since] for line in evidence["lines"]],
    }
