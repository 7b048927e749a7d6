"""Scheduled reports: when each is next due, and the claim that stops two beat runs sending one twice.

Weekly reports go out on Monday morning for the week before. Half-termly and
termly reports follow the school's own calendar (Term rows): they go out
REPORT_DELAY_DAYS after a term ends, and half-termly ones also after the
half-term break: the half-term holiday recorded as a closure inside the term
(the period ends on the last school day before it), or, when none is recorded,
the Friday on or before the middle of the term. A school with no term dates yet
falls back to every 7 weeks (half-termly) or 13 weeks (termly), so a report is
never silently stopped.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from pastoral.dates import uk_datetime

from ..accounts import access
from ..calendar.school_days import CalendarError, SchoolCalendar
from ..models import ScheduledReport
from . import exports

log = logging.getLogger(__name__)

REPORT_DELAY_DAYS = 3
SEND_HOUR = 7
FALLBACK_WEEKS = {ScheduledReport.Frequency.HALF_TERMLY: 7, ScheduledReport.Frequency.TERMLY: 13}
BATCH = 50


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(SEND_HOUR, 0)))


def _friday_on_or_before(day):
    return day - datetime.timedelta(days=(day.weekday() - 4) % 7)


def calendar_periods(school, frequency):
    """[(start, end)] periods of the school's calendar a report covers, in date order."""
    calendar = SchoolCalendar.dates_for_school(school)
    periods = []
    for term in calendar.terms:
        if frequency == ScheduledReport.Frequency.HALF_TERMLY:
            half_term = calendar.half_term_of(term)
            if half_term is not None:
                before = calendar.previous_school_day(half_term.start) or term.start
                try:
                    after = min(calendar.next_school_day(half_term.end), term.end)
                except CalendarError:
                    after = term.end
                periods += [(term.start, before), (after, term.end)]
                continue
            middle = _friday_on_or_before(term.start + (term.end - term.start) / 2)
            if term.start < middle < term.end:
                periods += [(term.start, middle), (middle + datetime.timedelta(days=3), term.end)]
                continue
        periods.append((term.start, term.end))
    return periods


def next_occasion(school, frequency, after):
    """(run_at, period_start, period_end) of the first run strictly after `after`."""
    today = timezone.localtime(after).date()
    if frequency == ScheduledReport.Frequency.WEEKLY:
        monday = today - datetime.timedelta(days=today.weekday())
        run_day = monday if _at(monday) > after else monday + datetime.timedelta(days=7)
        return _at(run_day), run_day - datetime.timedelta(days=7), run_day - datetime.timedelta(days=1)
    for start, end in calendar_periods(school, frequency):
        run_at = _at(end + datetime.timedelta(days=REPORT_DELAY_DAYS))
        if run_at > after:
            return run_at, start, end
    weeks = FALLBACK_WEEKS[ScheduledReport.Frequency(frequency)]
    run_day = today + datetime.timedelta(weeks=weeks)
    return _at(run_day), run_day - datetime.timedelta(weeks=weeks), run_day - datetime.timedelta(days=1)


def schedule(report, after=None):
    """Set the report's next run (not saved)."""
    run_at, start, end = next_occasion(report.school, report.frequency, after or timezone.now())
    report.next_run_at, report.period_start, report.period_end = run_at, start, end
    return report


def create_schedule(*, actor, recipient, school, kind_name, frequency, parameters=None):
    from django.core.exceptions import PermissionDenied

    from .. import audit

    kind = exports.get_kind(kind_name)
    if not exports.may_have(recipient, kind, school) or not exports.may_have(actor, kind, school):
        raise PermissionDenied
    with transaction.atomic():
        report = schedule(
            ScheduledReport(
                recipient=recipient,
                school=school,
                kind=kind_name,
                frequency=frequency,
                parameters=parameters or {},
                created_by=actor,
            )
        )
        report.save()
        audit.record(
            "pastoral.scheduled_report.created",
            actor=actor,
            obj=report,
            school=school,
            data={"kind": kind_name, "frequency": frequency, "recipient": recipient.get_username()},
        )
    return report


@transaction.atomic
def stop_schedule(*, actor, report):
    from .. import audit

    locked = ScheduledReport.objects.select_for_update().get(pk=report.pk)
    locked.active = False
    locked.save(update_fields=["active"])
    audit.record("pastoral.scheduled_report.stopped", actor=actor, obj=locked, school=locked.school)
    return locked


def run_due(now=None, limit=BATCH):
    """Claim up to `limit` due rows, advance them and queue their files, all in one transaction.

    select_for_update(skip_locked=True) lets two beat or worker processes run
    this at once: a row one of them holds is invisible to the other, and by the
    time the lock is released its next_run_at is in the future. The file is
    created in the same transaction that advances the row, so a run is never
    both lost and counted, nor sent twice. Returns [(report, generated file or None)].
    """
    now = now or timezone.now()
    results = []
    with transaction.atomic():
        due = list(
            ScheduledReport.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("school", "recipient")
            .filter(active=True, next_run_at__lte=now)
            .order_by("next_run_at")[:limit]
        )
        for report in due:
            period = (report.period_start, report.period_end)
            report.last_run_at = now
            schedule(report, after=now)
            generated_file, report.last_outcome = run_one(report, *period)
            report.save(update_fields=["last_run_at", "next_run_at", "period_start", "period_end", "last_outcome"])
            results.append((report, generated_file))
    return results


def run_one(report, period_start, period_end):
    """One run: re-check the recipient's rights, then queue a file for them (emailed when it is ready)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    recipient = report.recipient
    access.forget(recipient)
    kind = exports.get_kind(report.kind)
    if not recipient.is_active or not exports.may_have(recipient, kind, report.school):
        log.info("scheduled report %s skipped: recipient has no access", report.pk)
        return None, "Skipped: the recipient no longer has access to this report."
    parameters = dict(report.parameters)
    if period_start and period_end:
        parameters["period_start"] = period_start.isoformat()
        parameters["period_end"] = period_end.isoformat()
    try:
        generated_file = exports.request_export(
            actor=recipient,
            kind_name=report.kind,
            school=report.school,
            parameters=parameters,
            scheduled_report=report,
        )
    except (Http404, PermissionDenied):
        return None, "Skipped: the recipient can no longer see what this report covers."
    return generated_file, f"Queued on {uk_datetime(timezone.localtime())}."
