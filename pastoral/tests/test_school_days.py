"""School days from terms and closures: half terms, INSET days and bank holidays are skipped."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pastoral.calendar import school_days
from pastoral.calendar.school_days import CalendarError, SchoolCalendar
from pastoral.models import AcademicYear, SchoolClosure, Term

D = datetime.date
K = SchoolClosure.Kind


@pytest.fixture
def year(school):
    """2026/27: autumn 3 Sep–18 Dec with half term 26–30 Oct, an INSET day on Mon 2 Nov; spring from 5 Jan."""
    year = AcademicYear.objects.create(school=school, name="2026/27", start=D(2026, 9, 1), end=D(2027, 8, 31))
    Term.objects.create(academic_year=year, name="Autumn", start=D(2026, 9, 3), end=D(2026, 12, 18))
    Term.objects.create(academic_year=year, name="Spring", start=D(2027, 1, 5), end=D(2027, 3, 26))
    Term.objects.create(academic_year=year, name="Summer", start=D(2027, 4, 12), end=D(2027, 7, 21))
    SchoolClosure.objects.create(
        school=school, kind=K.HALF_TERM, name="Autumn half term", start=D(2026, 10, 26), end=D(2026, 10, 30)
    )
    SchoolClosure.objects.create(
        school=school, kind=K.INSET, name="INSET day", start=D(2026, 11, 2), end=D(2026, 11, 2)
    )
    SchoolClosure.objects.create(
        school=school, kind=K.BANK_HOLIDAY, name="Early May bank holiday", start=D(2027, 5, 3), end=D(2027, 5, 3)
    )
    return year


def test_half_term_is_skipped(school, year):
    assert not school_days.is_school_day(school, D(2026, 10, 28))
    # Thu 22 Oct: Fri 23, then half term and the INSET day, Tue 3 Nov.
    assert school_days.add_school_days(school, D(2026, 10, 22), 2) == D(2026, 11, 3)
    assert school_days.school_days_between(school, D(2026, 10, 22), D(2026, 11, 3)) == 2


def test_an_inset_day_is_skipped(school, year):
    assert not school_days.is_school_day(school, D(2026, 11, 2))
    assert school_days.next_school_day(school, D(2026, 10, 23)) == D(2026, 11, 3)


def test_a_bank_holiday_is_skipped(school, year):
    assert not school_days.is_school_day(school, D(2027, 5, 3))
    assert school_days.next_school_day(school, D(2027, 4, 30)) == D(2027, 5, 4)  # Fri -> Tue


def test_boundaries_at_the_start_and_end_of_a_term(school, year):
    assert school_days.is_school_day(school, D(2026, 9, 3))  # first day of autumn
    assert not school_days.is_school_day(school, D(2026, 9, 2))
    assert school_days.is_school_day(school, D(2026, 12, 18))  # last day of autumn
    assert not school_days.is_school_day(school, D(2026, 12, 21))
    assert school_days.next_school_day(school, D(2026, 12, 18)) == D(2027, 1, 5)
    assert school_days.next_school_day(school, D(2026, 9, 1)) == D(2026, 9, 3)
    with pytest.raises(CalendarError):
        school_days.add_school_days(school, D(2027, 7, 20), 3)  # past the last term known


def test_the_calendar_object_answers_from_memory(school, year, django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = SchoolCalendar.for_school(school)
    with django_assert_num_queries(0):
        days = list(calendar.school_days_from(D(2026, 9, 3)))
        assert calendar.half_term_of(calendar[0]).name == "Autumn half term"
        assert calendar.previous_school_day(D(2026, 10, 26)) == D(2026, 10, 23)
    assert len(days) == 77 + 59 + 73 - 5 - 1 - 1  # the terms' weekdays less half term, INSET day, bank holiday
    assert D(2026, 10, 27) not in days
    with django_assert_num_queries(1):
        dates = SchoolCalendar.dates_for_school(school)
    assert [day for day in dates.school_days_from(D(2026, 9, 3))] == days


def test_without_terms_there_are_no_school_days_unless_weekdays_are_asked_for(school):
    assert not school_days.is_school_day(school, D(2026, 11, 23))
    weekdays = SchoolCalendar.for_school(school, weekdays_without_terms=True)
    assert weekdays.add_school_days(D(2026, 11, 20), 2) == D(2026, 11, 24)


def test_easter_by_the_anonymous_gregorian_algorithm():
    assert school_days.easter_sunday(2026) == D(2026, 4, 5)
    assert school_days.easter_sunday(2027) == D(2027, 3, 28)
    assert school_days.easter_sunday(2025) == D(2025, 4, 20)


def test_england_bank_holidays_2027():
    assert school_days.england_bank_holidays(2027) == [
        (D(2027, 1, 1), "New Year's Day"),
        (D(2027, 3, 26), "Good Friday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2027, 5, 3), "Early May bank holiday"),
        (D(2027, 5, 31), "Spring bank holiday"),
        (D(2027, 8, 30), "Summer bank holiday"),
        # Christmas Day is a Saturday, Boxing Day a Sunday: both move to the next free weekdays.
        (D(2027, 12, 27), "Christmas Day (substitute day)"),
        (D(2027, 12, 28), "Boxing Day (substitute day)"),
    ]


def test_substitute_days():
    # 2026: Boxing Day is a Saturday -> Monday 28 December.
    assert (D(2026, 12, 28), "Boxing Day (substitute day)") in school_days.england_bank_holidays(2026)
    # 2022: Christmas Day a Sunday -> Boxing Day Monday 26, Christmas substitute Tuesday 27.
    holidays_2022 = school_days.england_bank_holidays(2022)
    assert (D(2022, 12, 26), "Boxing Day") in holidays_2022
    assert (D(2022, 12, 27), "Christmas Day (substitute day)") in holidays_2022
    # 2028: New Year's Day a Saturday -> Monday 3 January.
    assert (D(2028, 1, 3), "New Year's Day (substitute day)") in school_days.england_bank_holidays(2028)
    assert school_days.england_bank_holidays(2026)[0:3] == [
        (D(2026, 1, 1), "New Year's Day"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 4, 6), "Easter Monday"),
    ]


def test_a_closure_must_be_in_term_time_and_not_overlap(school, year):
    def closure(start, end):
        return SchoolClosure(school=school, kind=K.OTHER, name="Boiler failure", start=start, end=end)

    closure(D(2026, 12, 21), D(2027, 1, 4)).full_clean()  # between terms is allowed
    with pytest.raises(ValidationError, match="within or between the terms"):
        closure(D(2026, 9, 1), D(2026, 9, 4)).full_clean()  # before autumn starts
    with pytest.raises(ValidationError, match="within or between the terms"):
        closure(D(2027, 7, 20), D(2027, 7, 23)).full_clean()  # past the end of summer
    with pytest.raises(ValidationError, match="cannot be before"):
        closure(D(2026, 11, 5), D(2026, 11, 4)).full_clean()
    with pytest.raises(ValidationError, match="overlap Autumn half term"):
        closure(D(2026, 10, 30), D(2026, 10, 30)).full_clean()
    with pytest.raises(ValidationError, match="no academic year"):
        closure(D(2027, 9, 10), D(2027, 9, 10)).full_clean()
    AcademicYear.objects.create(school=school, name="2027/28", start=D(2027, 9, 1), end=D(2028, 8, 31))
    with pytest.raises(ValidationError, match="term dates first"):
        closure(D(2027, 9, 10), D(2027, 9, 10)).full_clean()
