"""A behaviour support plan in a real browser: a pastoral lead writes and shares it, a teacher acknowledges it
and then sees the "How to support me" card beside the pupil in the quick log."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision.plans.models import PlanAcknowledgement, SupportPlan
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user, greeting):
    sign_in_with_password(page, live_server, user.username)
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=greeting)).to_be_visible()


def test_a_lead_writes_and_shares_a_bsp_and_a_teacher_acknowledges_it_then_sees_the_card(
    live_server, page, transactional_db
):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    teacher = make_staff(school, Role.TEACHER, "teacher")
    PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")

    _sign_in(page, live_server, lead, "Hello Plead")
    page.get_by_role("button", name="Support", exact=True).click()
    page.get_by_role("link", name="Support plans").first.click()
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_role("combobox", name=re.compile("^Pupil")).fill("ainsw")
    page.locator("[data-picker-results] [role=option]", has_text="Zoë Ainsworth").click()
    page.get_by_label("Kind of plan").select_option(label="Behaviour support plan / positive handling plan")
    page.get_by_label("Title").fill("Support when work feels hard")
    page.get_by_role("button", name="Start the draft").click()

    expect(page.get_by_role("heading", name=re.compile("Behaviour support plan"))).to_be_visible()
    page.get_by_label("Behaviours of concern and what they communicate").fill("Leaves the room: it feels too hard")
    page.get_by_label("Known triggers").fill("Being asked to read aloud")
    page.get_by_label("Proactive strategies").fill("Offer a choice of two tasks")
    page.get_by_label("What to avoid").fill("Raising your voice")
    page.get_by_label("None agreed").check()
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as a new version.")).to_be_visible()

    page.get_by_role("link", name="Record the agreement").click()
    page.get_by_label("Agreed with").fill("Mum, Zoë and her keyworker")
    page.get_by_role("button", name="Agree and make active").click()
    expect(page.get_by_text("The plan is agreed and active.")).to_be_visible()

    page.get_by_text("Share with more staff").click()
    page.get_by_role("combobox", name="Named staff").press_sequentially("teacher")
    page.locator("#id_users-results [role=option]", has_text="Teacher Tester").click()
    expect(page.get_by_role("list", name="Chosen staff")).to_contain_text("Teacher Tester")
    page.get_by_role("button", name="Share and ask them to read it").click()
    expect(page.get_by_text("Shared with 1 more.")).to_be_visible()
    expect(page.locator("#outstanding-readers")).to_contain_text("Teacher Tester")
    plan = SupportPlan.objects.get()
    assert plan.status == SupportPlan.Status.ACTIVE and plan.version == 2

    page.context.clear_cookies()
    _sign_in(page, live_server, teacher, "Hello Teacher")
    expect(page.get_by_role("heading", name="Support plans to read")).to_be_visible()
    page.get_by_role("link", name="Zoë Ainsworth: behaviour support plan").click()
    page.get_by_role("button", name="I have read and understood this plan").click()
    expect(page.get_by_text("You have read and understood version 2")).to_be_visible()
    assert PlanAcknowledgement.objects.filter(plan=plan, user=teacher, version=2).exists()

    page.goto(live_server.url + reverse("behaviour:quick_log"))
    expect(page.get_by_text("How to support me")).to_have_count(0)
    page.get_by_role("combobox", name=re.compile("^Pupils")).press_sequentially("ainsw")
    page.locator("#id_pupils-results [role=option]", has_text="Zoë Ainsworth").click()
    card = page.locator("[data-pupil-cards-beside]")
    expect(card).to_contain_text("How to support me")
    expect(card).to_contain_text("Offer a choice of two tasks")
    expect(card).to_contain_text("Raising your voice")
