"""Dates and times as the app shows them: one UK format on pages, PDFs and emails, ISO 8601 in CSV files.

The formats themselves live in pastoral/formats/en_GB/formats.py; the template filters in
pastoral/templatetags/dates.py call these functions.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.timesince import timesince, timeuntil

from .formats.en_GB import formats as _uk

# Pages show dozens of dates each (a chronology page fifty, twice over); Django's generic formatter looks the format
# up and walks it letter by letter every time. The UK formats are fixed, so while they are the ones below they are
# written directly (tests/test_date_formats.py holds both ways equal over every month, day and hour).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DIRECT = (_uk.DATE_FORMAT, _uk.DATETIME_FORMAT, _uk.TIME_FORMAT) == ("j M Y", "j M Y, H:i", "H:i")


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def uk_date(value):
    """'3 Dec 2026' for a date, or for a date-time's day in UK local time; '' for None (or a non-date)."""
    if not isinstance(value, datetime.date):
        return ""
    value = _local(value)
    if _DIRECT:
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return date_format(value, "DATE_FORMAT")


def uk_datetime(value):
    """'3 Dec 2026, 14:05' in UK local time; a plain date is shown as uk_date."""
    if not isinstance(value, datetime.date):
        return ""
    if not isinstance(value, datetime.datetime):
        return uk_date(value)
    value = _local(value)
    if _DIRECT:
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}, {value.hour:02d}:{value.minute:02d}"
    return date_format(value, "DATETIME_FORMAT")


def uk_time(value):
    """'14:05' in UK local time."""
    if not isinstance(value, (datetime.datetime, datetime.time)):
        return ""
    value = _local(value)
    if _DIRECT:
        return f"{value.hour:02d}:{value.minute:02d}"
    return time_format(value, "TIME_FORMAT")


def ago(value, now=None):
    """'2 days ago', 'in 3 hours' or 'just now' (under a minute), with the largest unit only.

    A date (without a time) counts whole days: 'today', 'yesterday', 'tomorrow', '3 days ago', '2 weeks ago'.
    `now` is a date-time, or a date when `value` is a date.
    """
    if not isinstance(value, datetime.date):
        return ""
    if not isinstance(value, datetime.datetime):
        today = now or timezone.localdate()
        days = (today - value).days
        if -1 <= days <= 1:
            return {-1: "tomorrow", 0: "today", 1: "yesterday"}[days]
        value, now = (datetime.datetime.combine(day, datetime.time.min) for day in (value, today))
    elif now is None:
        now = timezone.now()
    if abs((now - value).total_seconds()) < 60:
        return "just now"
    if value <= now:
        return f"{timesince(value, now, depth=1)} ago".replace("\xa0", " ")
    return f"in {timeuntil(value, now, depth=1)}".replace("\xa0", " ")


def iso_date(value):
    """'2026-12-03' (a date-time gives its UK local day); '' for None. For CSV files."""
    if not value:
        return ""
    value = _local(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def iso_datetime(value):
    """'2026-12-03T14:05:00+00:00' in UK local time with its offset (whole seconds); '' for None. For CSV files."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return iso_date(value)
    return _local(value).isoformat(timespec="seconds")
