"""My exports in a real browser: the page follows a file being built and offers the download when it is ready."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.files import exports
from pastoral.models import AuditEntry, GeneratedFile
from pastoral.tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def signed_in(page, live_server, user):
    """Put a session that has passed two-factor into the browser (the sign-in journey has its own test)."""
    client = verified_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_exports_page_shows_progress_then_the_download(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    generated_file = GeneratedFile.objects.create(
        owner=lead,
        school=school,
        kind="behaviour.rewards_csv",
        status="running",
        progress=30,
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    signed_in(page, live_server, lead)
    page.goto(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name="Reward points (CSV)")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "30")

    GeneratedFile.objects.filter(pk=generated_file.pk).update(progress=70)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "70", timeout=15000)

    storage_name, size = exports._write(
        generated_file,
        exports.Built("rewards.csv", "text/csv", exports.csv_bytes(["House", "Points"], [["Turing", 6]])),
    )
    GeneratedFile.objects.filter(pk=generated_file.pk).update(
        status="done",
        progress=100,
        filename="rewards.csv",
        content_type="text/csv",
        storage_name=storage_name,
        size=size,
    )
    download_link = row.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=15000)
    expect(page.locator("#export-announcer")).to_have_text("Reward points (CSV) is ready to download.")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "rewards.csv"
    assert download.path().read_bytes() == b"House,Points\r\nTuring,6\r\n"
    assert AuditEntry.objects.filter(action="pastoral.export.downloaded", actor=lead).count() == 1


def test_an_export_button_posts_the_filters_and_lands_on_my_exports(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    PupilFactory(school=school, year_group=7, legal_last_name="Seven")
    PupilFactory(school=school, year_group=8, legal_last_name="Eight")
    signed_in(page, live_server, lead)
    page.goto(live_server.url + reverse("pastoral:pupil_list") + "?year_group=7")
    page.get_by_role("button", name="Export CSV of pupils matching the filters").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    expect(page.get_by_text("Pupil list (CSV) is being prepared")).to_be_visible()
    row = page.get_by_role("row", name="Pupil list (CSV)")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    lines = download_info.value.path().read_bytes().decode().splitlines()
    assert len(lines) == 2 and ",Seven," in lines[1]
    assert GeneratedFile.objects.get(owner=lead).parameters == {"year_group": "7"}
