"""A headteacher drafts and decides a suspension in a real browser."""

import datetime
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.models import GovernorTask, Suspension
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.demo import term_dates
from pastoral.models import AcademicYear, Term
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_headteacher_drafts_then_finalises_a_suspension(live_server, page, transactional_db):
    importlib.import_module("behaviour.migrations.0006_reason_codes_data").add_codes(django_apps, None)
    school = SchoolFactory(name="Northfield Academy")
    today = timezone.localdate()
    first = today.year if today.month >= 9 else today.year - 1
    for start_year in (first, first + 1):
        year = AcademicYear.objects.create(
            school=school,
            name=f"{start_year}/{start_year + 1}",
            start=datetime.date(start_year, 9, 1),
            end=datetime.date(start_year + 1, 8, 31),
        )
        for name, start, end in term_dates(start_year):
            Term.objects.create(academic_year=year, name=name, start=start, end=end)
    autumn = Term.objects.filter(academic_year__school=school).order_by("start").first()
    monday = autumn.start + datetime.timedelta(days=7 - autumn.start.weekday())
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    make_staff(school, Role.HEADTEACHER, "head")
    sign_in_with_password(page, live_server, "head")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user__username="head")))
    page.get_by_role("button", name="Continue").click()

    page.goto(live_server.url + reverse("behaviour:event_list"))
    page.get_by_role("link", name="Suspensions").click()
    page.get_by_role("link", name="Draft a suspension").click()
    page.get_by_role("combobox", name=re.compile("^Pupil")).fill("zoe")
    page.locator("[data-picker-results] [role=option]", has_text="Zoë Ainsworth").click()
    expect(page.locator('input[type="hidden"][name="pupil"]')).to_have_value(str(pupil.code))
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Length (school days)").fill("6")
    page.get_by_label("VA – Verbal abuse / threatening behaviour against an adult").check()
    page.get_by_label("What happened and why this decision").fill("Threatened a member of staff")
    page.get_by_label("Work set for days 1–5").fill("Work packs for each subject")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name=re.compile("6 school days"))).to_be_visible()
    expect(page.get_by_text("record the full-time provision from day 6")).to_be_visible()
    page.screenshot(path="/tmp/suspension-draft.png", full_page=True)

    page.get_by_role("button", name="Finalise the decision").click()
    expect(page.get_by_role("heading", name="The decision cannot be finalised yet")).to_be_visible()
    page.get_by_role("link", name="Change draft").click()
    page.get_by_label("Full-time provision from day 6").fill("Place at the trust's inclusion centre")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Finalise the decision").click()
    expect(page.get_by_text("Decision finalised.")).to_be_visible()
    page.screenshot(path="/tmp/suspension-final.png", full_page=True)
    suspension = Suspension.objects.get(pupil=pupil)
    assert suspension.status == "finalised"
    assert set(GovernorTask.objects.values_list("kind", flat=True)) == {"notify", "representations"}
