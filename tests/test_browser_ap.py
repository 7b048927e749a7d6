"""Alternative provision in a real browser: the AP coordinator commissions, agrees and starts a placement; the
provider's contact signs in (two-factor) and sends today's attendance; a missing return for another pupil raises
an alert the coordinator sees on the dashboard."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import OutboxMessage
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision.ap import services
from provision.ap.models import AttendanceReturn, Placement
from provision.tests.ap_factories import make_placement, make_provider, make_provider_account
from tests.test_browser import CODE_LABEL, PASSWORD, code_at, sign_in_with_password

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user, heading, drift=0):
    # A code is accepted once: a second sign-in in the same 30 seconds uses the next step's code.
    sign_in_with_password(page, live_server, user.username)
    page.get_by_label(CODE_LABEL).fill(code_at(TOTPDevice.objects.get(user=user), drift))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


@pytest.fixture
def a_school_day(monkeypatch):
    """Placements are timetabled on weekdays and returns are due on school days, so at a weekend the app (and
    the live server's thread in this process) runs on the Friday before; on a weekday nothing changes."""
    real_now = timezone.now
    shift = datetime.timedelta(days=max(0, timezone.localdate().weekday() - 4))
    if shift:
        monkeypatch.setattr(timezone, "now", lambda: real_now() - shift)
    return timezone.localdate()


def test_commission_send_todays_attendance_and_alert_a_missing_return(
    live_server, page, transactional_db, a_school_day
):
    today = a_school_day
    assert today.weekday() < 5
    school = SchoolFactory(name="Northfield Academy")
    apco = make_staff(school, Role.AP_COORDINATOR, "apco")
    make_staff(school, Role.DSL, "dsl")
    PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", year_group=9)
    other = PupilFactory(school=school, legal_first_name="Oscar", legal_last_name="Otley", year_group=10)
    provider = make_provider(apco, school, name="Hillside Skills Farm")
    make_placement(apco, other, provider, start=today - datetime.timedelta(days=7))
    contact = make_provider_account(apco, provider, school, username="farmcontact")
    contact.set_password(PASSWORD)
    contact.save()

    _sign_in(page, live_server, apco, "Hello Apco")
    page.get_by_role("button", name="Support", exact=True).click()
    page.get_by_role("link", name="Alternative provision").first.click()
    page.get_by_role("link", name="Commission a placement").click()
    page.get_by_role("combobox", name=re.compile("^Pupil")).fill("ainsw")
    page.locator("[data-picker-results] [role=option]", has_text="Zoë Ainsworth").click()
    page.get_by_label("Provider").select_option(label="Hillside Skills Farm")
    page.get_by_label("Why alternative provision").fill("Re-engagement through practical learning")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(f"{day} morning").check()
        page.get_by_label(f"{day} afternoon").check()
    page.get_by_label("Full-time place").check()
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Planned last day").fill((today + datetime.timedelta(days=90)).isoformat())
    page.get_by_label("First objective").fill("Attend every session")
    page.get_by_label("Measurable target").fill("95% attendance")
    page.get_by_label("Target date").fill((today + datetime.timedelta(days=42)).isoformat())
    page.get_by_role("button", name="Propose the placement").click()
    expect(page.get_by_text("Placement proposed.")).to_be_visible()
    page.get_by_role("button", name="Agree the placement").click()
    expect(page.get_by_text("Placement agreed.")).to_be_visible()
    page.get_by_role("button", name="Start the placement").click()
    expect(page.locator("#placement-status")).to_have_text("Active")
    placement = Placement.objects.get(pupil__legal_last_name="Ainsworth")
    assert placement.status == Placement.Status.ACTIVE

    page.context.clear_cookies()
    _sign_in(page, live_server, contact, "Hillside Skills Farm: pupils placed with you")
    expect(page.get_by_role("cell", name="Oscar Otley")).to_be_visible()
    page.get_by_role("link", name="Zoë Ainsworth").click()
    page.get_by_role("group", name="Morning").get_by_label("Present", exact=True).check()
    page.get_by_role("group", name="Afternoon").get_by_label("Late", exact=True).check()
    page.get_by_role("button", name="Send attendance").click()
    expect(page.get_by_text("Attendance sent for Zoë")).to_be_visible()
    assert set(AttendanceReturn.objects.filter(placement=placement).values_list("session", "mark")) == {
        ("AM", "present"),
        ("PM", "late"),
    }
    # Anything else of the app is not there for a provider account.
    page.goto(live_server.url + reverse("pastoral:pupil_list"))
    expect(page.get_by_role("heading", name=re.compile("not found", re.I))).to_be_visible()

    after_cutoff = timezone.make_aware(datetime.datetime.combine(today, datetime.time(15, 0)))
    [alert] = services.missing_returns_raise(school=school, now=after_cutoff)
    assert alert.placement.pupil == other
    assert OutboxMessage.objects.filter(task_name="provision.tasks.send_missing_return_task", args__1=apco.pk)

    page.context.clear_cookies()
    _sign_in(page, live_server, apco, "Hello Apco", drift=1)
    page.get_by_role("button", name="Support", exact=True).click()
    page.get_by_role("link", name="Alternative provision").first.click()
    alerts = page.locator("#missing-alerts")
    expect(alerts).to_contain_text("Oscar Otley")
    expect(alerts).not_to_contain_text("Zoë Ainsworth")
