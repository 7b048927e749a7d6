"""A physical intervention in a real browser: record it, tell the parents, sign it off."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.interventions.services import techniques_seed_defaults
from behaviour.models import RestrictiveIntervention
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_dsl_records_an_intervention_reports_it_to_parents_and_signs_it_off(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    dsl = make_staff(school, Role.DSL, "dsl")
    teacher = make_staff(school, Role.TEACHER, "teacher")
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", sen_status="E")
    techniques_seed_defaults(school=school)

    sign_in_with_password(page, live_server, "dsl")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=dsl)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Dsl")).to_be_visible()

    page.goto(live_server.url + reverse("behaviour:event_list"))
    page.get_by_role("link", name="Physical interventions").click()
    page.get_by_role("link", name="Record an intervention").click()
    expect(page.get_by_role("heading", name="Record a physical intervention")).to_be_visible()

    # The pupil is found by typing and chosen by keyboard: down arrow to highlight the match, Enter.
    page.get_by_role("combobox", name=re.compile("^Pupil")).fill("ainsw")
    result = page.locator("[data-picker-results] [role=option]", has_text="Zoë Ainsworth")
    expect(result).to_be_visible()
    page.get_by_role("combobox", name=re.compile("^Pupil")).press("ArrowDown")
    expect(result).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name=re.compile("^Pupil"))).to_have_value(re.compile("^Zoë Ainsworth"))
    expect(page.locator('input[type="hidden"][name="pupil"]')).to_have_value(str(zoe.code))
    page.get_by_label("Start time").fill("10:05")
    page.get_by_label("End time").fill("10:13")
    page.get_by_label("Where exactly").fill("Corridor outside the hall")
    staff = page.get_by_role("combobox", name=re.compile("^Staff involved"))
    for text, name in (("dsl", "Dsl Tester"), ("teacher", "Teacher Tester")):
        staff.press_sequentially(text)
        expect(page.locator("#id_staff_involved-results [role=option]", has_text=name)).to_be_visible()
        staff.press("Enter")
    expect(page.get_by_role("list", name="Chosen staff").first).to_contain_text("Teacher Tester")
    page.get_by_label("What happened before").fill("Shouted at a peer after a football dispute, then ran at him.")
    page.get_by_label("Calm voice and body language").check()
    page.get_by_label("Offered space or time out").check()
    page.get_by_label("Reasonable force").check()
    # Saving without a rationale is refused, and what was typed stays.
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_role("alert")).to_contain_text("Why it was necessary")
    assert not RestrictiveIntervention.objects.exists()
    expect(page.get_by_label("Where exactly")).to_have_value("Corridor outside the hall")
    expect(page.locator('input[type="hidden"][name="pupil"]')).to_have_value(str(zoe.code))
    expect(page.get_by_text("Chosen: Zoë Ainsworth")).to_be_visible()

    page.get_by_label("Hold or technique").select_option(label="Single elbow (Team Teach)")
    page.get_by_label("Why it was necessary").fill("He was about to hit a younger pupil; words had not worked.")
    page.get_by_label("Support offered afterwards").fill("Calm room with his keyworker, then a drink and a snack.")
    page.get_by_role("button", name="Save record").click()

    record = RestrictiveIntervention.objects.get()
    expect(page).to_have_url(live_server.url + reverse("behaviour:intervention_detail", args=[record.code]))
    expect(page.get_by_text("Parents or carers have not been told yet")).to_be_visible()
    # The teacher named has no Team Teach record, so the record flags it.
    expect(page.get_by_text("had no in-date positive-handling training")).to_be_visible()
    assert record.duration_minutes == 8 and record.sen_status == "E"
    assert set(record.staff_involved.all()) == {dsl, teacher}

    page.get_by_role("link", name="Record telling parents").click()
    page.get_by_label("Who was told").fill("Mum (Sarah Ainsworth)")
    page.get_by_label("What was said").fill("Told her where and when, 8 minutes, single elbow hold, no injuries, why.")
    page.get_by_role("button", name="Save report to parents").click()
    expect(page.get_by_text("Report to parents recorded.")).to_be_visible()
    expect(page.get_by_text("the same day")).to_be_visible()

    page.get_by_role("link", name="Review and sign off").click()
    page.locator("input[name=proportionate][value=yes]").check()
    page.locator("input[name=in_line_with_training][value=yes]").check()
    page.locator("input[name=support_plan_review][value=no]").check()
    page.get_by_label("Learning points").fill("Triggers at lunch; plan a quieter space.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Intervention signed off.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Review and sign-off"))).to_be_visible()

    record.refresh_from_db()
    assert record.parent_reported_by == dsl
    assert timezone.localdate(record.parent_reported_at) == record.occurred_on
    assert record.reviewed_by == dsl and record.proportionate and record.support_plan_review is False
    actions = set(AuditEntry.objects.filter(pupil=zoe).values_list("action", flat=True))
    assert {
        "behaviour.intervention.recorded",
        "behaviour.intervention.parents_reported",
        "behaviour.intervention.reviewed",
    } <= actions
