"""Scheduled reports: due dates from the school calendar, one claim per run, rights re-checked, a link by email."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from pastoral.files import exports, scheduled_reports
from pastoral.models import AcademicYear, AuditEntry, GeneratedFile, Membership, ScheduledReport, Term
from pastoral.tasks import run_scheduled_reports
from pastoral.tests.factories import SchoolFactory


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    """Each test's files in its own directory, removed with it."""
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def at(day, hour=7):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def build_summary(generated_file, user):
    parameters = generated_file.parameters
    rows = [[parameters.get("period_start", ""), parameters.get("period_end", "")]]
    return exports.Built("summary.csv", "text/csv", exports.csv_bytes(["From", "To"], rows))


@pytest.fixture(autouse=True)
def summary_kind():
    exports.register("tests.summary", label="Test summary", permission="pastoral.view_pupil", build=build_summary)
    yield
    exports._KINDS.pop("tests.summary", None)


@pytest.fixture
def autumn(school):
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    Term.objects.create(
        academic_year=year, name="Spring", start=datetime.date(2027, 1, 5), end=datetime.date(2027, 3, 26)
    )
    return year


def due_report(recipient, school, kind="tests.summary", frequency="weekly"):
    return ScheduledReport.objects.create(
        recipient=recipient,
        school=school,
        kind=kind,
        frequency=frequency,
        next_run_at=timezone.now() - datetime.timedelta(minutes=5),
        period_start=datetime.date(2026, 11, 9),
        period_end=datetime.date(2026, 11, 15),
    )


def test_weekly_reports_go_out_on_monday_morning_for_the_week_before(school):
    wednesday = at(datetime.date(2026, 11, 18), hour=10)
    run_at, start, end = scheduled_reports.next_occasion(school, "weekly", wednesday)
    assert (run_at, start, end) == (
        at(datetime.date(2026, 11, 23)),
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 22),
    )
    early_monday = at(datetime.date(2026, 11, 23), hour=6)
    assert scheduled_reports.next_occasion(school, "weekly", early_monday)[0] == at(datetime.date(2026, 11, 23))


def test_termly_and_half_termly_reports_follow_the_school_calendar(school, autumn):
    september = at(datetime.date(2026, 9, 10))
    # The half-term break is taken as the Friday on or before the middle of the term.
    assert scheduled_reports.next_occasion(school, "half_termly", september) == (
        at(datetime.date(2026, 10, 26)),
        datetime.date(2026, 9, 3),
        datetime.date(2026, 10, 23),
    )
    assert scheduled_reports.next_occasion(school, "half_termly", at(datetime.date(2026, 10, 26), 8)) == (
        at(datetime.date(2026, 12, 21)),
        datetime.date(2026, 10, 26),
        datetime.date(2026, 12, 18),
    )
    assert scheduled_reports.next_occasion(school, "termly", september) == (
        at(datetime.date(2026, 12, 21)),
        datetime.date(2026, 9, 3),
        datetime.date(2026, 12, 18),
    )
    assert scheduled_reports.next_occasion(school, "termly", at(datetime.date(2026, 12, 22)))[0] == at(
        datetime.date(2027, 3, 29)
    )


def test_a_school_without_term_dates_still_gets_its_reports(db):
    school = SchoolFactory()
    run_at, start, end = scheduled_reports.next_occasion(school, "termly", at(datetime.date(2026, 11, 18)))
    assert run_at == at(datetime.date(2027, 2, 17)) and (end - start).days == 90


def test_a_due_report_is_queued_for_its_recipient_and_emailed_as_a_link(
    dsl, pupil, school, django_capture_on_commit_callbacks
):
    report = due_report(dsl, school)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scheduled_reports.delay().get() == 1
    generated_file = GeneratedFile.objects.get(scheduled_report=report)
    assert (generated_file.owner, generated_file.school, generated_file.status) == (dsl, school, "done")
    assert generated_file.parameters == {"period_start": "2026-11-09", "period_end": "2026-11-15"}
    assert exports.read_stored(generated_file).decode().splitlines()[1] == "2026-11-09,2026-11-15"
    report.refresh_from_db()
    assert report.next_run_at > timezone.now() and report.last_run_at is not None
    assert report.last_outcome.startswith("Queued")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [dsl.email] and "Test summary" in message.body
    assert f"http://localhost:8000{reverse('pastoral:export_list')}" in message.body
    assert pupil.legal_last_name not in message.body and not message.attachments
    generated_file.refresh_from_db()
    assert generated_file.emailed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scheduled_reports.delay().get() == 0
    assert GeneratedFile.objects.count() == 1 and len(mail.outbox) == 1


def test_each_run_rechecks_the_recipients_rights(dsl, school, django_capture_on_commit_callbacks):
    report = due_report(dsl, school)
    Membership.objects.filter(user=dsl).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scheduled_reports.delay().get() == 0
    assert not GeneratedFile.objects.exists()
    report.refresh_from_db()
    assert report.last_outcome == "Skipped: the recipient no longer has access to this report."
    assert report.next_run_at > timezone.now()


def test_staff_schedule_a_report_for_themselves_and_stop_it(client, pastoral_lead, dsl, school, as_user):
    as_user(pastoral_lead)
    page = client.get(reverse("pastoral:export_list")).content.decode()
    assert 'value="behaviour.rewards_csv"' in page and 'value="pastoral.chronology_pdf"' not in page
    response = client.post(
        reverse("pastoral:schedule_create"), {"kind": "behaviour.rewards_csv", "frequency": "weekly"}
    )
    assert response.status_code == 302
    report = ScheduledReport.objects.get(recipient=pastoral_lead)
    assert (report.school, report.frequency, report.active) == (school, "weekly", True)
    assert report.next_run_at.weekday() == 0 and report.next_run_at > timezone.now()
    assert AuditEntry.objects.filter(action="pastoral.scheduled_report.created", actor=pastoral_lead).exists()
    refused = client.post(
        reverse("pastoral:schedule_create"), {"kind": "pastoral.chronology_pdf", "frequency": "weekly"}
    )
    assert refused.status_code == 403
    as_user(dsl)
    assert client.post(reverse("pastoral:schedule_stop", args=[report.code])).status_code == 404
    as_user(pastoral_lead)
    assert client.post(reverse("pastoral:schedule_stop", args=[report.code])).status_code == 302
    report.refresh_from_db()
    assert report.active is False


def _in_thread(target, results, *args):
    def run():
        try:
            results.append(target(*args))
        except Exception as exc:  # surfaced by the assertion in the test
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_row_held_by_one_claimer_is_skipped_by_another(dsl, school):
    report = due_report(dsl, school)
    claimed, release, results = threading.Event(), threading.Event(), []

    def first_claimer():
        with transaction.atomic():
            outcome = scheduled_reports.run_due()
            claimed.set()
            release.wait(timeout=30)  # keep the row locked while the other one runs
        return len(outcome)

    thread = _in_thread(first_claimer, results)
    assert claimed.wait(timeout=30)
    assert scheduled_reports.run_due() == []  # skip_locked: the held row is invisible, nothing waits
    release.set()
    thread.join(timeout=30)
    assert results == [1]
    assert scheduled_reports.run_due() == []  # and now it is no longer due
    assert GeneratedFile.objects.filter(scheduled_report=report).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_beat_runs_never_claim_a_row_twice(dsl, school):
    reports = [due_report(dsl, school) for _ in range(6)]
    barrier, results = threading.Barrier(2), []

    def claimer():
        barrier.wait(timeout=30)
        return [report.pk for report, _file in scheduled_reports.run_due(limit=4)]

    threads = [_in_thread(claimer, results) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(result, list) for result in results), results
    claimed = [pk for result in results for pk in result]
    assert sorted(claimed) == sorted(set(claimed))  # nobody claimed a row the other had
    leftover = scheduled_reports.run_due()
    assert sorted(claimed + [report.pk for report, _file in leftover]) == sorted(r.pk for r in reports)
    assert GeneratedFile.objects.filter(scheduled_report__in=reports).count() == 6


def test_the_demo_schedules_reports_for_the_pastoral_lead_and_head(db):
    from pastoral import demo

    demo.seed_demo()
    reports = ScheduledReport.objects.filter(school__name="Northfield Academy", active=True)
    assert sorted(reports.values_list("frequency", flat=True)) == ["termly", "weekly"]
    assert all(report.next_run_at > timezone.now() for report in reports)
    assert {report.recipient.username for report in reports} == {"pastorallead.northfield", "head.northfield"}


def test_an_administrator_schedules_a_report_for_someone_else(client, pastoral_lead, school):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import verified_client
    from pastoral.tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    verified_client(client, admin)
    form = client.get(reverse("admin:pastoral_scheduledreport_add")).content.decode()
    assert 'value="behaviour.rewards_csv"' in form and 'value="pastoral.chronology_pdf"' not in form
    data = {
        "recipient": pastoral_lead.pk,
        "school": school.pk,
        "kind": "behaviour.rewards_csv",
        "parameters": "{}",
        "frequency": "weekly",
        "active": "on",
        "created_at_0": "2026-11-23",
        "created_at_1": "09:00:00",
    }
    response = client.post(reverse("admin:pastoral_scheduledreport_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ScheduledReport.objects.get(recipient=pastoral_lead)
    assert report.next_run_at > timezone.now() and report.next_run_at.weekday() == 0


def test_half_termly_reports_use_the_recorded_half_term(school, autumn):
    from pastoral.models import SchoolClosure

    SchoolClosure.objects.create(
        school=school,
        kind=SchoolClosure.Kind.HALF_TERM,
        name="Autumn half term",
        start=datetime.date(2026, 10, 19),
        end=datetime.date(2026, 10, 30),
    )
    september = at(datetime.date(2026, 9, 10))
    # A fortnight's half term from Monday 19 October: the first half ends on Friday 16th.
    assert scheduled_reports.next_occasion(school, "half_termly", september) == (
        at(datetime.date(2026, 10, 19)),
        datetime.date(2026, 9, 3),
        datetime.date(2026, 10, 16),
    )
    assert scheduled_reports.next_occasion(school, "half_termly", at(datetime.date(2026, 10, 19), 8)) == (
        at(datetime.date(2026, 12, 21)),
        datetime.date(2026, 11, 2),
        datetime.date(2026, 12, 18),
    )
    # Spring has no recorded half term: the guess (the Friday before the middle) still applies.
    periods = scheduled_reports.calendar_periods(school, "half_termly")
    assert periods[2][0] == datetime.date(2027, 1, 5) and periods[2][1].weekday() == 4
