"""A new school's first headteacher in a real browser: the printed link, a password, two-factor, then the dates."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pastoral.models import AcademicYear, School, Term, User
from tests.test_browser import current_code

pytestmark = pytest.mark.browser

PASSWORD = "quiet-harbour-lantern-2026"


def test_the_first_head_follows_the_printed_link_to_a_password_two_factor_and_a_filled_in_report_form(
    live_server, page, transactional_db, settings
):
    settings.SITE_URL = live_server.url
    out = io.StringIO()
    call_command(
        "setup_trust",
        "--trust-name=Oakwood Learning Trust",
        "--school=Oakwood Academy:137456",
        "--head-username=j.khan",
        "--head-email=j.khan@oakwood.sch.uk",
        "--head-first-name=Jamila",
        "--head-last-name=Khan",
        "--no-input",
        stdout=out,
    )
    link = re.search(rf"{re.escape(live_server.url)}/accounts/reset/\S+/", out.getvalue()).group(0)

    page.goto(link)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email").fill("j.khan")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    device = TOTPDevice.objects.get(user=User.objects.get(username="j.khan"), confirmed=False)
    page.get_by_label("6-digit code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    page.get_by_role("link", name="I have saved them – continue").click()
    expect(page.get_by_role("heading", name="Hello Jamila")).to_be_visible()
    expect(page.get_by_role("link", name="Manage staff accounts")).to_be_visible()

    # The termly report's dates reach the browser's date pickers filled in (they used to arrive blank).
    school = School.objects.get()
    year = AcademicYear.objects.create(
        school=school, name="2025/26", start=datetime.date(2025, 9, 1), end=datetime.date(2026, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Summer", start=datetime.date(2026, 4, 20), end=datetime.date(2026, 7, 22)
    )
    page.goto(live_server.url + reverse("pastoral:termly_report"))
    expect(page.locator("input[type=date][name=start]")).to_have_value("2026-04-20")
    expect(page.locator("input[type=date][name=end]")).to_have_value("2026-07-22")
