"""The statutory attendance triggers (statutory rules §7.1 and §7.3), checked in the database each day.

* 10 school days in a row of unauthorised absence: tell the LA.
* 15 school days absent (authorised or not) in a row, or 30 absent sessions in total this academic year (s19).
* 10 or more unauthorised sessions (G, N, O, U) in the rolling window of the last 10 school weeks: consider a
  penalty notice.
* `N` marks older than ATTENDANCE_N_CODE_SCHOOL_DAYS school days: the reason must be established.
* An unexplained absence (N or O) today of a pupil with a social worker: the DSL is told the same day.

"In a row" runs over the school's school days (pastoral/calendar/school_days.py), so weekends, holidays and
closures neither break nor extend a run. A day counts towards a run when it has a mark of that kind and no
session attended (or, for unauthorised runs, authorised). Each pupil is checked in one grouped query per trigger.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone

from .. import audit, outbox
from ..calendar.school_days import SchoolCalendar
from ..models import Professional, Pupil, School
from ..selectors import on_roll
from . import calculations as calc
from .models import ABSENT, ATTENDING, AttendanceAlert, AttendanceMark, Counts

Kind = AttendanceAlert.Kind
RUN_UNAUTHORISED_DAYS = 10
RUN_ABSENT_DAYS = 15
TOTAL_ABSENT_SESSIONS = 30
PENALTY_SESSIONS = 10
PENALTY_WEEKS = 10
UNEXPLAINED = ("N", "O")


def calendar_for(school):
    return SchoolCalendar.dates_for_school(school, weekdays_without_terms=True)


def last_school_days(calendar, end, count):
    """The `count` school days up to and including `end`, newest first (fewer if the calendar runs out)."""
    days = []
    day = end if calendar.is_school_day(end) else calendar.previous_school_day(end)
    while day is not None and len(days) < count:
        days.append(day)
        day = calendar.previous_school_day(day)
    return days


def penalty_window(calendar, end):
    """(first, last) day of the last 10 school weeks up to `end`: weeks with at least one school day."""
    weeks = []
    day = end if calendar.is_school_day(end) else calendar.previous_school_day(end)
    while day is not None and len(weeks) < PENALTY_WEEKS:
        monday = calc.week_start(day)
        if not weeks or weeks[-1] != monday:
            weeks.append(monday)
        day = calendar.previous_school_day(monday)
    if not weeks:
        return None
    return weeks[-1], end


def _run(pupils, days, counts, breaking):
    """Pupils with a `counts` mark on every one of `days` and no `breaking` mark on any of them."""
    pupils = pupils.annotate(run=FilteredRelation("attendance_marks", condition=Q(attendance_marks__date__in=days)))
    return pupils.annotate(
        run_days=Count("run__date", distinct=True, filter=Q(run__counts__in=counts)),
        run_breaks=Count("run__pk", filter=Q(run__counts__in=breaking)),
    ).filter(run_days=len(days), run_breaks=0)


def ten_days_unauthorised(pupils, calendar, end):
    days = last_school_days(calendar, end, RUN_UNAUTHORISED_DAYS)
    if len(days) < RUN_UNAUTHORISED_DAYS:
        return pupils.none()
    return _run(pupils, days, [Counts.UNAUTHORISED], [*ATTENDING, Counts.AUTHORISED])


def fifteen_days_absent(pupils, school, calendar, end):
    """Absent on each of the last 15 school days, or 30 or more absent sessions this academic year."""
    ids = set()
    days = last_school_days(calendar, end, RUN_ABSENT_DAYS)
    if len(days) == RUN_ABSENT_DAYS:
        ids |= set(_run(pupils, days, ABSENT, ATTENDING).values_list("pk", flat=True))
    start, _ = calc.academic_year(school, end)
    totals = calc.with_totals(pupils, start, end).filter(absent__gte=TOTAL_ABSENT_SESSIONS)
    ids |= set(totals.values_list("pk", flat=True))
    return pupils.filter(pk__in=ids)


def penalty_notice(pupils, calendar, end):
    window = penalty_window(calendar, end)
    if window is None:
        return pupils.none()
    first, last = window
    return calc.with_totals(pupils, first, last).filter(unauthorised__gte=PENALTY_SESSIONS)


def n_cutoff(calendar, today):
    """Marks of N dated before this day are overdue."""
    days = last_school_days(calendar, today, settings.ATTENDANCE_N_CODE_SCHOOL_DAYS + 1)
    return days[-1] if days else today


def overdue_n_marks(marks, calendar, today):
    return marks.filter(code="N", date__lt=n_cutoff(calendar, today))


def with_social_worker(pupils, day):
    """Pupils with a social worker on their record on `day` (or flagged CIN, CP or looked after)."""
    workers = Professional.objects.filter(kind=Professional.Kind.SOCIAL_WORKER).filter(
        Q(involved_until__isnull=True) | Q(involved_until__gte=day)
    )
    return pupils.filter(
        Q(pk__in=workers.values("pupil_id"))
        | Q(child_in_need=True)
        | Q(child_protection_plan=True)
        | Q(looked_after=True)
    )


def unexplained_today(pupils, day):
    """Pupils with a social worker and an N or O mark on `day`."""
    marked = AttendanceMark.objects.filter(date=day, code__in=UNEXPLAINED).values("pupil_id")
    return with_social_worker(pupils, day).filter(pk__in=marked)


def raise_alerts(school, today=None):
    """Check every trigger for the school's pupils on roll and open an alert for each new one.

    Returns {kind: number newly raised}. Idempotent: an open alert of the same kind is not raised again.
    """
    today = today or timezone.localdate()
    calendar = calendar_for(school)
    latest = (
        AttendanceMark.objects.filter(school=school, date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    pupils = on_roll(Pupil.objects.filter(school=school), today)
    found = {}
    if latest is not None:
        found[Kind.TEN_DAYS_UNAUTHORISED] = ten_days_unauthorised(pupils, calendar, latest)
        found[Kind.FIFTEEN_DAYS] = fifteen_days_absent(pupils, school, calendar, latest)
        found[Kind.PENALTY] = penalty_notice(pupils, calendar, latest)
        overdue = overdue_n_marks(AttendanceMark.objects.filter(school=school), calendar, today)
        found[Kind.N_OVERDUE] = pupils.filter(pk__in=overdue.values("pupil_id"))
        found[Kind.SOCIAL_WORKER] = unexplained_today(pupils, today)
    raised = {}
    with transaction.atomic():
        for kind, rows in found.items():
            already = AttendanceAlert.objects.filter(school=school, kind=kind, done_at__isnull=True)
            open_ids = set(already.values_list("pupil_id", flat=True))
            new_ids = [pk for pk in rows.values_list("pk", flat=True) if pk not in open_ids]
            AttendanceAlert.objects.bulk_create(
                [AttendanceAlert(school=school, pupil_id=pk, kind=kind, raised_on=today) for pk in new_ids],
                ignore_conflicts=True,
            )
            raised[kind] = len(new_ids)
        # The DSL team hears the same day, once per alert (the queued task's key is the alert).
        told = AttendanceAlert.objects.filter(school=school, kind=Kind.SOCIAL_WORKER, raised_on=today)
        for alert_id in told.values_list("pk", flat=True):
            outbox.enqueue("pastoral.tasks.attendance_social_worker_task", alert_id, key=f"attendance-sw:{alert_id}")
    return raised


def alert_done(*, actor, alert, note):
    with transaction.atomic():
        alert.done_at = timezone.now()
        alert.done_by = actor
        alert.done_note = note
        alert.full_clean()
        alert.save(update_fields=["done_at", "done_by", "done_note"])
        audit.record("pastoral.attendance.alert_done", actor=actor, obj=alert, pupil=alert.pupil, school=alert.school)
    return alert


def schools_to_check():
    return School.objects.values_list("pk", flat=True)
