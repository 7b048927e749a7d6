"""The paper fallback in a real browser: print a pad of concern forms, then enter one of them from paper."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import PaperEntry, PaperFormSheet
from pastoral.tests.factories import MembershipFactory, PupilFactory, SchoolFactory
from pastoral.tests.pdftext import pdf_text
from safeguarding.models import Concern, Notification
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def test_a_lead_prints_concern_forms_then_enters_one_from_paper(live_server, browser, transactional_db, tmp_path):
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.PASTORAL_LEAD, "lead")
    dsl = make_staff(school, Role.DSL, "dsl")
    writer = MembershipFactory(
        user__first_name="Gareth", user__last_name="Hughes", school=school, trust=school.trust, role=Role.TEACHER
    ).user
    PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")

    page = browser.new_page(accept_downloads=True)
    sign_in(page, live_server, "lead")
    page.goto(live_server.url + reverse("pastoral:paper_home"))
    page.get_by_label("Which form").select_option(label="Safeguarding concern")
    page.get_by_label("How many sheets").fill("2")
    page.get_by_role("button", name="Print").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name=re.compile("Blank paper forms: safeguarding concern"))
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    text = " ".join(pdf_text(download_info.value.path().read_bytes()).split())
    references = sorted(PaperFormSheet.objects.values_list("reference", flat=True))
    assert len(references) == 2 and all(reference in text for reference in references)
    assert "What you saw or heard" in text

    # Afterwards: the sheet is typed in from the concern form's "Enter it from paper".
    page.goto(live_server.url + reverse("safeguarding:concern_create"))
    page.get_by_role("link", name="Enter it from paper").click()
    expect(page.get_by_role("group", name="From the paper form")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    seen = timezone.localtime() - datetime.timedelta(hours=3)
    written = seen + datetime.timedelta(minutes=20)
    page.get_by_label("Reference printed on the sheet").fill(references[0].lower())
    page.get_by_label("When the form was written").fill(written.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("combobox", name=re.compile("^Written by")).press_sequentially("hugh")
    page.locator("#id_paper_written_by-results [role=option]", has_text="Gareth Hughes").click()
    scan = tmp_path / "scan.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 56), "white").save(buffer, "PNG")
    scan.write_bytes(buffer.getvalue())
    page.get_by_label("Scan or photo of the sheet (PDF or image)").set_input_files(str(scan))
    page.get_by_role("combobox", name=re.compile("^Pupils")).press_sequentially("ainsw")
    page.locator("#id_pupils-results [role=option]", has_text="Zoë Ainsworth").click()
    page.get_by_label("When did you see or hear this?").fill(seen.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Category").select_option(label="Neglect")
    page.get_by_label("What you saw or heard").fill("Came in without a coat again; hungry at break")
    page.get_by_role("button", name="Send to the safeguarding team").click()
    expect(page.get_by_role("heading", name="Your concern was received")).to_be_visible()

    concern = Concern.objects.get()
    entry = PaperEntry.objects.get()
    assert concern.reported_at == written.replace(second=0, microsecond=0)
    assert (entry.written_by, entry.sheet.reference) == (writer, references[0])
    assert Notification.objects.filter(concern=concern, recipient=dsl).exists()
    page.goto(live_server.url + reverse("pastoral:paper_home") + "?show=used")
    expect(page.get_by_role("row", name=re.compile(references[0]))).to_contain_text("Entered")
    expect(page.get_by_role("row", name=re.compile(references[1]))).to_have_count(0)
    page.close()
