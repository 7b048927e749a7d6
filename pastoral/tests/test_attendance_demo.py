"""The demo's year of marks has every case the attendance officer acts on."""

import random

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.attendance import absentees
from pastoral.attendance.demo import seed_attendance
from pastoral.attendance.models import AttendanceAlert, AttendanceMark, PartTimeTimetable
from pastoral.models import Pupil
from pastoral.tests.attendance_helpers import attendance_codes  # noqa: F401
from pastoral.tests.factories import PupilFactory


def test_the_demo_seeds_a_year_with_the_cases_to_act_on(school, pastoral_lead):
    pupils = [PupilFactory(school=school, admission_date=None) for _ in range(8)]
    today = timezone.localdate()

    seed_attendance(school, {Role.PASTORAL_LEAD: [pastoral_lead]}, pupils, random.Random(1), None)

    assert AttendanceMark.objects.filter(pupil=pupils[7]).count() > 300
    on_roll = Pupil.objects.filter(school=school)
    assert pupils[0].pk in [p.pk for p in absentees.listed("severe", on_roll, school, today)]
    assert pupils[3].pk in [p.pk for p in absentees.listed("crossing", on_roll, school, today)]
    assert AttendanceAlert.objects.filter(pupil=pupils[4], kind=AttendanceAlert.Kind.TEN_DAYS_UNAUTHORISED).exists()
    timetable = PartTimeTimetable.objects.get()
    assert timetable.pupil == pupils[5] and timetable.review_overdue(today)
    assert AttendanceMark.objects.filter(pupil=pupils[5], code="C2").exists()
