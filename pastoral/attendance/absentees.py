"""The lists the attendance officer works from: persistent and severe absentees, pupils who crossed a threshold
this week, and the largest falls over the last four weeks. Each is one grouped query over the school's pupils."""

import datetime

from django.db.models import Count, ExpressionWrapper, F, FloatField

from . import calculations as calc

PERSISTENT, SEVERE, CROSSING, FALLING = "persistent", "severe", "crossing", "falling"
KINDS = [
    (PERSISTENT, "Persistent absentees (10% or more)"),
    (SEVERE, "Severe absentees (50% or more)"),
    (CROSSING, "Crossed 10% or 50% this week"),
    (FALLING, "Largest fall in the last 4 weeks"),
]
FALL_WEEKS = 4


def periods(school, today):
    start, _ = calc.academic_year(school, today)
    this_week = calc.week_start(today)
    recent_from = today - datetime.timedelta(weeks=FALL_WEEKS) + datetime.timedelta(days=1)
    return {
        "start": start,
        "end": today,
        "before_week": (start, this_week - datetime.timedelta(days=1)),
        "recent": (recent_from, today),
        "earlier": (start, recent_from - datetime.timedelta(days=1)),
    }


def listed(kind, pupils, school, today):
    """The pupils of `kind`, annotated with the year's counts and rates, in the list's order."""
    p = periods(school, today)
    if kind == CROSSING:
        rows = calc.with_totals(pupils, p["start"], p["end"], also={"before_": p["before_week"]})
        rows = calc.with_threshold_fields(calc.with_threshold_fields(rows), "before_")
        crossed = lambda percent: calc.persistent_q(percent_=percent) & ~calc.persistent_q("before_", percent)  # noqa: E731
        return rows.filter(crossed(calc.PERSISTENT_PERCENT) | crossed(calc.SEVERE_PERCENT)).order_by(
            "-absence_rate", "-id"
        )
    if kind == FALLING:
        rows = calc.with_totals(pupils, p["start"], p["end"], also={"recent_": p["recent"], "earlier_": p["earlier"]})
        rows = calc.with_threshold_fields(
            calc.with_threshold_fields(calc.with_threshold_fields(rows), "recent_"), "earlier_"
        )
        rows = rows.annotate(
            fall=ExpressionWrapper(
                F("earlier_attendance_rate") - F("recent_attendance_rate"), output_field=FloatField()
            )
        )
        return rows.filter(recent_possible__gt=0, earlier_possible__gt=0, fall__gt=0).order_by("-fall", "-id")
    percent = calc.SEVERE_PERCENT if kind == SEVERE else calc.PERSISTENT_PERCENT
    rows = calc.with_threshold_fields(calc.with_totals(pupils, p["start"], p["end"]))
    return rows.filter(calc.persistent_q(percent_=percent)).order_by("-absence_rate", "-id")


def threshold_counts(pupils, school, today):
    """How many pupils are persistent and severe absentees this year: one query."""
    p = periods(school, today)
    rows = calc.with_threshold_fields(calc.with_totals(pupils, p["start"], p["end"]))
    return rows.aggregate(
        persistent=Count("pk", filter=calc.persistent_q()),
        severe=Count("pk", filter=calc.persistent_q(percent_=calc.SEVERE_PERCENT)),
    )
