"""Attendance in the termly report and in the Monday trend email."""

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse

from ..files import charts
from ..files.reports import Section, comparison_table
from ..files.weekly_trend import Trend
from . import calculations as calc
from .models import ABSENT, ATTENDING
from .selectors import alerts_visible_to, marks_visible_to, pupils_visible_to


def _school_totals(user, schools, start, end):
    marks = calc.marks_on_roll(
        marks_visible_to(user).filter(school_id__in=[s.pk for s in schools], date__gte=start, date__lte=end)
    )
    return calc.totals(marks)


def _absentees(user, schools, start, end):
    pupils = pupils_visible_to(user).filter(school_id__in=[s.pk for s in schools])
    rows = calc.with_threshold_fields(calc.with_totals(pupils, start, end))
    return rows.aggregate(
        persistent=Count("pk", filter=calc.persistent_q()),
        severe=Count("pk", filter=calc.persistent_q(percent_=calc.SEVERE_PERCENT)),
    )


def build_attendance(user, schools, start, end, previous_start, previous_end):
    now, then = _school_totals(user, schools, start, end), _school_totals(user, schools, previous_start, previous_end)
    absent_now, absent_then = (
        _absentees(user, schools, start, end),
        _absentees(user, schools, previous_start, previous_end),
    )
    section = Section("Attendance")
    section.headlines = [
        ("Attendance", f"{now.attendance_rate}%" if now.attendance_rate is not None else "No marks"),
        ("Persistent absentees (10% or more)", absent_now["persistent"]),
        ("Severe absentees (50% or more)", absent_now["severe"]),
    ]
    section.tables.append(
        comparison_table(
            "Attendance this period and the one before",
            [
                ("Attendance %", float(now.attendance_rate or 0), float(then.attendance_rate or 0)),
                ("Authorised absence (sessions)", now.authorised, then.authorised),
                ("Unauthorised absence (sessions)", now.unauthorised, then.unauthorised),
                ("Persistent absentees", absent_now["persistent"], absent_then["persistent"]),
                ("Severe absentees", absent_now["severe"], absent_then["severe"]),
            ],
        )
    )
    section.notes.append(
        "Rates follow the DfE method: possible sessions while on roll, less the codes that are not counted."
    )
    weekly = (
        calc.marks_on_roll(
            marks_visible_to(user).filter(school_id__in=[s.pk for s in schools], date__gte=start, date__lte=end)
        )
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(
            attended=Count("pk", filter=Q(counts__in=ATTENDING)),
            possible=Count("pk", filter=Q(counts__in=(*ATTENDING, *ABSENT))),
            first=Min("date"),
        )
        .order_by("first")
    )
    section.charts.append(
        charts.column_chart(
            "Attendance by week",
            [
                (row["first"].strftime("%d %b"), float(calc.percent(row["attended"], row["possible"]) or 0))
                for row in weekly
            ],
            label_header="Week",
            value_header="Attendance %",
        )
    )
    return section


def attendance_lines(user, school, today, trend):
    """Attendance % for the week just ended and the four before, and the open alerts, for the Monday email."""
    rates = []
    for start, end in trend.weeks:
        totals = calc.totals(marks_visible_to(user).filter(school=school, date__gte=start, date__lt=end))
        rates.append(float(totals.attendance_rate) if totals.attendance_rate is not None else 0)
    trend.trends.append(Trend("Attendance %", rates[0], rates[1:]))
    open_alerts = alerts_visible_to(user).filter(school=school, done_at__isnull=True).count()
    trend.outstanding.append(("Attendance alerts open", open_alerts, reverse("pastoral:attendance_alerts")))
