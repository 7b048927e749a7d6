"""Demo attendance: a year of marks for every demo pupil, with the cases the attendance officer acts on.

* most pupils attend well, with the odd illness, appointment or late mark;
* a severe absentee, two persistent absentees, and a pupil who crosses 10 % this week;
* a run of 10 school days of unauthorised absence (an alert to tell the LA);
* a part-time timetable past its review date, with C2 on the afternoons it agreed.

Marks are written directly (no import job, no audit entries), as the other seeders write their records.
"""

import datetime
import json

from django.db import connection
from django.utils import timezone

from ..calendar.school_days import SchoolCalendar
from ..models import Pupil
from .alerts import raise_alerts
from .calculations import academic_year
from .codes import ensure_codes
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


def _seed_usual(school, pupils, days, rng, now):
    """Most pupils' marks, written by one INSERT ... SELECT: a code drawn from GOOD by a hash of the pupil, day,
    session and a salt from `rng`, so the same seed gives the same register (the demo rebuilds identically)."""
    if not pupils:
        return
    salt = str(rng.randrange(1_000_000))
    counts = dict(AttendanceCode.objects.values_list("code", "counts"))
    pool = [code if code != "/" else "{slash}" for code in GOOD]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {AttendanceMark._meta.db_table}
                (school_id, pupil_id, date, session, code, counts, minutes_late, note, imported_at)
            SELECT %(school)s, p.id, d.day, s.session, c.code, c.counts,
                   CASE WHEN c.code = 'L' THEN 5 + abs(hashtext(p.id::text || d.day::text)) %% 20 END, '', %(now)s
            FROM {Pupil._meta.db_table} p
            CROSS JOIN unnest(%(days)s::date[]) AS d(day)
            CROSS JOIN (VALUES ('AM'), ('PM')) AS s(session)
            CROSS JOIN LATERAL (
                SELECT CASE WHEN pick = '{{slash}}' THEN (CASE WHEN s.session = 'AM' THEN '/' ELSE '\\' END)
                            ELSE pick END AS code
                FROM (SELECT (%(pool)s::text[])[
                    1 + abs(hashtext(%(salt)s || p.id::text || d.day::text || s.session)) %% %(size)s
                ] AS pick) AS chosen
            ) AS picked
            CROSS JOIN LATERAL (SELECT picked.code AS code, (%(counts)s::jsonb ->> picked.code) AS counts) AS c
            WHERE p.id = ANY(%(pupils)s) AND (p.admission_date IS NULL OR d.day >= p.admission_date)
            ON CONFLICT DO NOTHING
            """,
            {
                "school": school.pk,
                "now": now,
                "days": days,
                "pool": pool,
                "size": len(pool),
                "salt": salt,
                "counts": json.dumps({code: str(value) for code, value in counts.items()}),
                "pupils": [pupil.pk for pupil in pupils],
            },
        )


def seed_attendance(school, staff_by_role, pupils, rng, term):
    from ..accounts.roles import Role

    ensure_codes()
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
    _seed_usual(school, pupils[len(special) :], days, rng, now)
    marks = []
    for index, pupil in enumerate(pupils[: len(special)]):
        case = special[index]
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
