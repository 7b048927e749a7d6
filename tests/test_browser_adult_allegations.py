"""A teacher raises an allegation about a colleague and sees only a receipt; the headteacher, as case manager,
records the referral to the LADO and the outcome; the teacher and a DSL whose school has not chosen to share case
management are refused the case."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import SchoolFactory
from safeguarding.adults.models import AdultCase

from .test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser

ACCOUNT = "Pulled a Year 8 pupil out of the lunch queue by the wrist"


def test_a_teacher_raises_an_allegation_and_the_head_manages_it(live_server, browser, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.TEACHER, "teacher")
    colleague = make_staff(school, Role.TEACHER, "colleague")
    make_staff(school, Role.HEADTEACHER, "head")
    make_staff(school, Role.DSL, "dsl")

    page = browser.new_page()
    sign_in(page, live_server, "teacher")
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_role("link", name="Raise it in confidence with the headteacher").click()
    expect(page.get_by_role("heading", name="Raise a concern about an adult")).to_be_visible()
    page.get_by_label("Allegation (may meet the harm threshold)").check()
    page.get_by_label("Member of staff").select_option(label=str(colleague))
    page.get_by_label("They are").select_option(label="Member of staff")
    page.get_by_label("What kind of behaviour").select_option(label="Physical contact or harm")
    page.get_by_label("What happened").fill(ACCOUNT)
    page.get_by_role("button", name="Submit in confidence").click()
    expect(page.get_by_role("heading", name="Your concern about an adult was received")).to_be_visible()
    expect(page.get_by_text(ACCOUNT)).to_have_count(0)
    case = AdultCase.objects.get()
    assert case.subject_user == colleague and case.kind == "allegation"
    case_url = live_server.url + reverse("safeguarding:adult_case_detail", args=[case.code])
    assert page.goto(case_url).status == 403
    assert page.goto(live_server.url + reverse("safeguarding:adult_case_list")).status == 403
    page.close()

    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    assert page.goto(case_url).status == 403
    expect(page.get_by_text(ACCOUNT)).to_have_count(0)
    page.close()

    page = browser.new_page()
    sign_in(page, live_server, "head")
    page.get_by_role("link", name="Concerns about adults").click()
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()
    page.get_by_label("The LADO's advice").fill("Threshold met; strategy discussion on Monday")
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("Referral to the LADO recorded.")).to_be_visible()
    expect(page.locator("#lado")).to_contain_text("Threshold met; strategy discussion on Monday")
    page.get_by_label("Outcome").select_option(label="Unfounded")
    page.get_by_label("Reasons and action taken").fill("Witnesses agree he only pointed to the back of the queue")
    page.get_by_role("button", name="Conclude").click()
    expect(page.get_by_text("Case concluded; its retention rule is recorded.")).to_be_visible()
    expect(page.locator("#conclusion")).to_contain_text("Unfounded")
    case.refresh_from_db()
    assert case.lado_referred_on == timezone.localdate() and case.lado_referred_by.username == "head"
    assert case.outcome == "unfounded" and case.retention == "keep" and case.status == "concluded"
    page.close()
