"""The attendance panel on the pupil profile: this year and last, a weekly chart, marks by code, the flags."""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncWeek

from .. import presence
from ..accounts import access
from ..files import charts
from . import calculations as calc
from .models import ABSENT, ATTENDING, AttendanceAlert, AttendanceMark, PartTimeTimetable
from .permissions import MANAGE
from .selectors import may_view


def _weeks_and_codes(pupil, start, end):
    """([(week beginning, attended, possible)] by week, [{"code", "n"}] most used first) of the pupil's marks from
    `start` to `end`: one query grouped by week and code (a pupil's year is a few hundred rows of it at most)."""
    marks = calc.marks_on_roll(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end))
    rows = marks.annotate(week=TruncWeek("date")).values_list("week", "code", "counts").annotate(n=Count("pk"))
    weeks, codes = {}, {}
    for week, code, counts, n in rows.order_by():
        attended, possible = weeks.get(week, (0, 0))
        weeks[week] = (
            attended + (n if counts in ATTENDING else 0),
            possible + (n if counts in ATTENDING or counts in ABSENT else 0),
        )
        codes[code] = codes.get(code, 0) + n
    by_week = [(week, *weeks[week]) for week in sorted(weeks)]
    by_code = [{"code": code, "n": n} for code, n in sorted(codes.items(), key=lambda pair: (-pair[1], pair[0]))]
    return by_week, by_code


_SOURCES = {
    "alerts": presence.declare([(AttendanceAlert, "pupil")]),
    "part_time": presence.declare([(PartTimeTimetable, "pupil")]),
}


def weekly_chart(title, weeks):
    rows = [
        (week.strftime("%d %b"), float(calc.percent(attended, possible) or 0)) for week, attended, possible in weeks
    ]
    return charts.column_chart(
        title,
        rows,
        label_header="Week beginning",
        value_header="Attendance %",
        description="Attendance each week: present or attending approved education elsewhere, of possible sessions.",
    )


def panel(user, pupil, today=None):
    """The panel's context, or None when the user may not read attendance in the pupil's school."""
    if not may_view(user, pupil.school_id):
        return None
    today = today or datetime.date.today()
    start, end = calc.academic_year(pupil.school, today)
    last_start, last_end = calc.academic_year(pupil.school, start - datetime.timedelta(days=1))
    years = calc.pupil_totals_in(pupil, {"this": (start, min(end, today)), "last": (last_start, last_end)})
    this_year, last_year = years["this"], years["last"]
    by_week, by_code = _weeks_and_codes(pupil, start, today)
    # Open alerts and part-time timetables are rare: read only when the request's presence check found any.
    found = presence.present(pupil, _SOURCES)
    alerts = AttendanceAlert.objects.filter(pupil=pupil, done_at__isnull=True)
    if "alerts" not in found:
        alerts = alerts.none()
    if not access.has_school_perm(user, pupil.school_id, "pastoral.view_safeguarding_flags"):
        # Saying a pupil has a social worker is for readers of the safeguarding flags only.
        alerts = alerts.exclude(kind=AttendanceAlert.Kind.SOCIAL_WORKER)
    return {
        "today": today,
        "can_manage": access.has_school_perm(user, pupil.school_id, MANAGE),
        "part_time": list(PartTimeTimetable.objects.filter(pupil=pupil, end__gte=today).order_by("start"))
        if "part_time" in found
        else [],
        "alerts": [alert.get_kind_display() for alert in alerts],
        "years": [
            (f"This year ({start:%Y}/{end:%y})", this_year),
            (f"Last year ({last_start:%Y}/{last_end:%y})", last_year),
        ],
        "chart": weekly_chart("Attendance by week this year", by_week),
        "by_code": by_code,
        "flags": flags(this_year),
    }


def flags(totals):
    out = []
    if totals.severe:
        out.append("Severe absence (50% or more of possible sessions this year)")
    elif totals.persistent:
        out.append("Persistent absence (10% or more of possible sessions this year)")
    return out
