"""Suspension lengths in half days, over the shared school calendar (`pastoral.calendar.school_days`).

Which days are school days (weekdays inside a term that are not closures: half
terms, INSET days, bank holidays) is answered by `pastoral.calendar.school_days.SchoolCalendar`.
Every function here takes either such a calendar (`SchoolCalendar.for_school`, or
`suspensions.selectors.terms_of`) or, for pure use, a list of terms plus the closure
dates as `closures`.

Lengths are counted in half-day units ("sessions"): a school day is two sessions
(morning and afternoon) and a lunchtime suspension counts as half a day (one unit).
"""

from collections import defaultdict
from decimal import Decimal

from pastoral.calendar.school_days import CalendarError, SchoolCalendar

AM, PM, LUNCH = "am", "pm", "lunch"


def calendar_of(terms, closures=()):
    if isinstance(terms, SchoolCalendar):
        return SchoolCalendar(terms.terms, [*terms.closures, *closures]) if closures else terms
    return SchoolCalendar(terms, closures)


def is_school_day(day, terms, closures=()):
    return calendar_of(terms, closures).is_school_day(day)


def school_days_from(start, terms, closures=()):
    """Every school day on or after `start`, in order, until the calendar runs out."""
    return calendar_of(terms, closures).school_days_from(start)


def add_school_days(day, count, terms, closures=()):
    """The `count`-th school day after `day` (not counting `day` itself): a statutory deadline."""
    return calendar_of(terms, closures).add_school_days(day, count)


def slots(start, start_session, units, terms, closures=(), *, lunchtime=False):
    """The half-day slots [(date, session)] a suspension covers.

    A suspension of `units` half days starting in the morning or afternoon of `start`;
    a lunchtime suspension covers the lunchtime of `units` consecutive school days.
    """
    calendar = calendar_of(terms, closures)
    if not calendar.is_school_day(start):
        raise CalendarError("The start date is not a school day (a weekend, a holiday or outside the term dates).")
    result = []
    days = calendar.school_days_from(start)
    if lunchtime:
        for day in days:
            if len(result) == units:
                break
            result.append((day, LUNCH))
    else:
        for day in days:
            for session in (AM, PM):
                if day == start and start_session == PM and session == AM:
                    continue
                if len(result) < units:
                    result.append((day, session))
            if len(result) == units:
                break
    if len(result) < units:
        raise CalendarError("The school calendar does not reach far enough: add the next term's dates.")
    return result


def units_by_term(covered, terms):
    """{term: half-day units} for the slots that fall in each term."""
    totals = defaultdict(int)
    calendar = calendar_of(terms)
    for day, _session in covered:
        term = calendar.term_of(day)
        if term is not None:
            totals[term] += 1
    return dict(totals)


def units_by_year(covered, terms):
    """{academic_year_id: half-day units}, through each slot's term."""
    totals = defaultdict(int)
    calendar = calendar_of(terms)
    for day, _session in covered:
        term = calendar.term_of(day)
        if term is not None:
            totals[term.academic_year_id] += 1
    return dict(totals)


def as_days(units):
    """Half-day units as school days: 11 -> Decimal('5.5')."""
    return Decimal(units) / 2


def format_days(units):
    days = as_days(units)
    text = f"{days:.1f}".removesuffix(".0")
    return f"{text} school day" + ("" if days == 1 else "s")
