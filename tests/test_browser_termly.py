"""The headteacher asks for the termly report from the dashboard, waits for it and downloads the PDF."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.models import GeneratedFile
from pastoral.tests.factories import SchoolFactory, TrustFactory
from pastoral.tests.pdftext import pdf_text
from pastoral.tests.termly_helpers import SUMMER, calendar, seed

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def signed_in(page, live_server, user):
    client = verified_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_headteacher_requests_waits_for_and_downloads_the_termly_report(live_server, page, transactional_db):
    school = SchoolFactory(trust=TrustFactory(name="Northfield Learning Trust"), name="Northfield Academy")
    head = make_staff(school, Role.HEADTEACHER, "head")
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    calendar(school)
    seed(school, lead, head)
    signed_in(page, live_server, head)

    page.goto(live_server.url + reverse("pastoral:home"))
    panel = page.get_by_role("region", name="Termly reports")
    expect(panel).to_be_visible()
    # A wrong range is explained beside the field, and nothing is asked for.
    panel.get_by_label("From").fill("2026-07-22")
    panel.get_by_label("To").fill("2026-04-13")
    panel.get_by_role("button", name="Generate for a date range").click()
    expect(page.get_by_text("The end date must be on or after the start date.")).to_be_visible()
    assert not GeneratedFile.objects.exists()

    page.get_by_label("From").fill(SUMMER[0].isoformat())
    page.get_by_label("To").fill(SUMMER[1].isoformat())
    page.get_by_role("button", name="Generate for a date range").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name="Termly report (PDF)")
    download_link = row.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=30000)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "termly-report-northfield-academy-20260413-20260722.pdf"
    text = pdf_text(download.path().read_bytes())
    assert "Termly report: Northfield Academy" in text
    assert "Period: 13 Apr 2026 to 22 Jul 2026" in text
    assert "OFFICIAL-SENSITIVE" in text

    # Back on the dashboard the report is listed, ready to download again.
    page.goto(live_server.url + reverse("pastoral:home"))
    expect(
        page.get_by_role("region", name="Termly reports").get_by_role("link", name=download.suggested_filename)
    ).to_be_visible()
