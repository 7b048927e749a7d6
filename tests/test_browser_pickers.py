"""The one picker in a real browser: two pupils chosen by keyboard on the incident form, a member of staff on
the meeting form, and no "hold Ctrl" multi-select left on any form that chooses pupils, staff or incidents."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from behaviour.models import Incident
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.meetings.models import Meeting
from pastoral.tests.factories import MembershipFactory, PupilFactory, SchoolFactory
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser


def _school():
    school = SchoolFactory(name="Northfield Academy")
    head = make_staff(school, Role.DSL, "dsl")
    # One person who opens every form below: the roles a small school's head might hold together.
    for role in (Role.HEADTEACHER, Role.MEDICAL_LEAD, Role.SENCO):
        MembershipFactory(user=head, school=school, trust=school.trust, role=role)
    MembershipFactory(
        user__first_name="Gareth", user__last_name="Hughes", school=school, trust=school.trust, role=Role.TEACHER
    )
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", year_group=9, form="9A")
    PupilFactory(school=school, legal_first_name="Zak", legal_last_name="Ainsley", year_group=8, form="8C")
    PupilFactory(school=school, legal_first_name="Bilal", legal_last_name="Ahmed", year_group=9, form="9B")
    elsewhere = SchoolFactory(name="Riverside Primary")
    PupilFactory(school=elsewhere, legal_first_name="Zoë", legal_last_name="Ainsbury")
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    event = BehaviourEventFactory(pupil=zoe, category=fighting, recorded_by=head)
    return school, zoe, event


def test_two_pupils_by_keyboard_on_the_incident_form_and_a_colleague_on_the_meeting_form(
    live_server, browser, transactional_db
):
    school, zoe, event = _school()
    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("behaviour:incident_create", args=[event.code]))

    search = page.get_by_role("combobox", name=re.compile("^Other pupils involved"))
    search.press_sequentially("ains")
    options = page.locator("[data-picker-results] [role=option]")
    # The other school's Zoë Ainsbury is never offered.
    expect(options).to_have_count(2)
    expect(page.get_by_text("2 matches; use the down arrow to choose.")).to_be_attached()
    expect(options.first).to_contain_text("Zak Ainsley")
    expect(options.nth(1)).to_contain_text("Zoë Ainsworth")
    search.fill("")
    search.press_sequentially("ahmed")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Year 9 · 9B")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    chips = page.get_by_role("list", name="Chosen pupils")
    expect(chips).to_contain_text("Bilal Ahmed (Year 9)")

    page.keyboard.type("zak")
    expect(options).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chips).to_contain_text("Zak Ainsley (Year 8)")
    # Escape closes the matches; Enter with nothing offered does not submit a half-filled form.
    page.keyboard.type("zak")
    expect(options).to_have_count(1)
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    page.keyboard.press("Enter")
    expect(search).to_have_value("zak")
    assert not Incident.objects.exists()

    page.get_by_label("What happened before (antecedent)").fill("Pushed in the lunch queue")
    page.get_by_label("The behaviour").fill("Punched the other pupil twice")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Record incident detail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Incident")
    incident = Incident.objects.get()
    assert {pupil.display_name for pupil in incident.pupils.all()} == {"Zoë Ainsworth", "Bilal Ahmed", "Zak Ainsley"}

    page.goto(live_server.url + reverse("pastoral:meeting_create", args=[zoe.code]))
    page.locator("#id_held_on").fill("2025-10-01")
    staff = page.get_by_role("combobox", name=re.compile("^Staff attending"))
    staff.press_sequentially("hugh")
    expect(page.locator("[data-picker-results] [role=option]")).to_have_count(1)
    expect(page.locator("[data-picker-results] [role=option]").first).to_contain_text("Teacher / TA")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("list", name="Chosen staff")).to_contain_text("Gareth Hughes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meeting recorded.")).to_be_visible()
    assert [user.last_name for user in Meeting.objects.get().staff.all()] == ["Hughes"]


def test_a_chip_is_removed_with_its_button(live_server, browser, transactional_db):
    school, zoe, event = _school()
    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("behaviour:bullying_create"))
    search = page.get_by_role("combobox", name=re.compile("^Pupils bullied"))
    search.press_sequentially("zoe")
    expect(page.locator("[data-picker-results] [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")
    chips = page.get_by_role("list", name="Chosen pupils").first
    expect(chips).to_contain_text("Zoë Ainsworth (Year 9)")
    chips.get_by_role("button", name="Remove Zoë Ainsworth (Year 9)").click()
    expect(chips.get_by_role("listitem")).to_have_count(0)
    expect(page.get_by_text("Zoë Ainsworth (Year 9) removed. 0 chosen.")).to_be_attached()


def test_without_javascript_typed_names_are_resolved_or_refused(live_server, browser, transactional_db):
    school, zoe, event = _school()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("pastoral:meeting_create", args=[zoe.code]))
    page.locator("#id_held_on").fill("2025-10-01")
    typed = page.get_by_label("Or type names or email addresses, one a line")
    typed.fill("Gareth Hughes\nNobody Here")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("No member of staff matches “Nobody Here”. Check the spelling, or type the email address.")
    ).to_be_visible()
    expect(page.get_by_label("Or type names or email addresses, one a line")).to_have_value(
        "Gareth Hughes\nNobody Here"
    )
    assert not Meeting.objects.exists()
    page.get_by_label("Or type names or email addresses, one a line").fill("Gareth Hughes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meeting recorded.")).to_be_visible()
    assert [user.last_name for user in Meeting.objects.get().staff.all()] == ["Hughes"]
    context.close()


def test_no_form_that_chooses_pupils_staff_or_incidents_has_a_multi_select(live_server, browser, transactional_db):
    school, zoe, event = _school()
    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    pages = [
        reverse("behaviour:quick_log"),
        reverse("behaviour:event_edit", args=[event.code]),
        reverse("behaviour:incident_create", args=[event.code]),
        reverse("behaviour:bullying_create"),
        reverse("behaviour:restorative_create") + f"?event={event.code}",
        reverse("behaviour:intervention_create"),
        reverse("behaviour:suspension_create"),
        reverse("safeguarding:concern_create"),
        reverse("pastoral:meeting_create", args=[zoe.code]),
        reverse("medical:plan_create"),
        reverse("provision:group_start"),
    ]
    for url in pages:
        page.goto(live_server.url + url)
        expect(page.locator("[data-picker]").first).to_be_attached()
        assert page.locator("select[multiple]").count() == 0, url
        expect(page.locator("[data-picker] [role=combobox]").first).to_be_visible()


def test_one_colleague_by_keyboard_and_the_cover_box_offers_the_dsl_team_only(live_server, browser, transactional_db):
    school, zoe, event = _school()
    MembershipFactory(
        user__first_name="Dana", user__last_name="Hughes", school=school, trust=school.trust, role=Role.DEPUTY_DSL
    )
    page = browser.new_page()
    sign_in(page, live_server, "dsl")
    page.goto(live_server.url + reverse("safeguarding:team"))
    cover = page.get_by_role("combobox", name=re.compile("^DSL or deputy"))
    cover.press_sequentially("hugh")
    options = page.locator("[data-picker-results] [role=option]")
    # Gareth Hughes teaches: not offered as DSL cover.
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Dana Hughes")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    dana = school.memberships.get(role=Role.DEPUTY_DSL).user
    expect(page.locator('input[type="hidden"][name="staff"]')).to_have_value(str(dana.code))

    # The single staff fields that used to be drop-downs are pickers now.
    pages = {
        reverse("behaviour:incident_create", args=[event.code]): ["parents_informed_by"],
        reverse("behaviour:removal_create"): ["supervised_by", "parents_told_by"],
        reverse("medical:accident_create"): ["treated_by", "parents_informed_by"],
        reverse("pastoral:meeting_create", args=[zoe.code]): ["owner_1", "owner_2", "owner_3"],
        reverse("safeguarding:team"): ["staff"],
    }
    for url, names in pages.items():
        page.goto(live_server.url + url)
        for name in names:
            assert page.locator(f'select[name="{name}"]').count() == 0, (url, name)
            expect(page.locator(f'[data-picker] input[name="{name}_text"][role=combobox]')).to_be_visible()
