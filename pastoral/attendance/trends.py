"""Attendance trends for a school or a group: weekly, by day of the week and session, by year group.

Each figure is one grouped aggregate over the marks (the (school, date) index covers them).
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractIsoWeekDay, TruncWeek

from ..files import charts
from . import calculations as calc
from .models import ABSENT, ATTENDING, AttendanceMark

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
POSSIBLE = Q(counts__in=(*ATTENDING, *ABSENT))
ATTENDED = Q(counts__in=ATTENDING)


def _marks(school, pupils, start, end):
    marks = AttendanceMark.objects.filter(school=school, date__gte=start, date__lte=end, pupil__in=pupils)
    return calc.marks_on_roll(marks)


def _rate(attended, possible):
    value = calc.percent(attended, possible)
    return float(value) if value is not None else 0.0


def weekly(school, pupils, start, end):
    """[(monday, attended, possible)] oldest first."""
    rows = (
        _marks(school, pupils, start, end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(attended=Count("pk", filter=ATTENDED), possible=Count("pk", filter=POSSIBLE))
        .order_by("week")
        .values_list("week", "attended", "possible")
    )
    return list(rows)


def by_day_and_session(school, pupils, start, end):
    """{(iso weekday, session): (attended, possible)}."""
    rows = (
        _marks(school, pupils, start, end)
        .annotate(day=ExtractIsoWeekDay("date"))
        .values("day", "session")
        .annotate(attended=Count("pk", filter=ATTENDED), possible=Count("pk", filter=POSSIBLE))
        .values_list("day", "session", "attended", "possible")
    )
    return {(day, session): (attended, possible) for day, session, attended, possible in rows}


def by_year_group(school, pupils, start, end):
    rows = (
        _marks(school, pupils, start, end)
        .values("pupil__year_group")
        .annotate(attended=Count("pk", filter=ATTENDED), possible=Count("pk", filter=POSSIBLE))
        .order_by("pupil__year_group")
        .values_list("pupil__year_group", "attended", "possible")
    )
    return list(rows)


def week_bounds(weeks):
    return [(monday, monday + datetime.timedelta(days=7)) for monday in weeks]


def charts_for(school, pupils, start, end, weeks, extra_series=()):
    """The page's charts; `weeks` from weekly(), and `extra_series` from the registry over the same weeks."""
    from ..models import YearGroup

    weekly_chart = charts.column_chart(
        "Attendance by week",
        [(monday.strftime("%d %b"), _rate(a, p)) for monday, a, p in weeks],
        label_header="Week beginning",
        value_header="Attendance %",
    )
    cells = by_day_and_session(school, pupils, start, end)
    day_chart = charts.column_chart(
        "Attendance by day and session",
        [
            (DAYS[day - 1], *(_rate(*cells.get((day, session), (0, 0))) for session in ("AM", "PM")))
            for day in range(1, 6)
        ],
        series=["Morning %", "Afternoon %"],
        label_header="Day",
    )
    labels = dict(YearGroup.choices)
    year_chart = charts.bar_chart(
        "Attendance by year group",
        [(labels.get(year, year), _rate(a, p)) for year, a, p in by_year_group(school, pupils, start, end)],
        label_header="Year",
        value_header="Attendance %",
    )
    combined = None
    if extra_series and weeks:
        rows = []
        for index, (monday, a, p) in enumerate(weeks):
            rows.append((monday.strftime("%d %b"), _rate(a, p), *(values[index] for _label, values in extra_series)))
        combined = charts.column_chart(
            "Attendance and negative behaviour by week",
            rows,
            series=["Attendance %", *(label for label, _values in extra_series)],
            label_header="Week beginning",
            description="Attendance % beside the number of negative behaviour events in the same weeks.",
        )
    return {"weekly": weekly_chart, "days": day_chart, "years": year_chart, "combined": combined, "weeks": weeks}
