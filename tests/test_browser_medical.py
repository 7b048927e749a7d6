"""Medicines in a real browser: the medical lead records a parental agreement, gives a dose from today's round,
and a dose against expired stock is refused with the reason shown."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from medical.models import DoseAdministration, MedicineAgreement
from medical.tests.factories import AgreementFactory
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_the_medical_lead_records_an_agreement_gives_a_dose_and_is_refused_expired_stock(
    live_server, page, transactional_db
):
    school = SchoolFactory(name="Northfield Academy")
    medic = make_staff(school, Role.MEDICAL_LEAD, "medic")
    zoe = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    sam = PupilFactory(school=school, legal_first_name="Sam", legal_last_name="Brook")
    expired = AgreementFactory(
        pupil=sam,
        recorded_by=medic,
        medicine_name="Loratadine 10 mg tablets",
        times="08:45",
        expiry_date=timezone.localdate() - datetime.timedelta(days=1),
    )

    sign_in_with_password(page, live_server, "medic")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=medic)))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Medical", exact=True).click()
    page.get_by_role("link", name="Medicines", exact=True).click()
    page.get_by_role("link", name="Record a parental agreement").click()
    expect(page.get_by_role("heading", name="Record a parental agreement to give medicine")).to_be_visible()

    picker = page.get_by_role("combobox", name=re.compile("^Pupil"))
    picker.fill("ainsw")
    result = page.locator("[data-picker-results] [role=option]", has_text="Zoë Ainsworth")
    expect(result).to_be_visible()
    picker.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator('input[type="hidden"][name="pupil"]')).to_have_value(str(zoe.code))
    page.get_by_label("Medicine name and strength, as on the container").fill("Methylphenidate 10 mg tablets")
    page.get_by_label("Expiry date").fill((timezone.localdate() + datetime.timedelta(days=180)).isoformat())
    page.get_by_role("spinbutton", name=re.compile(r"^Dose")).fill("1")
    page.get_by_label("Unit").fill("tablet")
    page.get_by_label("Method").select_option(label="By mouth")
    page.get_by_label("When it is given").fill("12:30 with lunch")
    page.get_by_label("Times on the medication round").fill("12:30")
    page.get_by_label("Quantity received").fill("28")
    page.get_by_label("Brought in by").fill("Sarah Ainsworth (mum)")
    page.get_by_label("Agreed by (parent or carer)").fill("Sarah Ainsworth")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text("Parental agreement and stock recorded.")).to_be_visible()
    agreement = MedicineAgreement.objects.get(pupil=zoe)
    expect(page.get_by_text("In stock")).to_be_visible()

    page.goto(live_server.url + reverse("medical:round"))
    expect(page.get_by_role("heading", name=re.compile("^Medication round"))).to_be_visible()
    page.get_by_role("button", name="Given: Zoë Ainsworth, Methylphenidate 10 mg tablets at 12:30").click()
    expect(page.get_by_text("Zoë Ainsworth, Methylphenidate 10 mg tablets at 12:30: given.")).to_be_visible()
    dose = DoseAdministration.objects.get(agreement=agreement)
    assert (dose.outcome, dose.given_by, dose.dose_given) == ("given", medic, 1)

    page.get_by_role("button", name="Given: Sam Brook, Loratadine 10 mg tablets at 08:45").click()
    expect(page.get_by_role("alert").filter(has_text="not recorded")).to_contain_text(
        f"This medicine expired on {expired.expiry_date:%-d %b %Y}: it cannot be given"
    )
    assert not DoseAdministration.objects.filter(agreement=expired).exists()
