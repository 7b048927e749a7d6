"""The statutory attendance triggers, raised once each as alerts, and the same-day email to the DSL team."""

import datetime

import pytest
from django.urls import reverse

from pastoral.attendance import alerts
from pastoral.attendance.models import AttendanceAlert
from pastoral.models import AcademicYear, AuditEntry, Professional, SchoolClosure, Term
from pastoral.tests.attendance_helpers import (
    add_marks,
    attendance_codes,  # noqa: F401
    school_days,
)
from pastoral.tests.factories import PupilFactory

START = datetime.date(2025, 9, 1)  # a Monday
MARKS_FROM = datetime.date(2025, 9, 8)  # where add_marks starts by default
Kind = AttendanceAlert.Kind


def _kinds(pupil):
    return set(AttendanceAlert.objects.filter(pupil=pupil).values_list("kind", flat=True))


def _last_day(sessions):
    return school_days(MARKS_FROM, (sessions + 1) // 2)[-1]


def test_ten_school_days_in_a_row_unauthorised_raises_an_alert_and_nine_do_not(school):
    ten = PupilFactory(school=school)
    nine = PupilFactory(school=school)
    add_marks(ten, ["/"] * 10 + ["O"] * 20)
    add_marks(nine, ["/"] * 12 + ["O"] * 18)

    alerts.raise_alerts(school, today=_last_day(30))

    assert Kind.TEN_DAYS_UNAUTHORISED in _kinds(ten)
    assert Kind.TEN_DAYS_UNAUTHORISED not in _kinds(nine)


def test_a_half_term_holiday_does_not_break_a_run(school):
    year = AcademicYear.objects.create(school=school, name="2025/26", start=START, end=datetime.date(2026, 8, 31))
    Term.objects.create(academic_year=year, name="Autumn", start=START, end=datetime.date(2025, 12, 19))
    # Half term over the second week: the marks below skip it as the register would.
    SchoolClosure.objects.create(
        school=school,
        kind="half_term",
        name="Half term",
        start=datetime.date(2025, 9, 8),
        end=datetime.date(2025, 9, 12),
    )
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["G"] * 10, start=START)  # week 1
    add_marks(pupil, ["G"] * 10, start=datetime.date(2025, 9, 15))  # week 3

    alerts.raise_alerts(school, today=datetime.date(2025, 9, 19))

    assert Kind.TEN_DAYS_UNAUTHORISED in _kinds(pupil)


def test_fifteen_days_absent_in_total_is_an_s19_alert(school):
    total = PupilFactory(school=school)
    under = PupilFactory(school=school)
    add_marks(total, (["I", "/"] * 30) + ["/"] * 10)  # 30 absent sessions, spread out
    add_marks(under, (["I", "/"] * 29) + ["/"] * 12)

    alerts.raise_alerts(school, today=_last_day(70))

    assert _kinds(total) == {Kind.FIFTEEN_DAYS}
    assert _kinds(under) == set()


def test_the_penalty_trigger_counts_unauthorised_sessions_in_the_last_ten_school_weeks(school):
    inside = PupilFactory(school=school)
    outside = PupilFactory(school=school)
    nine = PupilFactory(school=school)
    # 11 weeks of marks (110 sessions); 10 unauthorised sessions in week 2 (inside) or week 1 (outside the window).
    add_marks(inside, ["/"] * 10 + ["G"] * 10 + ["/"] * 90)
    add_marks(outside, ["G"] * 10 + ["/"] * 100)
    add_marks(nine, ["/"] * 10 + ["U"] * 9 + ["/"] * 91)
    end = _last_day(110)

    assert alerts.penalty_window(alerts.calendar_for(school), end) == (datetime.date(2025, 9, 15), end)
    alerts.raise_alerts(school, today=end)

    assert _kinds(inside) == {Kind.PENALTY}
    assert _kinds(outside) == set()
    assert _kinds(nine) == set()


def test_n_marks_older_than_the_limit_are_flagged(school, settings):
    settings.ATTENDANCE_N_CODE_SCHOOL_DAYS = 5
    old = PupilFactory(school=school)
    recent = PupilFactory(school=school)
    add_marks(old, ["N"] + ["/"] * 13)  # N on day 1 of 7
    add_marks(recent, ["/"] * 4 + ["N"] + ["/"] * 9)  # N on day 3

    alerts.raise_alerts(school, today=_last_day(14))

    assert _kinds(old) == {Kind.N_OVERDUE}
    assert _kinds(recent) == set()


def test_alerts_are_raised_once_until_done(school, pastoral_lead, as_user):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["O"] * 20)
    today = _last_day(20)

    first = alerts.raise_alerts(school, today=today)
    second = alerts.raise_alerts(school, today=today + datetime.timedelta(days=1))

    assert first[Kind.TEN_DAYS_UNAUTHORISED] == 1 and second[Kind.TEN_DAYS_UNAUTHORISED] == 0
    alert = AttendanceAlert.objects.get(kind=Kind.TEN_DAYS_UNAUTHORISED)
    client = as_user(pastoral_lead)
    assert "Attendance alerts" in client.get(reverse("pastoral:home")).content.decode()
    page = client.get(reverse("pastoral:attendance_alerts"))
    assert pupil.display_name in page.content.decode()

    response = client.post(reverse("pastoral:attendance_alert_done", args=[alert.code]), {"note": "LA told by phone"})

    alert.refresh_from_db()
    assert response.status_code == 302
    assert (alert.done_by, alert.done_note) == (pastoral_lead, "LA told by phone")
    assert AuditEntry.objects.filter(action="pastoral.attendance.alert_done", pupil=pupil).exists()


@pytest.mark.django_db(transaction=False)
def test_unexplained_absence_of_a_pupil_with_a_social_worker_emails_the_dsl_the_same_day(
    school, dsl, pastoral_staff, mailoutbox, django_capture_on_commit_callbacks
):
    worker = PupilFactory(school=school)
    Professional.objects.create(pupil=worker, kind="social_worker", name="Sam Social")
    other = PupilFactory(school=school)
    # Marks fall on school days: "today" is the first weekday from the real date, so a run on a weekend tests one.
    today = add_marks(worker, ["N"], start=datetime.date.today())[0].date
    add_marks(other, ["N"], start=today)

    with django_capture_on_commit_callbacks(execute=True):
        alerts.raise_alerts(school, today=today)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.raise_alerts(school, today=today)

    assert _kinds(worker) >= {Kind.SOCIAL_WORKER}
    assert Kind.SOCIAL_WORKER not in _kinds(other)
    assert [message.to for message in mailoutbox] == [[dsl.email]]
    assert worker.legal_first_name not in mailoutbox[0].body
    assert "/attendance/alerts/" in mailoutbox[0].body


def test_other_schools_alerts_are_404_and_teachers_403(school, teacher, other_school_dsl, as_user):
    pupil = PupilFactory(school=school)
    alert = AttendanceAlert.objects.create(school=school, pupil=pupil, kind=Kind.PENALTY, raised_on=START)
    url = reverse("pastoral:attendance_alert_done", args=[alert.code])

    assert as_user(other_school_dsl).post(url, {"note": "x"}).status_code == 404
    assert as_user(teacher).post(url, {"note": "x"}).status_code == 403
    assert as_user(teacher).get(url).status_code == 405
