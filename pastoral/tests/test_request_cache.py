"""Answers kept for one request: the school calendar is read once per page, and a write in the same request is seen."""

import datetime

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from pastoral import counting, request_cache
from pastoral.calendar.school_days import SchoolCalendar
from pastoral.models import AcademicYear, Pupil, School, SchoolClosure, Term
from pastoral.tests.factories import PupilFactory

D = datetime.date


def _year(school):
    year = AcademicYear.objects.create(school=school, name="2026/27", start=D(2026, 9, 1), end=D(2027, 8, 31))
    Term.objects.create(academic_year=year, name="Autumn", start=D(2026, 9, 3), end=D(2026, 12, 18))
    return year


def test_calendar_is_read_once_per_request_and_not_outside_one(db, school):
    _year(school)
    with CaptureQueriesContext(connection) as outside:
        SchoolCalendar.for_school(school)
        SchoolCalendar.for_school(school)
    assert len(outside.captured_queries) == 4  # nothing kept outside a request

    token = request_cache.begin()
    try:
        with CaptureQueriesContext(connection) as inside:
            first = SchoolCalendar.for_school(school)
            again = SchoolCalendar.for_school(school)
            dates = SchoolCalendar.dates_for_school(school.pk)
            term = school.current_term(D(2026, 10, 1))
            str(term)  # its academic year came with it
            school.current_term(D(2026, 10, 1))
        assert len(inside.captured_queries) == 2  # the terms and the closures; the rest reads them
        assert first.is_school_day(D(2026, 10, 1)) and again.is_school_day(D(2026, 10, 1))
        assert dates.is_school_day(D(2026, 10, 1))
    finally:
        request_cache.end(token)


def _in_a_request(read):
    token = request_cache.begin()
    try:
        with CaptureQueriesContext(connection) as queries:
            result = read()
        return result, len(queries.captured_queries)
    finally:
        request_cache.end(token)


def test_a_process_keeps_the_calendar_between_requests_until_it_changes(db, school):
    year = _year(school)
    # Each request reads the school (with its calendar version), as the user's roles bring it: one query here.
    fresh = School.objects.get
    calendar, queries = _in_a_request(lambda: SchoolCalendar.for_school(fresh(pk=school.pk)))
    assert queries == 1 + 2 and calendar.is_school_day(D(2026, 10, 1))
    calendar, queries = _in_a_request(lambda: SchoolCalendar.for_school(fresh(pk=school.pk)))
    assert queries == 1 and calendar.is_school_day(D(2026, 10, 1))
    assert _in_a_request(lambda: fresh(pk=school.pk).current_term(D(2026, 10, 1)).name)[0] == "Autumn"

    before = fresh(pk=school.pk).calendar_version
    SchoolClosure.objects.create(
        school=school, kind=SchoolClosure.Kind.INSET, name="INSET", start=D(2026, 10, 1), end=D(2026, 10, 1)
    )
    assert fresh(pk=school.pk).calendar_version == before + 1
    calendar, queries = _in_a_request(lambda: SchoolCalendar.for_school(fresh(pk=school.pk)))
    assert queries == 1 + 2 and not calendar.is_school_day(D(2026, 10, 1))
    for change in (
        lambda: Term.objects.create(academic_year=year, name="Spring", start=D(2027, 1, 5), end=D(2027, 3, 26)),
        lambda: year.terms.get(name="Spring").delete(),
        lambda: AcademicYear.objects.create(school=school, name="2027/28", start=D(2027, 9, 1), end=D(2028, 8, 31)),
    ):
        version = fresh(pk=school.pk).calendar_version
        change()
        assert fresh(pk=school.pk).calendar_version == version + 1


def test_another_process_reads_again_when_it_sees_the_new_version(db, school):
    year = _year(school)
    old = School.objects.get(pk=school.pk)
    assert _in_a_request(lambda: SchoolCalendar.for_school(old))[0].is_school_day(D(2026, 12, 18))
    # What another process's change leaves in the database: the rows and the raised version, with nothing of this
    # process's kept calendar dropped.
    Term.objects.filter(academic_year=year).update(end=D(2026, 12, 17))
    School.objects.filter(pk=school.pk).update(calendar_version=F("calendar_version") + 1)
    new = School.objects.get(pk=school.pk)
    calendar, queries = _in_a_request(lambda: SchoolCalendar.for_school(new))
    assert queries == 2 and not calendar.is_school_day(D(2026, 12, 18))
    # A request that read the school before the change goes on with the calendar of that version.
    assert _in_a_request(lambda: SchoolCalendar.for_school(old))[0].is_school_day(D(2026, 12, 18))


def test_a_write_in_the_request_is_seen_by_the_next_read(db, school):
    _year(school)
    token = request_cache.begin()
    try:
        assert SchoolCalendar.for_school(school).is_school_day(D(2026, 10, 1))
        SchoolClosure.objects.create(
            school=school, kind=SchoolClosure.Kind.INSET, name="INSET", start=D(2026, 10, 1), end=D(2026, 10, 1)
        )
        assert not SchoolCalendar.for_school(school).is_school_day(D(2026, 10, 1))
        assert not SchoolCalendar.dates_for_school(school).is_school_day(D(2026, 10, 1))
    finally:
        request_cache.end(token)


def test_counts_in_one_query_match_each_count(db, school):
    for name in ("Ada", "Ben", "Cal"):
        PupilFactory(school=school, legal_first_name=name)
    everyone = Pupil.objects.filter(school=school)
    with CaptureQueriesContext(connection) as queries:
        result = counting.counts(
            all=everyone, some=everyone.filter(legal_first_name__in=["Ada", "Ben"]), capped=everyone.order_by("pk")[:2]
        )
    assert len(queries.captured_queries) == 1
    assert result == {"all": 3, "some": 2, "capped": 2}
