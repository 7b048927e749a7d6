"""The DfE attendance calculations (statutory rules §7.3), done by the database.

* Possible sessions: every mark while the pupil is on roll, less the not-counted codes.
* Attendance %: (present + attending approved education elsewhere) / possible × 100.
* Overall absence %: (authorised + unauthorised) / possible × 100.
* Persistent absence: absence ≥ 10 % of possible sessions; severe: ≥ 50 %. Both inclusive, compared in whole
  numbers (absent × 10 ≥ possible) so 18 of 180 is exactly the threshold and no rounding moves a pupil across it.

Everything here returns querysets or one aggregate: a school's pupils are counted in one grouped query, never in a
Python loop over pupils.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, ExpressionWrapper, F, FilteredRelation, FloatField, Q, Value
from django.db.models.functions import Cast, NullIf

from .. import request_cache
from ..models import AcademicYear
from .models import ABSENT, ATTENDING, AttendanceMark, Counts

PERSISTENT_PERCENT = 10
SEVERE_PERCENT = 50

FIELDS = ("possible", "attended", "authorised", "unauthorised", "absent")


def _counts(prefix="", extra=None):
    """The five counts as filtered aggregates over marks reached through `prefix`."""

    extra = extra if extra is not None else Q()

    def within(*counts):
        return Count("pk" if not prefix else f"{prefix}pk", filter=extra & Q(**{f"{prefix}counts__in": counts}))

    return {
        "possible": within(*ATTENDING, *ABSENT),
        "attended": within(*ATTENDING),
        "authorised": within(Counts.AUTHORISED),
        "unauthorised": within(Counts.UNAUTHORISED),
        "absent": within(*ABSENT),
    }


@dataclass(frozen=True)
class Totals:
    possible: int = 0
    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    absent: int = 0

    @property
    def attendance_rate(self):
        return percent(self.attended, self.possible)

    @property
    def absence_rate(self):
        return percent(self.absent, self.possible)

    @property
    def persistent(self):
        return is_persistent(self.absent, self.possible)

    @property
    def severe(self):
        return is_severe(self.absent, self.possible)


def percent(part, whole):
    """A percentage to one decimal place, rounded half up as the DfE tables show it; None with no sessions."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def is_persistent(absent, possible):
    return bool(possible) and absent * 100 >= possible * PERSISTENT_PERCENT


def is_severe(absent, possible):
    return bool(possible) and absent * 100 >= possible * SEVERE_PERCENT


def marks_on_roll(marks):
    """Marks made while their pupil was on roll."""
    return marks.filter(
        (Q(pupil__admission_date__isnull=True) | Q(date__gte=F("pupil__admission_date")))
        & (Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date")))
    )


def totals(marks):
    """One aggregate over the given marks (already limited to a pupil, group or range)."""
    row = marks_on_roll(marks).aggregate(**_counts())
    return Totals(**row)


def pupil_totals(pupil, start, end):
    return totals(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end))


def pupil_totals_in(pupil, ranges):
    """{name: Totals} for each (start, end) of `ranges`, in one aggregate over the pupil's marks."""
    first = min(start for start, _end in ranges.values())
    last = max(end for _start, end in ranges.values())
    marks = marks_on_roll(AttendanceMark.objects.filter(pupil=pupil, date__gte=first, date__lte=last))
    counts = {}
    for name, (start, end) in ranges.items():
        within = _counts(extra=Q(date__gte=start, date__lte=end))
        counts.update({f"{name}__{field}": value for field, value in within.items()})
    row = marks.aggregate(**counts)
    return {name: Totals(**{field: row[f"{name}__{field}"] for field in FIELDS}) for name in ranges}


def with_totals(pupils, start, end, *, prefix="", extra=None, also=None):
    """Pupils annotated with `<prefix>possible`, `<prefix>attended`, ... for marks from `start` to `end`.

    The date range sits in the join, so each pupil's marks come from the (pupil, date) index and a school's
    pupils are counted in one grouped query. Call it again with another prefix and range to compare periods.
    """
    relation = f"{prefix}marks"
    pupils = pupils.annotate(
        **{relation: FilteredRelation("attendance_marks", condition=Q(attendance_marks__date__range=(start, end)))}
    )
    on_roll = (Q(admission_date__isnull=True) | Q(**{f"{relation}__date__gte": F("admission_date")})) & (
        Q(leaving_date__isnull=True) | Q(**{f"{relation}__date__lte": F("leaving_date")})
    )
    counts = _counts(f"{relation}__", on_roll & extra if extra is not None else on_roll)
    # Further periods inside the range, counted over the same join: {"recent_": (from, to)}.
    for other, (first, last) in (also or {}).items():
        period = Q(**{f"{relation}__date__gte": first, f"{relation}__date__lte": last})
        counts.update({f"{other}{name}": value for name, value in _counts(f"{relation}__", on_roll & period).items()})
    return pupils.annotate(
        **{(name if name not in FIELDS else f"{prefix}{name}"): value for name, value in counts.items()}
    )


def rate_expression(part, whole):
    """part / whole × 100 as a float column (None with no possible sessions), for ordering and display."""
    return ExpressionWrapper(
        Cast(F(part), FloatField()) * Value(100.0) / NullIf(Cast(F(whole), FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def persistent_q(prefix="", percent_=PERSISTENT_PERCENT):
    """absent × 100 ≥ possible × threshold, with at least one possible session."""
    return Q(**{f"{prefix}possible__gt": 0}) & Q(**{f"{prefix}absent_x100__gte": F(f"{prefix}possible") * percent_})


def with_threshold_fields(pupils, prefix=""):
    """Adds `<prefix>absent_x100` (absent × 100) and the two rates, for the threshold filters and the lists."""
    return pupils.annotate(
        **{
            f"{prefix}absent_x100": F(f"{prefix}absent") * 100,
            f"{prefix}absence_rate": rate_expression(f"{prefix}absent", f"{prefix}possible"),
            f"{prefix}attendance_rate": rate_expression(f"{prefix}attended", f"{prefix}possible"),
        }
    )


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def academic_year(school, day):
    """(first, last) day of the school's academic year holding `day`; 1 Sept to 31 Aug when none is recorded."""
    school_id = getattr(school, "pk", school)
    # The profile asks for this year and last, and its header for this year again: one read per request.
    years = request_cache.remember(
        ("calendar", "years", school_id),
        lambda: list(AcademicYear.objects.filter(school_id=school_id).order_by("start").values_list("start", "end")),
    )
    year = next(((start, end) for start, end in years if start <= day <= end), None)
    if year:
        return year
    first_year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(first_year, 9, 1), datetime.date(first_year + 1, 8, 31)
