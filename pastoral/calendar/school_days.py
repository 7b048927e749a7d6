"""Counting school days from a school's calendar: its terms and its closures.

A school day is a weekday inside a term that is not a closure (a half-term
holiday, an INSET day, a bank holiday or another closure). Everything that
counts in school days (suspension limits and deadlines, CP file transfers,
physical-intervention debriefs, half-termly reports) asks this module.

`SchoolCalendar.for_school(school)` loads the school's terms and closures in two
queries and answers every question in memory, so a page or a loop builds one
calendar and never queries per day or per row. The module-level functions are
shortcuts that build a calendar for a single question.

Calendars change a few times a year and are read on most pages, so each process
keeps the rows it read between requests, under the school's `calendar_version`.
Every change to a term, academic year or closure raises that version in its own
transaction (`calendar_changed`, called from the models' signals), and the school
row comes with the user's roles on every request: a process that sees a new
version reads the calendar again, at no query to find out. A caller that passes a
school id, or a school read without the version, reads as before, and so does
everything outside a request (tasks and commands).

A school without term dates has no school days, unless the calendar is built with
`weekdays_without_terms=True`: then every weekday that is not a closure counts
(the fallback of CP transfers and debriefs, which must still have a due date).
"""

import bisect
import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connection
from django.db.models import F

from .. import request_cache

ONE_DAY = datetime.timedelta(days=1)
# Calendars kept by this process: {(database, school id, version, what): rows}, the least recently used dropped
# past the limit (two entries a school).
_KEPT = OrderedDict()
_KEPT_LIMIT = 256
_KEPT_LOCK = threading.Lock()


def _kept(school, what, load):
    """`load()`'s rows for the school, kept by this process while the school's calendar version stays the same.

    Only while serving a request: tasks and commands read fresh rows, as they always have."""
    version = getattr(school, "__dict__", {}).get("calendar_version")
    if version is None or not request_cache.active():
        return load()
    key = (connection.settings_dict["NAME"], school.pk, version, what)
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    rows = load()
    with _KEPT_LOCK:
        _KEPT[key] = rows
        while len(_KEPT) > _KEPT_LIMIT:
            _KEPT.popitem(last=False)
    return rows


def calendar_changed(school_ids):
    """Raise the schools' calendar version (in the caller's transaction) and drop what this process kept of them.

    Called for every saved or deleted term, academic year and closure; a bulk write must call it itself."""
    from ..models import School

    school_ids = set(school_ids)
    School.objects.filter(pk__in=school_ids).update(calendar_version=F("calendar_version") + 1)
    with _KEPT_LOCK:
        for key in [key for key in _KEPT if key[1] in school_ids]:
            del _KEPT[key]
    request_cache.forget("calendar")


class CalendarError(ValueError):
    """The calendar cannot answer: a date outside every term, or not enough term left."""


@dataclass(frozen=True)
class Span:
    """A term or closure reduced to its dates (and a closure's kind)."""

    start: datetime.date
    end: datetime.date
    kind: str = ""


class SchoolCalendar:
    """A school's terms and closures, answered in memory.

    `terms` are objects with `start` and `end` dates (Term rows); `closures` are
    objects with `start`, `end` (and usually `kind`), or plain dates. The calendar
    also behaves as the ordered sequence of its terms (iterate, index, len).
    """

    def __init__(self, terms, closures=(), *, weekdays_without_terms=False):
        self.terms = sorted(terms, key=lambda term: term.start)
        self.closures = []
        self.closed = {}
        for closure in closures:
            if isinstance(closure, datetime.date):
                self.closed[closure] = None
                continue
            self.closures.append(closure)
            day = closure.start
            while day <= closure.end:
                self.closed[day] = closure
                day += ONE_DAY
        self.closures.sort(key=lambda closure: closure.start)
        self._starts = [term.start for term in self.terms]
        self.weekdays_only = weekdays_without_terms and not self.terms

    @classmethod
    def for_school(cls, school, *, weekdays_without_terms=False):
        """Two queries: the school's terms (with their academic years) and its closures."""
        from ..models import SchoolClosure, Term

        school_id = getattr(school, "pk", school)

        def load():
            terms = list(Term.objects.filter(academic_year__school_id=school_id).select_related("academic_year"))
            return terms, list(SchoolClosure.objects.filter(school_id=school_id))

        # Several panels of one page ask for the same school's calendar: read once per request, and by this process
        # once per version of it.
        terms, closures = request_cache.remember(("calendar", "rows", school_id), lambda: _kept(school, "rows", load))
        return cls(terms, closures, weekdays_without_terms=weekdays_without_terms)

    @classmethod
    def dates_for_school(cls, school, *, weekdays_without_terms=False):
        """One query: the dates of the school's terms and closures, for callers that need no term names."""
        from django.db.models import CharField, Value

        from ..models import SchoolClosure, Term

        school_id = getattr(school, "pk", school)
        if (kept := request_cache.peek(("calendar", "rows", school_id))) is not None:
            return cls(*kept, weekdays_without_terms=weekdays_without_terms)

        def load():
            terms = Term.objects.filter(academic_year__school_id=school_id).values_list(
                "start", "end", Value("", output_field=CharField())
            )
            closures = SchoolClosure.objects.filter(school_id=school_id).values_list("start", "end", "kind")
            return list(terms.union(closures, all=True))

        rows = request_cache.remember(("calendar", "dates", school_id), lambda: _kept(school, "dates", load))
        return cls(
            [Span(start, end) for start, end, kind in rows if not kind],
            [Span(start, end, kind) for start, end, kind in rows if kind],
            weekdays_without_terms=weekdays_without_terms,
        )

    # -- the sequence of terms ---------------------------------------------------

    def __iter__(self):
        return iter(self.terms)

    def __len__(self):
        return len(self.terms)

    def __getitem__(self, index):
        return self.terms[index]

    # -- questions ---------------------------------------------------------------

    def term_of(self, day):
        index = bisect.bisect_right(self._starts, day) - 1
        if index >= 0 and self.terms[index].end >= day:
            return self.terms[index]
        return None

    def closure_on(self, day):
        """The closure covering `day` (None for none, or for a closure given as a plain date)."""
        return self.closed.get(day)

    def is_closed(self, day):
        return day in self.closed

    def is_school_day(self, day):
        if day.weekday() >= 5 or day in self.closed:
            return False
        return self.weekdays_only or self.term_of(day) is not None

    @property
    def last_day(self):
        """The last day the calendar knows (None when it runs forever on weekdays, or is empty)."""
        if self.weekdays_only or not self.terms:
            return None
        return max(term.end for term in self.terms)

    def school_days_from(self, start):
        """Every school day on or after `start`, in order, until the calendar runs out."""
        if not self.terms and not self.weekdays_only:
            return
        last = self.last_day
        day = start
        while last is None or day <= last:
            if self.is_school_day(day):
                yield day
            day += ONE_DAY

    def add_school_days(self, day, count):
        """The `count`-th school day after `day` (not counting `day` itself): a statutory deadline."""
        if count < 1:
            return day
        for index, school_day in enumerate(self.school_days_from(day + ONE_DAY), 1):
            if index == count:
                return school_day
        raise CalendarError("The school calendar does not reach far enough: add the next term's dates.")

    def next_school_day(self, day):
        """The first school day strictly after `day`."""
        return self.add_school_days(day, 1)

    def previous_school_day(self, day):
        """The last school day strictly before `day` (None when there is none)."""
        first = self.terms[0].start if self.terms else None
        if first is None and not self.weekdays_only:
            return None
        day -= ONE_DAY
        while first is None or day >= first:
            if self.is_school_day(day):
                return day
            day -= ONE_DAY
        return None

    def school_days_between(self, start, end):
        """School days after `start` up to and including `end`: add_school_days(start, n) == end gives n."""
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_school_day(day):
                count += 1
            day += ONE_DAY
        return count

    def closures_in(self, start, end, kind=None):
        return [
            closure
            for closure in self.closures
            if closure.start <= end and closure.end >= start and (kind is None or closure.kind == kind)
        ]

    def half_term_of(self, term):
        """The half-term holiday recorded inside `term` (strictly between its first and last day), or None."""
        from ..models import SchoolClosure

        inside = [
            closure
            for closure in self.closures_in(term.start, term.end, SchoolClosure.Kind.HALF_TERM)
            if term.start < closure.start and closure.end < term.end
        ]
        return inside[0] if inside else None


def _calendar(school, **kwargs):
    return school if isinstance(school, SchoolCalendar) else SchoolCalendar.for_school(school, **kwargs)


def is_school_day(school, day):
    return _calendar(school).is_school_day(day)


def school_days_between(school, start, end):
    return _calendar(school).school_days_between(start, end)


def add_school_days(school, start, n):
    return _calendar(school).add_school_days(start, n)


def next_school_day(school, day):
    return _calendar(school).next_school_day(day)


# -- England bank holidays -------------------------------------------------------


def easter_sunday(year):
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _first_monday(year, month):
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year, month):
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    day = following - ONE_DAY
    return day - datetime.timedelta(days=day.weekday())


def england_bank_holidays(year):
    """[(date, name)] of the bank holidays in England and Wales in calendar year `year`, in date order.

    A fixed holiday falling at a weekend moves to the next weekday not already a
    holiday (a "substitute day"): Christmas on a Saturday gives Monday 27 and
    Tuesday 28 December. (One-off extra holidays, such as coronations, are not
    included; add them as closures by hand.)
    """
    easter = easter_sunday(year)
    moving = [
        (easter - datetime.timedelta(days=2), "Good Friday"),
        (easter + ONE_DAY, "Easter Monday"),
        (_first_monday(year, 5), "Early May bank holiday"),
        (_last_monday(year, 5), "Spring bank holiday"),
        (_last_monday(year, 8), "Summer bank holiday"),
    ]
    fixed = [
        (datetime.date(year, 1, 1), "New Year's Day"),
        (datetime.date(year, 12, 25), "Christmas Day"),
        (datetime.date(year, 12, 26), "Boxing Day"),
    ]
    taken = {day for day, _name in moving} | {day for day, _name in fixed if day.weekday() < 5}
    result = list(moving) + [(day, name) for day, name in fixed if day.weekday() < 5]
    for day, name in fixed:
        if day.weekday() < 5:
            continue
        while day.weekday() >= 5 or day in taken:
            day += ONE_DAY
        taken.add(day)
        result.append((day, f"{name} (substitute day)"))
    return sorted(result)


def bank_holidays_between(start, end):
    return [
        (day, name)
        for year in range(start.year, end.year + 1)
        for day, name in england_bank_holidays(year)
        if start <= day <= end
    ]
