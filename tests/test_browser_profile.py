"""The pupil profile at a glance in a real browser: the summary header, the chronology filtered by area and text
through the tabs and the GET form (no script), and the older page by keyset."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory, RemovalFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import PupilNote
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_like_pupil(transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    pupil = PupilFactory(
        school=school,
        legal_first_name="Jana",
        legal_last_name="Hill",
        form="9H",
        pupil_premium=True,
        sen_status="K",
        keyworker=lead,
        medical_alert="Severe nut allergy: adrenaline pen in the office",
    )
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)
    praise = BehaviourCategoryFactory(school=school, name="Kindness", kind="positive", points=1)
    now = timezone.now()
    # Seventy entries over ten weeks: enough for an older page.
    for n in range(60):
        category = praise if n % 4 == 0 else disruption
        text = "Threw a chair across the room" if n % 10 == 0 else "Shouting out in lessons"
        BehaviourEventFactory(
            pupil=pupil, category=category, occurred_at=now - datetime.timedelta(hours=12 * n + 1), description=text
        )
    for n in range(5):
        RemovalFactory(pupil=pupil, removed_at=now - datetime.timedelta(days=3 * n, hours=2), reason="Refused to work")
    for n in range(5):
        PupilNote.objects.create(
            pupil=pupil,
            kind="observation",
            summary=f"Phoned mum about the week ({n})",
            author=lead,
            occurred_at=now - datetime.timedelta(days=2 * n, hours=3),
        )
    return lead, pupil


def test_a_lead_reads_the_summary_filters_the_chronology_and_pages_older(live_server, page, demo_like_pupil):
    lead, pupil = demo_like_pupil
    sign_in_with_password(page, live_server, "plead")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=lead)))
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + reverse("pastoral:pupil_detail", args=[pupil.code]))

    summary = page.get_by_label("Summary")
    expect(page.get_by_role("heading", name="Jana Hill")).to_be_visible()
    expect(summary.get_by_text("Keyworker", exact=True)).to_be_visible()
    expect(summary.get_by_text("Negative events (4 weeks)")).to_be_visible()
    expect(summary.locator("svg.sparkline")).to_have_count(2)
    expect(summary.get_by_text("Negative events by week, oldest first:")).to_be_attached()
    expect(page.get_by_text("SEN support")).to_be_visible()

    chronology = page.locator("ol.chronology > li")
    expect(chronology).to_have_count(50)
    areas = page.get_by_role("navigation", name="Chronology areas")
    areas.get_by_role("link", name="Pastoral").click()
    expect(
        page.get_by_role("navigation", name="Chronology areas").get_by_role("link", name="Pastoral")
    ).to_have_attribute("aria-current", "page")
    # The contact log and the admission.
    expect(chronology).to_have_count(6)
    expect(chronology.first).to_contain_text("Phoned mum")

    page.get_by_role("navigation", name="Chronology areas").get_by_role("link", name="Behaviour").click()
    page.get_by_label("Text", exact=True).fill("chair")
    page.get_by_role("button", name="Filter").click()
    expect(chronology).to_have_count(6)
    for n in range(6):
        expect(chronology.nth(n)).to_contain_text("Threw a chair")
    expect(page.get_by_label("Area", exact=True)).to_have_value("behaviour")

    page.get_by_role("link", name="Clear filters").click()
    expect(chronology).to_have_count(50)
    pages = page.get_by_role("navigation", name="Chronology pages")
    expect(pages.get_by_role("link", name="Newer")).to_have_count(0)
    pages.get_by_role("link", name="Older").click()
    expect(chronology).to_have_count(21)
    pages = page.get_by_role("navigation", name="Chronology pages")
    expect(pages.get_by_role("link", name="Older")).to_have_count(0)
    pages.get_by_role("link", name="Newer").click()
    expect(chronology).to_have_count(50)
