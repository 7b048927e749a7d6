"""Attendance trends, with negative behaviour beside it; the CSV; the termly report and the Monday email."""

import datetime

from django.urls import reverse

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from pastoral.attendance import series
from pastoral.files import weekly_trend
from pastoral.models import AuditEntry, Pupil
from pastoral.tests.attendance_helpers import (
    add_marks,
    attendance_codes,  # noqa: F401
)
from pastoral.tests.export_helpers import export_csv
from pastoral.tests.factories import PupilFactory
from pastoral.tests.termly_helpers import termly_pdf

TODAY = datetime.date.today()
FOUR_WEEKS_AGO = TODAY - datetime.timedelta(weeks=4)


def _start():
    return FOUR_WEEKS_AGO - datetime.timedelta(days=FOUR_WEEKS_AGO.weekday())


def test_the_trends_page_shows_weekly_day_and_year_charts_and_behaviour_beside_attendance(
    school, pastoral_lead, teacher, as_user
):
    pupil = PupilFactory(school=school, year_group=9)
    add_marks(pupil, ["/"] * 16 + ["O"] * 4, start=_start())
    category = BehaviourCategoryFactory(school=school, kind="negative")
    BehaviourEventFactory(pupil=pupil, category=category, recorded_by=teacher)

    response = as_user(pastoral_lead).get(reverse("pastoral:attendance_trends"))
    body = response.content.decode()

    assert response.status_code == 200
    for title in ("Attendance by week", "Attendance by day and session", "Attendance by year group"):
        assert title in body
    assert "Attendance and negative behaviour by week" in body
    assert "Negative behaviour events" in body


def test_the_behaviour_series_counts_negative_events_per_week_for_staff_who_see_behaviour(
    school, pupil, pastoral_lead, teacher, it_admin
):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    BehaviourEventFactory(pupil=pupil, category=category, recorded_by=teacher)
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    weeks = [(monday - datetime.timedelta(weeks=1), monday), (monday, monday + datetime.timedelta(weeks=1))]
    pupils = Pupil.objects.filter(school=school)

    assert "behaviour_negative" in series.providers()
    assert series.series_for(pastoral_lead, school, pupils, weeks) == [("Negative behaviour events", [0, 1])]
    assert series.series_for(it_admin, school, pupils, weeks) == []


def test_the_trends_page_for_one_pupil(school, pupil, pastoral_lead, as_user):
    add_marks(pupil, ["/"] * 10, start=_start())
    other = PupilFactory(school=school)
    add_marks(other, ["O"] * 10, start=_start())

    response = as_user(pastoral_lead).get(reverse("pastoral:attendance_trends"), {"pupil": str(pupil.code)})

    assert response.status_code == 200
    weeks = response.context["charts"]["weeks"]
    assert sum(possible for _w, _a, possible in weeks) == 10
    assert sum(attended for _w, attended, _p in weeks) == 10


def test_the_attendance_csv_has_each_pupils_figures_with_the_filters(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    start = datetime.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
    persistent = PupilFactory(school=school, year_group=8, legal_last_name="Absent")
    PupilFactory(school=school, year_group=7)
    add_marks(persistent, ["/"] * 8 + ["O"] * 2, start=start + datetime.timedelta(days=7))
    client = as_user(pastoral_lead)

    rows = export_csv(
        client, django_capture_on_commit_callbacks, pastoral_lead, "pastoral.attendance_csv", "year_group=8"
    )

    assert rows[0][:3] == ["UPN", "Surname", "Forename"]
    assert len(rows) == 2
    assert rows[1][1] == "Absent" and rows[1][5:] == ["10", "8", "0", "2", "80.0", "20.0", "Y", "N"]
    assert AuditEntry.objects.filter(action="pastoral.attendance.exported").exists()


def test_the_termly_report_has_an_attendance_section(school, headteacher):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["/"] * 18 + ["I"] * 2, start=_start())

    _file, text = termly_pdf(
        headteacher, school, {"start": (_start() - datetime.timedelta(days=7)).isoformat(), "end": TODAY.isoformat()}
    )

    assert "Attendance" in text
    assert "Persistent absentees (10% or more)" in text


def test_the_weekly_trend_email_has_an_attendance_line(school, pastoral_lead):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["/"] * 60, start=TODAY - datetime.timedelta(weeks=6))

    trend = weekly_trend.build(pastoral_lead, school, TODAY)

    line = next(t for t in trend.trends if t.label == "Attendance %")
    assert line.this_week == 100.0
    assert ("Attendance alerts open", 0, reverse("pastoral:attendance_alerts")) in trend.outstanding
    assert Pupil.objects.count() == 1
