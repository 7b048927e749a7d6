"""Record and list exports in a real browser: the page's button queues the file and My exports offers it."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from behaviour.tests.factories import RemovalFactory
from behaviour.tests.interventions_helpers import make_intervention
from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.models import GeneratedFile
from pastoral.tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def signed_in(page, live_server, user):
    client = verified_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_intervention_record_button_makes_a_pdf(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    record = make_intervention(school, pupil, lead)
    signed_in(page, live_server, lead)
    page.goto(live_server.url + reverse("behaviour:intervention_detail", args=[record.code]))
    page.get_by_role("button", name="Record as PDF of this physical intervention").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name="Physical intervention record (PDF)")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")
    assert GeneratedFile.objects.get(owner=lead).parameters == {"intervention": str(record.code)}


def test_the_removals_button_exports_the_list(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    RemovalFactory(pupil=pupil, recorded_by=lead, removed_at=timezone.now() - datetime.timedelta(hours=1))
    signed_in(page, live_server, lead)
    page.goto(live_server.url + reverse("behaviour:removal_list"))
    page.get_by_role("button", name="Export CSV of removals").click()
    row = page.get_by_role("row", name="Removals from class (CSV)")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    lines = download_info.value.path().read_bytes().decode().splitlines()
    assert len(lines) == 2 and "Zoë Ainsworth" in lines[1]
