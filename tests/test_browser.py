"""The daily journey in a real browser: sign in with two-factor, find a pupil, hide the screen.

These cover what only a browser can show: htmx type-ahead, keyboard moves
into the results, and the blank screen that app.js draws over pupil data.
"""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
MEDICAL_ALERT = "Anaphylaxis – adrenaline pen in the school office"
CODE_LABEL = "6-digit code from your authenticator app"


def code_at(device, drift):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift):06d}"


def current_code(device):
    return code_at(device, 0)


def wrong_code(device):
    # The device accepts one step either side, so a wrong code must miss all three.
    accepted = {code_at(device, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


@pytest.fixture
def cast(transactional_db):
    # live_server runs in another thread, so the data must be committed, not
    # held in a test transaction it cannot see.
    school = SchoolFactory(name="Northfield Academy")
    dsl = make_staff(school, Role.DSL, "dsl")
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", medical_alert=MEDICAL_ALERT)
    # Each matches one word of "zoe ains" only, so the search must need every word.
    PupilFactory(school=school, legal_first_name="Zoe", legal_last_name="Bramwell")
    PupilFactory(school=school, legal_first_name="Aisha", legal_last_name="Ainsley")
    PupilFactory(school=school, legal_first_name="Oliver", legal_last_name="Price")
    return SimpleNamespace(school=school, dsl=dsl, zoe=zoe, device=TOTPDevice.objects.get(user=dsl))


def sign_in_with_password(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:mfa_verify"))))
    expect(page.get_by_role("heading", name="Enter your authenticator code")).to_be_visible()


def test_a_dsl_signs_in_finds_a_pupil_by_keyboard_and_blanks_the_screen(live_server, page, cast):
    sign_in_with_password(page, live_server, "dsl")
    page.get_by_label(CODE_LABEL).fill(current_code(cast.device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:home"))
    expect(page.get_by_role("heading", name="Hello Dsl")).to_be_visible()

    # htmx is a deferred script; typing before it loads sends no request.
    page.wait_for_function("() => window.htmx !== undefined")
    search = page.get_by_label("Find a pupil by name or UPN")
    search.press_sequentially("zoe ains")
    results = page.locator("#pupil-search-results a")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Zoë Ainsworth")

    search.press("ArrowDown")
    expect(results.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("pastoral:pupil_detail", args=[cast.zoe.code]))
    name = page.get_by_role("heading", name="Zoë Ainsworth", level=1)
    alert = page.get_by_text(MEDICAL_ALERT)
    expect(name).to_be_visible()
    expect(alert).to_be_visible()

    overlay = page.get_by_role("dialog", name="Screen hidden")
    show_again = page.get_by_role("button", name="Show the page again")
    page.get_by_role("button", name="Blank screen").click()
    expect(name).to_be_hidden()
    expect(alert).to_be_hidden()
    expect(overlay).to_be_visible()
    expect(show_again).to_be_visible()
    # The tab title would otherwise still name the pupil.
    expect(page).not_to_have_title(re.compile("Ainsworth"))

    show_again.click()
    expect(overlay).to_be_hidden()
    expect(name).to_be_visible()
    expect(page).to_have_title(re.compile("Zoë Ainsworth"))

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(overlay).to_be_visible()
    expect(name).to_be_hidden()

    assert AuditEntry.objects.filter(action="pastoral.pupil.viewed", actor=cast.dsl, pupil=cast.zoe).exists()


def test_a_wrong_code_is_explained_beside_the_field_and_keeps_the_user_on_the_check(live_server, page, cast):
    sign_in_with_password(page, live_server, "dsl")
    field = page.get_by_label(CODE_LABEL)
    field.fill(wrong_code(cast.device))
    page.get_by_role("button", name="Continue").click()

    error = page.get_by_text("That code is not right")
    expect(error).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("That code is not right"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:mfa_verify"))))
    expect(page.get_by_role("heading", name="Enter your authenticator code")).to_be_visible()
    expect(page.get_by_role("button", name="Blank screen")).to_have_count(0)
    assert not AuditEntry.objects.filter(action="auth.mfa.verified", actor=cast.dsl).exists()


def test_pastoral_staff_log_behaviour_for_two_pupils_from_the_quick_log(live_server, page, cast):
    from behaviour.events.services import categories_seed_defaults
    from behaviour.models import BehaviourEvent

    categories_seed_defaults(school=cast.school)
    make_staff(cast.school, Role.PASTORAL_STAFF, "pastoral")
    device = TOTPDevice.objects.get(user__username="pastoral")
    sign_in_with_password(page, live_server, "pastoral")
    page.get_by_label(CODE_LABEL).fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Pastoral")).to_be_visible()

    page.goto(live_server.url + reverse("behaviour:quick_log"))
    page.wait_for_function("() => window.htmx !== undefined")
    finder = page.get_by_role("combobox", name=re.compile("^Pupils"))
    for text, name in (("ainsw", "Zoë Ainsworth"), ("price", "Oliver Price")):
        finder.fill("")
        finder.press_sequentially(text)
        page.locator("#id_pupils-results [role=option]", has_text=name).click()
        expect(page.get_by_role("list", name="Chosen pupils")).to_contain_text(name)

    # Submitting without a category or description keeps both chosen pupils and what was typed.
    page.get_by_label("Witnesses").fill("Mr Patel")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    expect(page.get_by_role("list", name="Chosen pupils")).to_contain_text("Zoë Ainsworth")
    expect(page.get_by_role("list", name="Chosen pupils")).to_contain_text("Oliver Price")
    expect(page.get_by_label("Witnesses")).to_have_value("Mr Patel")
    assert not BehaviourEvent.objects.exists()

    page.get_by_label(re.compile("Disruption")).check()
    page.get_by_label("What happened").fill("Shouting across the corridor")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    events = BehaviourEvent.objects.filter(school=cast.school)
    assert events.count() == 2
    assert {e.pupil.legal_last_name for e in events} == {"Ainsworth", "Price"}
    assert len({e.group for e in events}) == 1

    # The one event shows on each pupil's own chronology.
    for event in events:
        page.goto(live_server.url + reverse("pastoral:pupil_detail", args=[event.pupil.code]))
        chronology = page.locator("ol.chronology")
        expect(chronology).to_contain_text("Negative: Disruption")
        expect(chronology).to_contain_text("Shouting across the corridor")
