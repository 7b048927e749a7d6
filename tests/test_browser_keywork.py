"""Keywork on a tablet: a keyworker opens their caseload at a 768×1024 viewport, logs a check-in with the
pupil's mood and an agreed action, and sees it on the pupil's keywork page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision.keywork import services
from provision.keywork.models import KeyworkSession
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_keyworker_logs_a_check_in_with_a_mood_and_an_action_from_a_tablet(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    keyworker = make_staff(school, Role.PASTORAL_STAFF, "keyworker")
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    services.assignment_create(
        actor=lead,
        pupil=pupil,
        keyworker=keyworker,
        starts_on=timezone.localdate() - datetime.timedelta(days=20),
        frequency_days=7,
    )

    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in_with_password(page, live_server, keyworker.username)
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=keyworker)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Keyworker")).to_be_visible()
    # The dashboard flags the overdue contact.
    expect(page.get_by_text(re.compile("Overdue since"))).to_be_visible()

    page.goto(live_server.url + reverse("provision:caseload"))
    expect(page.get_by_text("Not seen for longer than agreed")).to_be_visible()
    page.get_by_role("link", name="Log a session with Zoë Ainsworth").click()

    expect(page.get_by_role("heading", name="Log a session with Zoë Ainsworth")).to_be_visible()
    page.get_by_label("Check-in").check()
    page.get_by_label(re.compile("4 – Good")).check()
    page.get_by_label("Green zone (calm, ready)").check()
    page.get_by_label("What was discussed").fill("Settled after the weekend; looking forward to football.")
    page.get_by_label("Agreed action").first.fill("Ask PE about a lunchtime club")
    page.get_by_label("By", exact=True).first.fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Check-in with Zoë Ainsworth logged.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Ask PE about a lunchtime club: Keyworker Tester"))).to_be_visible()
    session = KeyworkSession.objects.get(pupil=pupil)
    assert (session.kind, session.mood, session.zone, session.author) == ("check_in", 4, "green", keyworker)
    assert session.actions.get().owner == keyworker

    page.get_by_role("link", name="Zoë Ainsworth").first.click()
    expect(page.get_by_role("cell", name=re.compile(r"4\/5"))).to_be_visible()
