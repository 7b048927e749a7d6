"""Browser date pickers get ISO values: `<input type="date">` shows an empty box for 20/04/2026."""

import datetime
import importlib
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from pastoral.files import reports
from pastoral.models import AcademicYear, Term

APPS = ("pastoral", "behaviour", "safeguarding", "provision", "medical")
PICKERS = {"date": datetime.date(2026, 4, 20), "datetime-local": datetime.datetime(2026, 4, 20, 9, 5)}
PICKERS["time"] = datetime.time(9, 5)
ISO = {"date": 'value="2026-04-20"', "datetime-local": 'value="2026-04-20T09:05"', "time": 'value="09:05"'}


def _import_form_modules():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if {"tests", "migrations", "management"} & set(parts):
                continue
            text = path.read_text()
            if "Input(" in text or "DateFilter(" in text:
                importlib.import_module(".".join(parts))


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def date_widgets():
    """(where, widget) for every date, date-time and time picker declared on a form or filter of the apps."""
    _import_form_modules()
    found = []
    for form in set(_subclasses(forms.BaseForm)):
        if form.__module__.split(".")[0] in APPS:
            found += [(f"{form.__module__}.{form.__name__}.{n}", f.widget) for n, f in form.base_fields.items()]
    for filterset in set(_subclasses(django_filters.FilterSet)):
        if filterset.__module__.split(".")[0] in APPS:
            for name, item in filterset.base_filters.items():
                widget = item.extra.get("widget") or item.field_class.widget
                widget = widget() if isinstance(widget, type) else widget
                found.append((f"{filterset.__module__}.{filterset.__name__}.{name}", widget))
    return [
        (where, widget)
        for where, widget in found
        if (widget.attrs.get("type") or getattr(widget, "input_type", "")) in PICKERS
    ]


def test_every_date_picker_renders_an_iso_value():
    widgets = date_widgets()
    where = {name for name, _ in widgets}
    # The termly report's, the behaviour filters' and the calendar's pickers are among those checked.
    assert {"pastoral.files.reports.TermlyReportForm.start", "behaviour.events.filters.EventFilterSet.start"} <= where
    assert "pastoral.forms.TermForm.start" in where
    wrong = []
    for name, widget in widgets:
        kind = widget.attrs.get("type") or widget.input_type
        html = widget.render("x", PICKERS[kind])
        if ISO[kind] not in html or f'type="{kind}"' not in html:
            wrong.append(f"{name}: {html}")
    assert wrong == []


@pytest.fixture
def last_summer_term(school):
    year = AcademicYear.objects.create(
        school=school, name="2025/26", start=datetime.date(2025, 9, 1), end=datetime.date(2026, 8, 31)
    )
    return Term.objects.create(
        academic_year=year, name="Summer", start=datetime.date(2026, 4, 20), end=datetime.date(2026, 7, 22)
    )


def test_the_termly_report_dates_arrive_filled_in(client, headteacher, school, last_summer_term, as_user):
    assert reports.default_period(school, today=datetime.date(2026, 12, 3)) == (
        datetime.date(2026, 4, 20),
        datetime.date(2026, 7, 22),
    )
    as_user(headteacher)
    for url in (reverse("pastoral:termly_report"), reverse("pastoral:home")):
        page = client.get(url).content.decode()
        assert 'type="date" name="start" value="2026-04-20"' in page, url
        assert 'type="date" name="end" value="2026-07-22"' in page, url
        assert "20/04/2026" not in page
