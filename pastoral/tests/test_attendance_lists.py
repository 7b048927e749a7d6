"""The attendance officer's lists and the profile panel: right pupils, filters, and a fixed number of queries."""

import datetime

from django.urls import reverse

from pastoral.attendance import absentees
from pastoral.models import AcademicYear, Pupil
from pastoral.tests.attendance_helpers import (
    add_marks,
    attendance_codes,  # noqa: F401
)
from pastoral.tests.factories import PupilFactory

TODAY = datetime.date(2025, 12, 5)  # a Friday
YEAR_START = datetime.date(2025, 9, 1)


def _ids(kind, school, today=TODAY):
    return [p.pk for p in absentees.listed(kind, Pupil.objects.filter(school=school), school, today)]


def test_persistent_and_severe_lists(school):
    AcademicYear.objects.create(school=school, name="2025/26", start=YEAR_START, end=datetime.date(2026, 8, 31))
    fine = PupilFactory(school=school)
    persistent = PupilFactory(school=school)
    severe = PupilFactory(school=school)
    add_marks(fine, ["/"] * 95 + ["I"] * 5, start=YEAR_START)
    add_marks(persistent, ["/"] * 80 + ["I"] * 20, start=YEAR_START)
    add_marks(severe, ["/"] * 40 + ["O"] * 60, start=YEAR_START)

    assert _ids("persistent", school) == [severe.pk, persistent.pk]
    assert _ids("severe", school) == [severe.pk]
    assert absentees.threshold_counts(Pupil.objects.filter(school=school), school, TODAY) == {
        "persistent": 2,
        "severe": 1,
    }


def test_crossing_this_week_lists_only_pupils_who_were_under_at_the_end_of_last_week(school):
    steady = PupilFactory(school=school)
    crossed = PupilFactory(school=school)
    # 1 Sept to 28 Nov: 13 weeks, 130 sessions. Then this week (1-5 Dec): 10 sessions.
    add_marks(steady, ["O"] * 20 + ["/"] * 110 + ["/"] * 10, start=YEAR_START)
    add_marks(crossed, ["I"] * 8 + ["/"] * 122 + ["O"] * 10, start=YEAR_START)

    assert _ids("crossing", school) == [crossed.pk]
    assert set(_ids("persistent", school)) == {steady.pk, crossed.pk}


def test_falling_lists_the_largest_fall_in_the_last_four_weeks_first(school):
    small = PupilFactory(school=school)
    large = PupilFactory(school=school)
    rising = PupilFactory(school=school)
    # 14 weeks to 5 Dec: 100 sessions before the last 4 weeks (from 8 Nov), 40 in them.
    add_marks(small, ["/"] * 100 + ["/"] * 36 + ["I"] * 4, start=datetime.date(2025, 9, 1))
    add_marks(large, ["/"] * 100 + ["/"] * 20 + ["I"] * 20, start=datetime.date(2025, 9, 1))
    add_marks(rising, ["I"] * 50 + ["/"] * 50 + ["/"] * 40, start=datetime.date(2025, 9, 1))

    assert _ids("falling", school) == [large.pk, small.pk]


def test_the_list_page_filters_by_group_and_keeps_its_query_count(
    school, pastoral_lead, as_user, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    for index in range(12):
        pupil = PupilFactory(school=school, year_group=7 if index % 2 else 8, pupil_premium=index < 4)
        add_marks(pupil, ["/"] * 80 + ["O"] * 20, start=YEAR_START)
    client = as_user(pastoral_lead)
    client.get(reverse("pastoral:attendance_lists"))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("pastoral:attendance_lists"), {"list": "persistent", "year_group": 7})

    assert response.status_code == 200
    assert len(response.context["page"]) == 6
    pp = client.get(reverse("pastoral:attendance_lists"), {"pupil_premium": "yes"})
    assert len(pp.context["page"]) == 4


def test_the_list_pages_by_keyset(school, pastoral_lead, as_user, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr("pastoral.lists.PAGE_SIZE", 2)
    pupils = [PupilFactory(school=school) for _ in range(5)]
    for index, pupil in enumerate(pupils):
        add_marks(pupil, ["/"] * (80 - index) + ["O"] * (20 + index), start=YEAR_START)
    client = as_user(pastoral_lead)

    seen, query = [], {}
    for _ in range(3):
        response = client.get(reverse("pastoral:attendance_lists"), query)
        page = response.context["page"]
        seen += [p.pk for p in page]
        if not page.has_next:
            break
        query = dict(pair.split("=") for pair in page.next_query.split("&"))

    assert seen == [p.pk for p in reversed(pupils)]


def test_the_profile_shows_the_attendance_panel_to_staff_who_read_attendance(
    school, pupil, pastoral_staff, teacher, as_user
):
    add_marks(pupil, ["/"] * 16 + ["O"] * 4, start=datetime.date.today() - datetime.timedelta(days=14))

    body = as_user(pastoral_staff).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "attendance-heading" in body
    assert "Attendance by week this year" in body
    assert "Persistent absence" in body
    assert "Marks by code this year" in body

    teacher_body = as_user(teacher).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "attendance-heading" not in teacher_body


def test_the_profile_and_trends_cost_the_same_for_a_long_history(
    school, pupil, pastoral_lead, as_user, django_assert_max_num_queries
):
    client = as_user(pastoral_lead)
    add_marks(pupil, ["/"] * 20, start=datetime.date.today() - datetime.timedelta(days=30))
    profile = reverse("pastoral:pupil_detail", args=[pupil.code])
    trends = reverse("pastoral:attendance_trends")
    alerts = reverse("pastoral:attendance_alerts")
    client.get(profile)
    with django_assert_max_num_queries(60) as short:
        client.get(profile)
    add_marks(pupil, ["/", "O"] * 150, start=datetime.date.today() - datetime.timedelta(days=400))
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert client.get(profile).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(trends).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(alerts).status_code == 200


def test_the_profile_panels_weeks_and_codes_equal_counting_the_marks(school, pupil, pastoral_lead):
    from pastoral.attendance import calculations as calc
    from pastoral.attendance.models import ABSENT, ATTENDING, AttendanceMark
    from pastoral.attendance.profile import panel

    today = datetime.date.today()
    add_marks(pupil, ["/", "\\", "O", "I", "L", "B", "#", "U", "M"] * 6, start=today - datetime.timedelta(days=30))
    context = panel(pastoral_lead, pupil, today)

    start, _end = calc.academic_year(pupil.school, today)
    marks = list(
        calc.marks_on_roll(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=today)).values_list(
            "date", "code", "counts"
        )
    )
    assert marks
    codes = {}
    for _date, code, _counts in marks:
        codes[code] = codes.get(code, 0) + 1
    assert {row["code"]: row["n"] for row in context["by_code"]} == codes
    assert [row["n"] for row in context["by_code"]] == sorted(codes.values(), reverse=True)
    weeks = {}
    for date, _code, counts in marks:
        week = date - datetime.timedelta(days=date.weekday())
        attended, possible = weeks.get(week, (0, 0))
        weeks[week] = (attended + (counts in ATTENDING), possible + (counts in ATTENDING or counts in ABSENT))
    shown = [(row[0], row[1]) for row in context["chart"].rows]
    expected = [
        (week.strftime("%d %b"), float(calc.percent(attended, possible) or 0))
        for week, (attended, possible) in sorted(weeks.items())
    ]
    assert shown == expected
