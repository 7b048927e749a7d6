"""School days counted from the calendar: weekends and holidays skipped, half days and lunchtimes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from behaviour.suspensions import school_days
from behaviour.suspensions.school_days import AM, LUNCH, PM, CalendarError


@dataclass(frozen=True)
class T:
    name: str
    start: date
    end: date
    academic_year_id: int = 1


AUTUMN = T("Autumn", date(2026, 9, 3), date(2026, 12, 18))
SPRING = T("Spring", date(2027, 1, 5), date(2027, 3, 26))
SUMMER = T("Summer", date(2027, 4, 12), date(2027, 7, 21))
NEXT_AUTUMN = T("Autumn", date(2027, 9, 2), date(2027, 12, 17), academic_year_id=2)
TERMS = [AUTUMN, SPRING, SUMMER, NEXT_AUTUMN]


def test_weekends_and_holidays_are_not_school_days():
    assert school_days.is_school_day(date(2026, 11, 23), TERMS)  # Monday in term
    assert not school_days.is_school_day(date(2026, 11, 21), TERMS)  # Saturday
    assert not school_days.is_school_day(date(2026, 12, 23), TERMS)  # Christmas holiday
    assert not school_days.is_school_day(date(2026, 11, 24), TERMS, closures={date(2026, 11, 24)})


def test_five_days_from_monday_morning_end_on_friday():
    covered = school_days.slots(date(2026, 11, 23), AM, 10, TERMS)
    assert covered[0] == (date(2026, 11, 23), AM)
    assert covered[-1] == (date(2026, 11, 27), PM)


def test_half_days_start_in_the_afternoon():
    covered = school_days.slots(date(2026, 11, 23), PM, 5, TERMS)
    assert covered == [
        (date(2026, 11, 23), PM),
        (date(2026, 11, 24), AM),
        (date(2026, 11, 24), PM),
        (date(2026, 11, 25), AM),
        (date(2026, 11, 25), PM),
    ]
    assert school_days.slots(date(2026, 11, 23), AM, 1, TERMS) == [(date(2026, 11, 23), AM)]


def test_a_suspension_skips_the_weekend_and_the_holiday_and_is_split_by_term():
    assert school_days.slots(date(2026, 11, 26), AM, 6, TERMS)[-1] == (date(2026, 11, 30), PM)
    covered = school_days.slots(date(2026, 12, 17), AM, 6, TERMS)
    assert covered[-1] == (date(2027, 1, 5), PM)
    assert school_days.units_by_term(covered, TERMS) == {AUTUMN: 4, SPRING: 2}
    assert school_days.units_by_year(covered, TERMS) == {1: 6}


def test_lunchtimes_are_one_half_day_each_on_consecutive_school_days():
    covered = school_days.slots(date(2026, 11, 26), PM, 3, TERMS, lunchtime=True)
    assert covered == [(date(2026, 11, 26), LUNCH), (date(2026, 11, 27), LUNCH), (date(2026, 11, 30), LUNCH)]
    assert school_days.as_days(len(covered)) == Decimal("1.5")
    assert school_days.as_days(10) == Decimal("5") and school_days.as_days(11) == Decimal("5.5")


def test_starting_on_a_non_school_day_or_running_off_the_calendar_is_refused():
    with pytest.raises(CalendarError, match="not a school day"):
        school_days.slots(date(2026, 11, 21), AM, 2, TERMS)
    with pytest.raises(CalendarError, match="does not reach far enough"):
        school_days.slots(date(2027, 12, 16), AM, 10, TERMS)


def test_deadlines_count_school_days_after_the_day():
    assert school_days.add_school_days(date(2026, 11, 23), 1, TERMS) == date(2026, 11, 24)
    assert school_days.add_school_days(date(2026, 11, 23), 5, TERMS) == date(2026, 11, 30)
    # 15 school days from Thu 10 Dec: six left in autumn (11-18 Dec), then nine in January.
    assert school_days.add_school_days(date(2026, 12, 10), 15, TERMS) == date(2027, 1, 15)
    with pytest.raises(CalendarError):
        school_days.add_school_days(date(2027, 12, 1), 50, TERMS)


def test_lengths_read_as_school_days():
    assert school_days.format_days(2) == "1 school day"
    assert school_days.format_days(11) == "5.5 school days"
    assert school_days.format_days(90) == "45 school days"
