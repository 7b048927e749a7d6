"""One date and time format: the en-GB format module, the built-in filters, and no other formats in templates."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone
from django.utils.formats import date_format

from pastoral import dates, titles

UTC = datetime.UTC
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Machine formats (form input values, <time datetime>) and the named formats of the format module.
ALLOWED_EVERYWHERE = {"Y-m-d", "c", "DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT"}
# The kept exceptions, listed with their reasons in pastoral/formats/en_GB/formats.py.
KEPT_EXCEPTIONS = {
    "medical/round.html": {"l j F Y"},
    "provision/ap/portal.html": {"D j M"},
    "provision/ap/portal_placement.html": {"l j F", "D j M"},
    "provision/ap/placement_detail.html": {"D j M"},
    "pdf/behaviour/suspension_letter.html": {"D j M"},
    "behaviour/detentions/day_list.html": {"l"},
    "pdf/behaviour/detention_letter.html": {"l"},
    "pastoral/attendance/checks.html": {"D j M Y"},
    "pastoral/calendar.html": {"D j M Y"},
    "pastoral/meetings/pupil_meetings.html": {"F Y", "D j"},
}
FORMAT_IN_TEMPLATE = re.compile(r"""\|date:(["'])(.*?)\1|\{%\s*now\s+(["'])(.*?)\3""")


def test_templates_use_only_the_one_format_and_the_listed_exceptions():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        name = str(path.relative_to(TEMPLATES))
        allowed = ALLOWED_EVERYWHERE | KEPT_EXCEPTIONS.get(name, set())
        for match in FORMAT_IN_TEMPLATE.finditer(path.read_text()):
            fmt = match.group(2) if match.group(2) is not None else match.group(4)
            if fmt not in allowed:
                found.append(f"{name}: {fmt!r}")
    assert not found, "Use |uk_date, |uk_datetime, |uk_time or |ago instead of:\n" + "\n".join(found)


def test_the_exceptions_are_listed_in_the_formats_module():
    text = (Path(settings.BASE_DIR) / "pastoral" / "formats" / "en_GB" / "formats.py").read_text()
    for name, formats in KEPT_EXCEPTIONS.items():
        assert name in text
        for fmt in formats:
            assert f'"{fmt}"' in text, (name, fmt)


def test_django_picks_the_apps_en_gb_formats():
    moment = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert date_format(datetime.date(2026, 12, 3)) == "3 Dec 2026"
    assert date_format(moment, "DATETIME_FORMAT") == "3 Dec 2026, 14:05"
    assert date_format(moment, "SHORT_DATE_FORMAT") == "3 Dec 2026"
    # A bare value in a template uses the same formats, in local time.
    assert Template("{{ d }} | {{ m }}").render(Context({"d": datetime.date(2026, 12, 3), "m": moment})) == (
        "3 Dec 2026 | 3 Dec 2026, 14:05"
    )


def render(source, **context):
    return Template(source).render(Context(context))


def test_the_filters_are_built_in_to_every_template():
    winter = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert (
        render("{{ m|uk_date }}|{{ m|uk_datetime }}|{{ m|uk_time }}", m=winter) == "3 Dec 2026|3 Dec 2026, 14:05|14:05"
    )
    assert render("{{ d|uk_date }}|{{ d|uk_datetime }}", d=datetime.date(2026, 1, 9)) == "9 Jan 2026|9 Jan 2026"
    assert render('{{ none|uk_date|default:"Not set" }}|{{ text|uk_datetime }}', none=None, text="x") == "Not set|"


def test_midnight_and_british_summer_time():
    # Midnight in winter (GMT): UTC and local time agree.
    assert dates.uk_datetime(datetime.datetime(2026, 12, 3, 0, 0, tzinfo=UTC)) == "3 Dec 2026, 00:00"
    # 23:30 UTC on 1 July is 00:30 BST on 2 July: the day shown is the local one.
    summer = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert dates.uk_datetime(summer) == "2 Jul 2026, 00:30"
    assert dates.uk_date(summer) == "2 Jul 2026"
    assert render("{{ m|uk_date }} {{ m|uk_time }}", m=summer) == "2 Jul 2026 00:30"
    # The clocks go back at 02:00 BST on 25 Oct 2026: 00:30 UTC is 01:30 BST, 01:30 UTC is 01:30 GMT.
    assert dates.uk_time(datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "01:30"
    assert dates.uk_time(datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "01:30"


def test_ago():
    now = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert dates.ago(now - datetime.timedelta(seconds=20), now) == "just now"
    assert dates.ago(now - datetime.timedelta(days=2, hours=3), now) == "2 days ago"
    assert dates.ago(now - datetime.timedelta(hours=5, minutes=10), now) == "5 hours ago"
    assert dates.ago(now + datetime.timedelta(days=1, hours=1), now) == "in 1 day"
    assert dates.ago(None) == ""
    today = datetime.date(2026, 12, 3)
    assert dates.ago(today, today) == "today" and dates.ago(datetime.date(2026, 12, 2), today) == "yesterday"
    assert dates.ago(datetime.date(2026, 11, 19), today) == "2 weeks ago"
    assert render("{{ d|ago }}", d=timezone.localdate() + datetime.timedelta(days=1)) == "tomorrow"


def test_iso_for_csv_files():
    assert dates.iso_date(datetime.date(2026, 12, 3)) == "2026-12-03"
    assert dates.iso_datetime(datetime.datetime(2026, 12, 3, 14, 5, tzinfo=UTC)) == "2026-12-03T14:05:00+00:00"
    summer = datetime.datetime(2026, 7, 1, 23, 30, 15, 123, tzinfo=UTC)
    assert dates.iso_datetime(summer) == "2026-07-02T00:30:15+01:00"
    assert dates.iso_date(summer) == "2026-07-02"
    assert dates.iso_datetime(None) == dates.iso_date(None) == ""


def test_record_titles_name_pupils_kind_and_date():
    day = datetime.date(2026, 12, 3)
    assert titles.record_title(["Jay Smith"], "Incident", day) == "Jay Smith — Incident — 3 Dec 2026"
    assert titles.record_title(["A B", "C D"], "Bullying", day) == "A B and C D — Bullying — 3 Dec 2026"
    assert titles.record_title(["A", "B", "C"], "Bullying", day) == "A and 2 others — Bullying — 3 Dec 2026"
    assert titles.reference("69eb0edd-0000-4000-8000-000000000000") == "69EB0EDD"


def test_emails_never_name_a_child():
    for path in sorted((TEMPLATES / "emails").rglob("*")):
        if path.is_file():
            text = path.read_text()
            assert ".title" not in text and "display_name" not in text, path.name


def test_the_direct_uk_formats_equal_djangos_formatter_for_every_month_day_and_hour():
    from django.utils.formats import time_format

    assert dates._DIRECT
    start = datetime.datetime(2026, 1, 1, 0, 7, tzinfo=UTC)
    for hours in range(0, 366 * 24, 5):  # every month and day, every hour of the day in turn, both clock changes
        moment = start + datetime.timedelta(hours=hours)
        local = timezone.localtime(moment)
        assert dates.uk_datetime(moment) == date_format(local, "DATETIME_FORMAT")
        assert dates.uk_date(moment) == date_format(local, "DATE_FORMAT")
        assert dates.uk_date(local.date()) == date_format(local.date(), "DATE_FORMAT")
        assert dates.uk_time(moment) == time_format(local, "TIME_FORMAT")
        assert dates.uk_time(local.time()) == time_format(local.time(), "TIME_FORMAT")
