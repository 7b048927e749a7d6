"""The single-pupil picker in a real browser: by keyboard with JavaScript, and as a plain text box without."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from safeguarding.models import FileTransfer
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser


def _school():
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.DSL, "dsl")
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    PupilFactory(school=school, legal_first_name="Zak", legal_last_name="Ainsley")
    other = SchoolFactory(name="Riverside Primary")
    PupilFactory(school=other, legal_first_name="Zoë", legal_last_name="Ainsbury")
    return zoe


def _fill_the_rest(page):
    page.get_by_label("Kind").select_option("in_year")
    page.get_by_label("Leave date").fill("2026-01-06")
    page.get_by_label("Destination school", exact=True).fill("Moor End High")


def test_a_dsl_chooses_the_pupil_for_a_transfer_by_keyboard(live_server, browser, transactional_db):
    zoe = _school()
    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("safeguarding:transfer_create"))

    search = page.get_by_role("combobox", name=re.compile("^Pupil"))
    search.press_sequentially("ains")
    results = page.locator("[data-picker-results] [role=option]")
    expect(results).to_have_count(2)  # the other school's Zoë Ainsbury is never offered
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(results.nth(1)).to_have_attribute("aria-selected", "true")
    expect(results.nth(1)).to_contain_text("Zoë Ainsworth")
    expect(search).to_be_focused()  # the focus stays in the box; the highlighted match is its active descendant
    page.keyboard.press("Enter")
    expect(search).to_be_focused()
    expect(search).to_have_value(re.compile("^Zoë Ainsworth"))
    _fill_the_rest(page)
    page.get_by_role("button", name="Start transfer").click()

    expect(page.get_by_text("Transfer started")).to_be_visible()
    assert FileTransfer.objects.get().pupil == zoe


def test_without_javascript_a_typed_name_is_resolved_or_refused(live_server, browser, transactional_db):
    zoe = _school()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("safeguarding:transfer_create"))

    search = page.get_by_role("searchbox", name=re.compile("^Pupil"))
    search.fill("Ains")
    _fill_the_rest(page)
    page.get_by_role("button", name="Start transfer").click()
    expect(page.get_by_text("2 pupils match “Ains”. Type more of the name, or the UPN.", exact=True)).to_be_visible()
    assert not FileTransfer.objects.exists()

    page.get_by_role("searchbox", name=re.compile("^Pupil")).fill("Zoe Ainsworth")
    page.get_by_role("button", name="Start transfer").click()
    expect(page.get_by_text("Transfer started")).to_be_visible()
    assert FileTransfer.objects.get().pupil == zoe
    context.close()
