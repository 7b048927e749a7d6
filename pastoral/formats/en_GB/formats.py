"""The one date and time format of the app (British English, LANGUAGE_CODE "en-gb").

Django looks for "<FORMAT_MODULE_PATH>.en_GB.formats" first for "en-gb", so these names win over
django.conf.locale.en_GB; anything not set here (the *_INPUT_FORMATS) still comes from Django's en_GB module.

Templates show dates with the filters of pastoral/templatetags/dates.py (built in to every template):
``|uk_date`` "3 Dec 2026", ``|uk_datetime`` "3 Dec 2026, 14:05", ``|uk_time`` "14:05" and ``|ago``
"2 days ago". Python code uses pastoral.dates (the same functions). CSV files use ISO 8601: dates
"2026-12-03", date-times in UK local time with their offset, "2026-12-03T14:05:00+00:00" (BST "+01:00").
Values for form inputs and <time datetime> attributes use ``|date:"Y-m-d"`` (ISO).

Kept exceptions: a longer form with the weekday, only where a day heads a page or a section, or in a list
of days (tests/test_date_formats.py holds the same list and fails on anything else):
- medical/round.html: the round's heading, "l j F Y" ("Thursday 3 December 2026").
- provision/ap/portal.html: the "Today (Thu 3 Dec)" column heading, "D j M".
- provision/ap/portal_placement.html: the "Attendance for Thursday 3 December" heading, "l j F", and the
  day picker's options, "D j M".
- provision/ap/placement_detail.html: the list of daily attendance returns, "D j M".
- pdf/behaviour/suspension_letter.html: the list of school days a suspension covers, "D j M".
- behaviour/detentions/day_list.html and pdf/behaviour/detention_letter.html: the weekday, "l", before the one date
  format, because a family and the member of staff running it need to see which day the detention is on.
- pastoral/attendance/checks.html: the marks to check, one row per school day, "D j M Y".
- pastoral/calendar.html: the terms' first and last days in the school calendar, "D j M Y".
- pastoral/meetings/pupil_meetings.html: meetings grouped under month headings, "F Y", each headed by its
  day of the month, "D j".

Kept in Python code: chart axis labels, where a year on every tick would crowd the chart ("3 Dec" for a week,
"Dec 26" for a month: behaviour/analytics/views.py, behaviour/events/report_sections.py,
behaviour/interventions/oversight.py, provision/plans/evidence.py, provision/outcomes/charts.py,
pastoral/attendance/trends.py, report_sections.py and profile.py); file names ("20261203"); time-only values
("14:05"), which already are the one time format; ISO values kept for machines (audit data, task arguments).
"""

DATE_FORMAT = "j M Y"  # 3 Dec 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i"  # 3 Dec 2026, 14:05
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 3 December
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
