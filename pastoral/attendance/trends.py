"""Attendance trends for a school or a group: weekly, by day of the week and session, by year group.

Each figure is one grouped aggregate over the marks (the (school, date) index covers them).
"""

import datetime

from django.db.models import Count, Q

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


def cells(school, pupils, start, end):
    """One grouped aggregate: {(date, session, year group): (attended, possible)}.

    Every figure on the page is a roll-up of these cells (at most school days × 2 sessions × year groups rows),
    so the year's marks are read once, from the (school, date) index, instead of once per chart.
    """
    rows = (
        _marks(school, pupils, start, end)
        .values("date", "session", "pupil__year_group")
        .annotate(attended=Count("session", filter=ATTENDED), possible=Count("session", filter=POSSIBLE))
        .order_by()
        .values_list("date", "session", "pupil__year_group", "attended", "possible")
    )
    return {(day, session, year): (attended, possible) for day, session, year, attended, possible in rows}


def _roll_up(cells, key):
    totals = {}
    for cell, (attended, possible) in cells.items():
        group = key(*cell)
        a, p = totals.get(group, (0, 0))
        totals[group] = (a + attended, p + possible)
    return totals


def weekly(cells):
    """[(monday, attended, possible)] oldest first."""
    totals = _roll_up(cells, lambda day, _session, _year: day - datetime.timedelta(days=day.weekday()))
    return [(monday, *totals[monday]) for monday in sorted(totals)]


def by_day_and_session(cells):
    """{(iso weekday, session): (attended, possible)}."""
    return _roll_up(cells, lambda day, session, _year: (day.isoweekday(), session))


def by_year_group(cells):
    totals = _roll_up(cells, lambda _day, _session, year: year)
    return [(year, *totals[year]) for year in sorted(totals, key=lambda year: (year is None, year or 0))]


def week_bounds(weeks):
    return [(monday, monday + datetime.timedelta(days=7)) for monday in weeks]


def charts_for(cells, weeks, extra_series=()):
    """The page's charts from cells(); `weeks` from weekly(cells), `extra_series` from the registry over the same
    weeks."""
    from ..models import YearGroup

    weekly_chart = charts.column_chart(
        "Attendance by week",
        [(monday.strftime("%d %b"), _rate(a, p)) for monday, a, p in weeks],
        label_header="Week beginning",
        value_header="Attendance %",
    )
    by_day = by_day_and_session(cells)
    day_chart = charts.column_chart(
        "Attendance by day and session",
        [
            (DAYS[day - 1], *(_rate(*by_day.get((day, session), (0, 0))) for session in ("AM", "PM")))
            for day in range(1, 6)
        ],
        series=["Morning %", "Afternoon %"],
        label_header="Day",
    )
    labels = dict(YearGroup.choices)
    year_chart = charts.bar_chart(
        "Attendance by year group",
        [(labels.get(year, year), _rate(a, p)) for year, a, p in by_year_group(cells)],
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
