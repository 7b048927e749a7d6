"""Alternative provision records made through the services, as the AP coordinator would make them."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_staff
from pastoral.accounts.roles import Role
from provision.ap import services
from provision.ap.models import DueDiligenceCheck, Placement, Provider

ALL_COVERED = [key for key, _ in DueDiligenceCheck.SAFEGUARDING_ITEMS]
WEEKDAYS = [f"{day}{session}" for day in range(1, 6) for session in ("AM", "PM")]


def pdf_upload(name="confirmation.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "application/pdf")


def png_upload(name="report.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def coordinator(school, username="apco"):
    return make_staff(school, Role.AP_COORDINATOR, username)


def make_provider(actor, school, *, name="Skills Farm", registered=False, checked=True, checked_on=None):
    provider = Provider(
        name=name,
        address="Hill Farm, Northfield NF1 2AB",
        registration=Provider.Registration.REGISTERED if registered else Provider.Registration.UNREGISTERED,
        urn="123456" if registered else "",
        contact_name="Sam Field",
        phone="01234 567890",
        email="sam@skills.example",
        offer="Land-based vocational learning",
        ages="11 to 16",
        cost_per_session="45.00",
    )
    services.provider_save(actor=actor, provider=provider, school=school)
    if checked:
        services.check_record(
            actor=actor,
            provider=provider,
            kind=DueDiligenceCheck.Kind.SAFEGUARDING,
            checked_on=checked_on or timezone.localdate(),
            covers=ALL_COVERED,
            document=pdf_upload(),
        )
    return provider


def make_placement(actor, pupil, provider, *, sessions=None, full_time=True, start=None, active=True, **fields):
    start = start or timezone.localdate() - datetime.timedelta(days=7)
    placement = services.placement_create(
        actor=actor,
        pupil=pupil,
        provider=provider,
        commissioner=Placement.Commissioner.SCHOOL,
        reason="Re-engagement with learning",
        sessions=sessions if sessions is not None else WEEKDAYS,
        full_time=full_time,
        cost_per_session="45.00",
        start=start,
        planned_end=fields.pop("planned_end", start + datetime.timedelta(days=120)),
        attendance_code=fields.pop("attendance_code", "B"),
        objectives=[
            {"objective": "Attend regularly", "target": "90% attendance", "due_on": start + datetime.timedelta(60)}
        ],
        **fields,
    )
    if active:
        services.placement_agree(actor=actor, placement=placement, agreed_on=start)
        placement = services.placement_start(actor=actor, placement=placement)
    return placement


def make_provider_account(actor, provider, school, username="provider1"):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = services.provider_account_create(
        actor=actor,
        provider=provider,
        school=school,
        username=username,
        email=f"{username}@provider.example",
        first_name="Pat",
        last_name="Provider",
    )
    # Approved as a headteacher would approve it (see test_the_provider_account_waits_for_a_headteachers_approval).
    account.user.memberships.update(approved_at=timezone.now())
    TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
    return account.user
