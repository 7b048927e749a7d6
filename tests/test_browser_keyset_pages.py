"""A long list in a real browser: Older and Newer walk it by keyset, and the filters stay with every step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


@pytest.fixture
def lead_with_a_long_list(transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)
    pupil = PupilFactory(school=school, legal_first_name="Lena", legal_last_name="Long")
    start = timezone.now() - datetime.timedelta(days=30)
    # 120 events an hour apart; the newest is number 120.
    for n in range(1, 121):
        BehaviourEventFactory(
            pupil=pupil,
            category=disruption,
            occurred_at=start + datetime.timedelta(hours=n),
            description=f"Event {n:03d}",
        )
    return lead


def test_a_lead_walks_the_event_list_older_and_newer(live_server, page, lead_with_a_long_list):
    sign_in_with_password(page, live_server, "plead")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=lead_with_a_long_list)))
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + reverse("behaviour:event_list"))
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("link", name="Newer")).to_have_count(0)

    pages.get_by_role("link", name="Older").click()
    expect(page.get_by_role("navigation", name="Pages").get_by_role("link", name="Newer")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Older").click()
    # The third page holds the oldest 20: no Older link any more.
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("link", name="Older")).to_have_count(0)
    expect(page.locator("tbody tr")).to_have_count(20)

    pages.get_by_role("link", name="Newer").click()
    expect(page.locator("tbody tr")).to_have_count(50)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Newer").click()
    expect(page.get_by_role("navigation", name="Pages").get_by_role("link", name="Newer")).to_have_count(0)
