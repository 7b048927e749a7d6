"""The analytics page in a real browser: reached from the behaviour page, filtered and read by keyboard."""

import datetime
import re

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
def lead_with_events(transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "plead")
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)
    praise = BehaviourCategoryFactory(school=school, name="Excellent work", kind="positive", points=1)
    seven = PupilFactory(school=school, legal_first_name="Sam", legal_last_name="Seven", year_group=7, form="7A")
    nine = PupilFactory(school=school, legal_first_name="Nia", legal_last_name="Nine", year_group=9, form="9A")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for _ in range(3):
        BehaviourEventFactory(pupil=nine, category=disruption, occurred_at=yesterday, period="P2")
    BehaviourEventFactory(pupil=seven, category=praise, occurred_at=yesterday, period="P1")
    return lead


def test_a_pastoral_lead_filters_analytics_and_reads_a_chart_as_a_table(live_server, page, lead_with_events):
    sign_in_with_password(page, live_server, "plead")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=lead_with_events)))
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + reverse("behaviour:event_list"))
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Behaviour analytics at Northfield Academy")).to_be_visible()
    expect(page.get_by_text("Nia Nine").first).to_be_visible()

    page.get_by_label("Year", exact=True).select_option(label="Year 9")
    page.get_by_role("button", name="Show", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"year_group=9"))
    expect(page.get_by_text("0 / 3")).to_be_visible()

    summary = page.get_by_text("Show “Events by location” as a table")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Events by location")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(2)

    # The CSV is built off the request: the button queues it and My exports offers the download.
    page.get_by_role("button", name="Export CSV of the events these filters choose").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name="Behaviour analytics rows (CSV)")
    with page.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.count("Nine") == 3 and "Seven" not in text
