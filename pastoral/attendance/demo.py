"""Demo attendance: a year of marks for every demo pupil, with the cases the attendance officer acts on.

* most pupils attend well, with the odd illness, appointment or late mark;
* a severe absentee, two persistent absentees, and a pupil who crosses 10 % this week;
* a run of 10 school days of unauthorised absence (an alert to tell the LA);
* a part-time timetable past its review date, with C2 on the afternoons it agreed.

Marks are written directly (no import job, no audit entries), as the other seeders write their records.
"""

import datetime

from django.utils import timezone

from ..calendar.school_days import SchoolCalendar
from .alerts import raise_alerts
from .calculations import academic_year
from .models import AttendanceCode, AttendanceMark, PartTimeTimetable

ONE_DAY = datetime.timedelta(days=1)
GOOD = ["/"] * 90 + ["L"] * 3 + ["I"] * 3 + ["M"] * 2 + ["O", "U"]
PERSISTENT = ["/"] * 83 + ["I"] * 10 + ["O"] * 4 + ["G"] * 3
SEVERE = ["/"] * 30 + ["O"] * 40 + ["I"] * 20 + ["G"] * 10


def _school_days(school, first, last):
    calendar = SchoolCalendar.dates_for_school(school, weekdays_without_terms=True)
    days, day = [], first
    while day <= last:
        if calendar.is_school_day(day):
            days.append(day)
        day += ONE_DAY
    return days


def seed_attendance(school, staff_by_role, pupils, rng, term):
    from ..accounts.roles import Role

    today = timezone.localdate()
    days = _school_days(school, today - datetime.timedelta(days=365), today)
    if not days or not pupils:
        return
    counts = dict(AttendanceCode.objects.values_list("code", "counts"))
    this_week = today - datetime.timedelta(days=today.weekday())
    year_start, _ = academic_year(school, today)
    now = timezone.now()
    lead = (staff_by_role.get(Role.PASTORAL_LEAD) or staff_by_role.get(Role.HEADTEACHER) or [None])[0]
    special = {0: "severe", 1: "persistent", 2: "persistent", 3: "crossing", 4: "run", 5: "part_time"}
    marks = []
    for index, pupil in enumerate(pupils):
        case = special.get(index, "good")
        pool = {"severe": SEVERE, "persistent": PERSISTENT}.get(case, GOOD)
        first_day = max(days[0], pupil.admission_date) if pupil.admission_date else days[0]
        run_from = days[-10] if len(days) >= 10 else days[0]
        counted_from = max(first_day, year_start)
        before = 2 * sum(1 for day in days if counted_from <= day < this_week)
        in_week = 2 * sum(1 for day in days if day >= this_week)
        # Just under 10 % before this week; absent all this week takes the pupil to 10 % or more.
        needed = max(-(-(before + in_week) // 10) - in_week, 0)
        ill = set(range(0, before, max(before // needed, 1))[:needed]) if needed else set()
        session_index = 0
        for day in days:
            if day < first_day:
                continue
            for session in ("AM", "PM"):
                code = rng.choice(pool)
                if code == "/" and session == "PM":
                    code = "\\"
                if case == "crossing" and day >= counted_from:
                    code = "O" if day >= this_week else ("I" if session_index in ill else "/")
                    code = "\\" if code == "/" and session == "PM" else code
                    session_index += 1
                if case == "run" and day >= run_from:
                    code = "O"
                if case == "part_time" and day >= today - datetime.timedelta(days=42) and session == "PM":
                    code = "C2"
                marks.append(
                    AttendanceMark(
                        school=school,
                        pupil=pupil,
                        date=day,
                        session=session,
                        code=code,
                        counts=counts[code],
                        minutes_late=rng.randint(3, 25) if code == "L" else None,
                        imported_at=now,
                    )
                )
    AttendanceMark.objects.bulk_create(marks, batch_size=5000, ignore_conflicts=True)
    if len(pupils) > 5 and lead is not None:
        PartTimeTimetable.objects.create(
            school=school,
            pupil=pupils[5],
            reason="Anxiety after a long illness; mornings only, building back to full time with CAMHS support.",
            attends=["1AM", "2AM", "3AM", "4AM", "5AM"],
            start=today - datetime.timedelta(days=42),
            review_on=today - datetime.timedelta(days=7),
            end=today + datetime.timedelta(days=28),
            agreed_with_parents=True,
            agreed_on=today - datetime.timedelta(days=44),
            created_by=lead,
        )
    raise_alerts(school, today=today)
