"""A headteacher records half term and the bank holidays in a real browser."""

import datetime

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AcademicYear, SchoolClosure, Term
from pastoral.tests.factories import SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_headteacher_adds_half_term_sees_an_overlap_beside_the_field_and_adds_bank_holidays(
    live_server, page, transactional_db
):
    school = SchoolFactory(name="Northfield Academy")
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    for name, start, end in [
        ("Autumn", datetime.date(2026, 9, 3), datetime.date(2026, 12, 18)),
        ("Spring", datetime.date(2027, 1, 5), datetime.date(2027, 3, 26)),
        ("Summer", datetime.date(2027, 4, 12), datetime.date(2027, 7, 21)),
    ]:
        Term.objects.create(academic_year=year, name=name, start=start, end=end)
    make_staff(school, Role.HEADTEACHER, "head")
    sign_in_with_password(page, live_server, "head")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user__username="head")))
    page.get_by_role("button", name="Continue").click()

    page.goto(live_server.url + reverse("pastoral:calendar"))
    page.get_by_label("Kind").select_option(label="Half-term holiday")
    page.locator("#id_closure-name").fill("Autumn half term")
    page.get_by_label("First day").fill("2026-10-26")
    page.get_by_label("Last day").fill("2026-10-30")
    page.get_by_role("button", name="Add closure").click()
    expect(page.get_by_role("cell", name="Autumn half term", exact=True)).to_be_visible()

    page.get_by_label("Kind").select_option(label="INSET (staff training) day")
    page.locator("#id_closure-name").fill("INSET day")
    page.get_by_label("First day").fill("2026-10-30")
    page.get_by_label("Last day").fill("2026-10-30")
    page.get_by_role("button", name="Add closure").click()
    expect(page.get_by_text("These dates overlap Autumn half term")).to_be_visible()
    expect(page.get_by_label("First day")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_closure-name")).to_have_value("INSET day")

    page.get_by_role("button", name="Add the England bank holidays for 2026/27").click()
    expect(page.get_by_text("Added 3 bank holidays to 2026/27")).to_be_visible()
    assert SchoolClosure.objects.filter(school=school, kind="bank_holiday").count() == 3
