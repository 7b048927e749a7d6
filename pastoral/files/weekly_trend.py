"""The weekly trend email for each school's pastoral lead(s): counts and a link, never a child's details.

Sent on Monday morning for the week just ended (Monday to Sunday), against the four weeks before it.
Every figure is read through the recipient's own `*_visible_to(user)` selectors, and a section is left
out when the recipient's role does not cover it (suspensions, physical interventions, safeguarding). The
lines come from a registry each duty app fills in its `AppConfig.ready()`:

    weekly_trend.register("safeguarding", build_lines, order=40, permission="safeguarding.view_concerns")
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from ..accounts import access
from ..accounts.roles import Role
from ..selectors import staff_holding

WEEKS_BEFORE = 4
# The email is about behaviour trends, so a recipient must be able to see them.
REQUIRED_PERMISSION = "behaviour.view_analytics"
# The DSL gets it too: it carries the safeguarding lines and the week's break-glass uses for them to review.
RECIPIENT_ROLES = [Role.PASTORAL_LEAD, Role.DSL]


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


@dataclass(frozen=True)
class Contribution:
    name: str
    builder: object
    order: int
    permission: str


_CONTRIBUTIONS = {}


def register(name, builder, order=100, permission=None):
    """Each duty app adds its lines here from its `AppConfig.ready()`; the core never imports a duty app.

    `builder(user, school, today, trend)` appends to `trend.trends`, `trend.outstanding` and `trend.links`,
    reading only through the recipient's own selectors. It runs only when the recipient holds `permission`
    in the school (always when None), in `order`, so the email lists the lines in a fixed order."""
    if permission is not None:
        access._check_name(permission)
    _CONTRIBUTIONS[name] = Contribution(name, builder, order, permission)


def contributions():
    return sorted(_CONTRIBUTIONS.values(), key=lambda spec: (spec.order, spec.name))


def _bounds(day):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def weekly_counts(queryset, date_field, weeks, *, as_datetime):
    """One aggregate query: the count in each week."""
    counts = {}
    for index, (start, end) in enumerate(weeks):
        low, high = (_bounds(start), _bounds(end)) if as_datetime else (start, end)
        counts[f"w{index}"] = Count("pk", filter=Q(**{f"{date_field}__gte": low, f"{date_field}__lt": high}))
    first, last = weeks[-1][0], weeks[0][1]
    low, high = (_bounds(first), _bounds(last)) if as_datetime else (first, last)
    result = queryset.filter(**{f"{date_field}__gte": low, f"{date_field}__lt": high}).aggregate(**counts)
    return [result[f"w{index}"] for index in range(len(weeks))]


def trend_line(label, counts):
    """A `Trend` from `weekly_counts` (this week first, then the weeks before)."""
    return Trend(label, counts[0], counts[1:])


def build(user, school, today=None):
    """The figures of one recipient's email (all through their own selectors)."""
    today = today or timezone.localdate()
    trend = WeeklyTrend(school=school, weeks=weeks_ending(today))
    for spec in contributions():
        if spec.permission is None or access.has_school_perm(user, school, spec.permission):
            spec.builder(user, school, today, trend)
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


def break_glass_lines(user, school, today, trend):
    """The week's emergency (break-glass) openings of records, and those still waiting for review: counts only."""
    from .. import breakglass

    start, end = trend.weeks[0]
    uses = breakglass.uses_visible_to(user).filter(school=school)
    counts = uses.aggregate(
        week=Count("pk", filter=Q(at__gte=_bounds(start), at__lt=_bounds(end))),
        waiting=Count("pk", filter=Q(reviewed_at__isnull=True)),
    )
    path = reverse("pastoral:break_glass_list")
    trend.outstanding += [
        ("Records opened in an emergency (break-glass) last week", counts["week"], path),
        ("Break-glass openings not yet reviewed", counts["waiting"], path + "?status=waiting"),
    ]
