"""A teacher raises a concern with a body-map mark; the DSL, signed in with TOTP, triages it from the dashboard."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from safeguarding.models import Concern

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
CODE_LABEL = "6-digit code from your authenticator app"


def sign_in(page, live_server, username):
    device = TOTPDevice.objects.get(user__username=username)
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:home"))


def test_a_teacher_raises_a_concern_with_a_body_mark_and_the_dsl_triages_it(live_server, browser, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.TEACHER, "teacher")
    dsl = make_staff(school, Role.DSL, "dsl")
    PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")

    page = browser.new_page()
    sign_in(page, live_server, "teacher")
    page.get_by_role("link", name="Raise a concern").click()
    expect(page.get_by_role("heading", name="Raise a safeguarding concern")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_role("combobox", name=re.compile("^Pupils")).press_sequentially("ainsw")
    page.locator("#id_pupils-results [role=option]", has_text="Zoë Ainsworth").click()
    expect(page.get_by_role("list", name="Chosen pupils")).to_contain_text("Zoë Ainsworth")
    page.get_by_label("Category").select_option(label="Physical abuse")
    page.get_by_label("What you saw or heard").fill("Bruising on the upper arm seen in PE")
    page.get_by_label("The child's own words").fill("Dad grabbed me")
    page.locator('svg[data-side="front"]').click(position={"x": 130, "y": 115})
    note = page.get_by_label("Note for mark 1 (front)")
    expect(note).to_be_focused()
    note.fill("Three oval bruises")
    expect(page.locator('svg[data-side="front"] .marks circle')).to_have_count(1)
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("heading", name="Your concern was received")).to_be_visible()
    expect(page.get_by_text(str(dsl))).to_be_visible()
    expect(page.get_by_text("Dad grabbed me")).to_have_count(0)
    concern = Concern.objects.get()
    mark = concern.marks.get()
    assert mark.side == "front" and mark.note == "Three oval bruises" and 55 < mark.x < 90
    page.close()

    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    expect(page.get_by_text(f"New concern: {concern.title}")).to_be_visible()
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    expect(page.get_by_role("heading", name="Safeguarding dashboard")).to_be_visible()
    page.get_by_role("link", name=concern.title).first.click()
    expect(page.get_by_text("Dad grabbed me")).to_be_visible()
    expect(page.locator(".body-map circle")).to_have_count(1)
    page.get_by_label("Referral to children's social care").check()
    page.get_by_role("button", name="Record decision").click()
    # A decision without its reason is stopped at the field.
    reason = page.get_by_label("Reason for this decision")
    assert reason.evaluate("field => field.validity.valueMissing")
    assert not concern.decisions.exists()
    reason.fill("Unexplained injury and disclosure; threshold met")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded with its reason.")).to_be_visible()
    expect(page.locator("#h-decisions + p")).to_contain_text(re.compile("Referral to children's social care"))
    concern.refresh_from_db()
    assert concern.decision == "csc" and concern.owner == dsl and concern.status == "open"
    page.close()
