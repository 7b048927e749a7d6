"""Marks written straight to the table for calculation tests, and CSV bytes for import tests."""

import datetime

import pytest
from django.utils import timezone

from pastoral.attendance.codes import ensure_codes
from pastoral.attendance.models import AttendanceCode, AttendanceMark


def school_days(start, count):
    """`count` weekdays from `start` (inclusive)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def add_marks(pupil, codes, start=datetime.date(2025, 9, 8), note=""):
    """One mark per session from `start` on weekdays, AM then PM, in the order of `codes`."""
    counts = dict(AttendanceCode.objects.values_list("code", "counts"))
    days = school_days(start, (len(codes) + 1) // 2)
    now = timezone.now()
    marks = []
    for index, code in enumerate(codes):
        marks.append(
            AttendanceMark(
                school_id=pupil.school_id,
                pupil=pupil,
                date=days[index // 2],
                session="AM" if index % 2 == 0 else "PM",
                code=code,
                counts=counts[code],
                note=note,
                imported_at=now,
            )
        )
    AttendanceMark.objects.bulk_create(marks)
    return marks


def csv_bytes(rows, headings=("UPN", "Date", "Session", "Code", "Minutes late", "Note")):
    lines = [",".join(headings)]
    for row in rows:
        lines.append(",".join(str(cell) for cell in row))
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture(autouse=True)
def attendance_codes(db):
    """The data migration's rows (a transactional test elsewhere may have flushed them from a reused database)."""
    ensure_codes()
