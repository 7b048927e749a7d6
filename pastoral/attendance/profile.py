"""The attendance panel on the pupil profile: this year and last, a weekly chart, marks by code, the flags."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from ..accounts import access
from ..files import charts
from . import calculations as calc
from .models import ABSENT, ATTENDING, AttendanceAlert, AttendanceMark, PartTimeTimetable
from .permissions import MANAGE
from .selectors import may_view


def _weekly(pupil, start, end):
    """(week beginning, attended, possible) per week, grouped in the database."""
    marks = calc.marks_on_roll(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end))
    return list(
        marks.annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(
            attended=Count("pk", filter=Q(counts__in=ATTENDING)),
            possible=Count("pk", filter=Q(counts__in=(*ATTENDING, *ABSENT))),
        )
        .order_by("week")
        .values_list("week", "attended", "possible")
    )


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
    by_code = list(
        calc.marks_on_roll(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=today))
        .values("code")
        .annotate(n=Count("pk"))
        .order_by("-n", "code")
    )
    alerts = AttendanceAlert.objects.filter(pupil=pupil, done_at__isnull=True)
    if not access.has_school_perm(user, pupil.school_id, "pastoral.view_safeguarding_flags"):
        # Saying a pupil has a social worker is for readers of the safeguarding flags only.
        alerts = alerts.exclude(kind=AttendanceAlert.Kind.SOCIAL_WORKER)
    return {
        "today": today,
        "can_manage": access.has_school_perm(user, pupil.school_id, MANAGE),
        "part_time": list(PartTimeTimetable.objects.filter(pupil=pupil, end__gte=today).order_by("start")),
        "alerts": [alert.get_kind_display() for alert in alerts],
        "years": [
            (f"This year ({start:%Y}/{end:%y})", this_year),
            (f"Last year ({last_start:%Y}/{last_end:%y})", last_year),
        ],
        "chart": weekly_chart("Attendance by week this year", _weekly(pupil, start, today)),
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
