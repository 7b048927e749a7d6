"""Pupils' roles in a real browser: a role select beside each chosen pupil's chip on the quick log and the
incident form, "Involved" unless changed."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from behaviour.models import BehaviourEvent, Incident
from behaviour.tests.factories import BehaviourCategoryFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser_accessibility import _violations
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser


def _choose(page, name, search):
    box = page.get_by_role("combobox", name=re.compile(f"^{name}"))
    box.press_sequentially(search)
    expect(page.locator("[data-picker-results] [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")


def test_roles_are_chosen_beside_each_pupil_on_the_quick_log_and_the_incident(live_server, browser, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.PASTORAL_LEAD, "plead")
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", year_group=9)
    PupilFactory(school=school, legal_first_name="Bilal", legal_last_name="Okafor", year_group=9)
    PupilFactory(school=school, legal_first_name="Cara", legal_last_name="Nwosu", year_group=9)
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    # The policy is bypassed only so that axe-core can be injected to check the chips with their selects.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, "plead")

    # Zoë is chosen already (from her profile's link): her chip came from the server and keeps its select.
    page.goto(live_server.url + reverse("behaviour:quick_log") + f"?pupil={zoe.code}")
    _choose(page, "Pupils", "okaf")
    chips = page.get_by_role("list", name="Chosen pupils")
    zoe_role = chips.get_by_role("combobox", name="Role of Zoë Ainsworth (Year 9)")
    bilal_role = chips.get_by_role("combobox", name="Role of Bilal Okafor (Year 9)")
    expect(zoe_role).to_have_value("involved")
    expect(bilal_role).to_have_value("involved")
    zoe_role.select_option("instigator")
    bilal_role.select_option("target")
    assert _violations(page) == []
    page.locator("label.form-check-label", has_text="Fighting").click()
    page.get_by_label("What happened").fill("Punches thrown in the lunch queue")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged for 2 pupils.")).to_be_visible()
    roles = {event.pupil.first_name: event.role for event in BehaviourEvent.objects.select_related("pupil")}
    assert roles == {"Zoë": "instigator", "Bilal": "target"}

    event = BehaviourEvent.objects.get(pupil=zoe)
    assert event.category == fighting
    page.goto(live_server.url + reverse("behaviour:incident_create", args=[event.code]))
    expect(page.get_by_label("Bilal Okafor's role")).to_have_value("target")
    _choose(page, "Other pupils involved", "nwos")
    cara_role = page.get_by_role("list", name="Chosen pupils").get_by_role(
        "combobox", name="Role of Cara Nwosu (Year 9)"
    )
    cara_role.select_option("witness")
    assert _violations(page) == []
    page.get_by_label("What happened before (antecedent)").fill("Pushed in the lunch queue")
    page.get_by_label("The behaviour").fill("Punched the other pupil twice")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Record incident detail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Incident")
    incident = Incident.objects.get()
    roles = {item.pupil.first_name: item.role for item in incident.involvements.select_related("pupil")}
    assert roles == {"Zoë": "instigator", "Bilal": "target", "Cara": "witness"}
    expect(page.get_by_text("Cara Nwosu (witness)")).to_be_visible()
    context.close()
