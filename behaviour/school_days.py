"""Counting school days from a school's calendar, for suspensions and their statutory deadlines.

Pure functions over the school's terms (anything with `start` and `end` dates, and
for per-year totals an `academic_year_id`). A school day is a weekday inside a
term; weekends and the holidays between terms are skipped. The calendar has no
closure-day (INSET) model yet: when one is added, pass its dates as `closures`.

Lengths are counted in half-day units ("sessions"): a school day is two sessions
(morning and afternoon) and a lunchtime suspension counts as half a day (one unit).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

AM, PM, LUNCH = "am", "pm", "lunch"


class CalendarError(ValueError):
    """The calendar cannot answer: a date outside every term, or not enough term left."""


def _term_of(day, terms):
    for term in terms:
        if term.start <= day <= term.end:
            return term
    return None


def is_school_day(day, terms, closures=()):
    return day.weekday() < 5 and day not in closures and _term_of(day, terms) is not None


def school_days_from(start, terms, closures=()):
    """Every school day on or after `start`, in order, until the calendar runs out."""
    if not terms:
        return
    last = max(term.end for term in terms)
    day = start
    while day <= last:
        if is_school_day(day, terms, closures):
            yield day
        day += datetime.timedelta(days=1)


def add_school_days(day, count, terms, closures=()):
    """The `count`-th school day after `day` (not counting `day` itself): a statutory deadline."""
    if count < 1:
        return day
    for index, school_day in enumerate(school_days_from(day + datetime.timedelta(days=1), terms, closures), 1):
        if index == count:
            return school_day
    raise CalendarError("The school calendar does not reach far enough: add the next term's dates.")


def slots(start, start_session, units, terms, closures=(), *, lunchtime=False):
    """The half-day slots [(date, session)] a suspension covers.

    A suspension of `units` half days starting in the morning or afternoon of `start`;
    a lunchtime suspension covers the lunchtime of `units` consecutive school days.
    """
    if not is_school_day(start, terms, closures):
        raise CalendarError("The start date is not a school day (a weekend, a holiday or outside the term dates).")
    result = []
    days = school_days_from(start, terms, closures)
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
    for day, _session in covered:
        term = _term_of(day, terms)
        if term is not None:
            totals[term] += 1
    return dict(totals)


def units_by_year(covered, terms):
    """{academic_year_id: half-day units}, through each slot's term."""
    totals = defaultdict(int)
    for day, _session in covered:
        term = _term_of(day, terms)
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
