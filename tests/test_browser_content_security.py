"""Key pages under the Content-Security-Policy in a real browser: nothing they need is refused.

Chromium reports every refused inline script, handler or style both on the console and as a
`securitypolicyviolation` event; either would mean a page lost behaviour or layout to the policy.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import GeneratedFile
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def cast(transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", year_group=9)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for _ in range(3):
        BehaviourEventFactory(pupil=zoe, category=disruption, occurred_at=yesterday, period="P2")
    GeneratedFile.objects.create(
        owner=lead,
        school=school,
        kind="behaviour.rewards_csv",
        status="running",
        progress=40,
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return SimpleNamespace(lead=lead, zoe=zoe)


def test_key_pages_run_under_the_policy_without_a_single_violation(live_server, page, cast):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    seen = []

    def check(name):
        violations = page.evaluate("window.__cspViolations")
        refused = [text for text in console if "Content Security Policy" in text or "Permissions-Policy" in text]
        assert violations == [], f"{name}: {violations}"
        assert refused == [], f"{name}: {refused}"
        seen.append(name)

    sign_in_with_password(page, live_server, "plead")
    check("sign-in")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=cast.lead)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Plead")).to_be_visible()
    # htmx is loaded and swaps results in; its indicator style element would be refused.
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("Find a pupil by name or UPN").press_sequentially("ainsw")
    expect(page.locator("#pupil-search-results a")).to_have_count(1)
    # Bootstrap's JavaScript (the account menu) works without inline script.
    page.get_by_role("button", name="Plead Tester").click()
    expect(page.get_by_role("link", name="My exports")).to_be_visible()
    check("home")

    page.goto(live_server.url + reverse("behaviour:quick_log"))
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_role("combobox", name=re.compile("^Pupils")).press_sequentially("ainsw")
    page.locator("#id_pupils-results [role=option]", has_text="Zoë Ainsworth").click()
    expect(page.get_by_role("list", name="Chosen pupils")).to_contain_text("Zoë Ainsworth")
    check("quick log")

    page.goto(live_server.url + reverse("safeguarding:concern_create"))
    page.locator('svg[data-side="front"]').click(position={"x": 130, "y": 115})
    expect(page.locator('svg[data-side="front"] .marks circle')).to_have_count(1)
    assert page.locator('svg[data-side="front"]').evaluate("svg => getComputedStyle(svg).cursor") == "crosshair"
    check("concern form with the body map")

    page.goto(live_server.url + reverse("pastoral:export_list"))
    bar = page.get_by_role("row", name="Reward points (CSV)").locator(".progress-bar")
    expect(bar).to_have_text("40%")
    # The width comes from the script, as the policy refuses style="" in the markup.
    assert bar.evaluate("bar => bar.style.width") == "40%"
    check("my exports")

    page.goto(live_server.url + reverse("behaviour:analytics"))
    expect(page.get_by_role("heading", name="Behaviour analytics at Northfield Academy")).to_be_visible()
    chart = page.get_by_role("img", name="Events by location")
    expect(chart).to_be_visible()
    assert chart.evaluate("svg => getComputedStyle(svg).fontSize") == "12px"
    check("analytics")

    page.goto(live_server.url + reverse("pastoral:pupil_detail", args=[cast.zoe.code]))
    expect(page.locator("ol.chronology")).to_contain_text("Disruption")
    check("pupil profile")
    assert len(seen) == 7


def test_a_confirmation_moved_out_of_inline_handlers_still_guards_deactivation(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    admin = make_staff(school, Role.IT_ADMIN, "itadmin")
    leaver = make_staff(school, Role.TEACHER, "leaver")
    sign_in_with_password(page, live_server, "itadmin")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=admin)))
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + reverse("pastoral:staff_detail", args=[leaver.code]))
    button = page.get_by_role("button", name="Deactivate (leaver)")
    questions, posts = [], []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    button.click()
    expect(button).to_be_visible()
    leaver.refresh_from_db()
    assert leaver.is_active

    page.once("dialog", lambda dialog: answer(dialog, True))
    button.click()
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert questions == ["Deactivate this account now? They lose access immediately."] * 2
    # The dismissed confirmation sent nothing; only the accepted one reached the server.
    assert posts == [live_server.url + reverse("pastoral:staff_deactivate", args=[leaver.code])]
