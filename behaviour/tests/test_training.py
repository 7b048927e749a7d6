import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from behaviour.interventions import selectors
from behaviour.models import StaffTraining
from behaviour.tasks import send_training_expiry_task, training_expiry_digest_task
from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.celery import app as celery_app
from pastoral.files.uploads import is_stored_name
from pastoral.models import AuditEntry, Membership
from pastoral.tests import upload_files

from .interventions_helpers import make_intervention, make_training

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def untrained_count(record):
    return selectors.with_untrained_count(type(record).objects.filter(pk=record.pk)).get().untrained_count


@pytest.mark.parametrize(
    "completed_offset,expires_offset,trained",
    [
        (-300, 0, True),  # expires on the day of the incident: still in date
        (-300, -1, False),  # expired the day before
        (-300, 1, True),
        (0, 300, True),  # completed that very day
        (1, 300, False),  # completed after the incident
    ],
)
def test_in_date_boundaries(school, pupil, dsl, teacher, completed_offset, expires_offset, trained):
    day = timezone.localdate() - datetime.timedelta(days=5)
    make_training(
        school,
        teacher,
        dsl,
        completed_on=day + datetime.timedelta(days=completed_offset),
        expires_on=day + datetime.timedelta(days=expires_offset),
    )
    record = make_intervention(school, pupil, teacher, occurred_on=day)
    assert (untrained_count(record) == 0) is trained
    assert (teacher.pk in selectors.trained_user_ids([teacher.pk], day)) is trained


def test_only_positive_handling_courses_count(school, pupil, dsl, teacher, pastoral_staff):
    today = timezone.localdate()
    make_training(school, teacher, dsl, course="first_aid", completed_on=today - DAY, expires_on=today + DAY)
    make_training(
        school,
        pastoral_staff,
        dsl,
        course="custom",
        custom_name="PRICE positive handling",
        positive_handling=True,
        completed_on=today - DAY,
        expires_on=today + DAY,
    )
    record = make_intervention(school, pupil, teacher, staff=[teacher, pastoral_staff])
    assert untrained_count(record) == 1
    assert selectors.trained_user_ids([teacher.pk, pastoral_staff.pk], today) == {pastoral_staff.pk}


def test_voided_training_does_not_count(school, pupil, dsl, teacher):
    today = timezone.localdate()
    training = make_training(school, teacher, dsl, completed_on=today - DAY, expires_on=today + DAY)
    training.voided_at = timezone.now()
    training.save()
    assert untrained_count(make_intervention(school, pupil, teacher)) == 1


def test_untrained_staff_are_flagged_to_the_lead(client, school, pupil, pastoral_lead, teacher, pastoral_staff):
    today = timezone.localdate()
    make_training(school, pastoral_staff, pastoral_lead, completed_on=today - DAY, expires_on=today + DAY)
    record = make_intervention(school, pupil, pastoral_staff, staff=[pastoral_staff, teacher])

    assert selectors.attention_counts(pastoral_lead, school)["untrained"] == 1
    verified_client(client, pastoral_lead)
    detail = client.get(reverse("behaviour:intervention_detail", args=[record.code])).content.decode()
    assert f"{teacher} had no in-date positive-handling training" in detail
    listing = client.get(reverse("behaviour:intervention_list") + "?show=untrained")
    assert [row.pk for row in listing.context["page"]] == [record.pk]
    assert "1 untrained" in listing.content.decode()
    home = client.get(reverse("pastoral:home"))
    panel = next(panel for panel in home.context["panels"] if panel.title == "Physical interventions")
    assert (
        dict((label, count) for label, count, _url in panel.context["rows"])[
            "Staff named without in-date positive-handling training"
        ]
        == 1
    )


def test_team_teach_needs_an_expiry_date(school, dsl, teacher):
    record = StaffTraining(
        school=school, user=teacher, course="team_teach", completed_on=timezone.localdate(), recorded_by=dsl
    )
    with pytest.raises(Exception) as caught:
        record.full_clean()
    assert "expires_on" in caught.value.message_dict
    assert record.positive_handling


def test_expiring_page_window_is_inclusive(client, school, headteacher, teacher, pastoral_staff, dsl):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=400)
    expected = [
        make_training(school, teacher, dsl, completed_on=start, expires_on=today),
        make_training(school, pastoral_staff, dsl, completed_on=start, expires_on=today + datetime.timedelta(days=60)),
    ]
    make_training(school, teacher, dsl, course="first_aid", completed_on=start, expires_on=today - DAY)
    make_training(school, dsl, dsl, completed_on=start, expires_on=today + datetime.timedelta(days=61))
    make_training(school, dsl, dsl, course="dsl", completed_on=start, expires_on=None)
    verified_client(client, headteacher)
    response = client.get(reverse("behaviour:training_expiring"))
    assert list(response.context["records"]) == expected


def test_a_lead_adds_training_with_a_pdf_certificate(client, school, headteacher, teacher):
    verified_client(client, headteacher)
    response = client.post(
        reverse("behaviour:training_create"),
        {
            "user": str(teacher.code),
            "course": "norfolk_steps",
            "completed_on": "2026-01-10",
            "expires_on": "2027-01-09",
            "tutor": "on",
            "certificate": SimpleUploadedFile("steps.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    record = StaffTraining.objects.get()
    assert record.positive_handling and record.tutor and record.recorded_by == headteacher
    assert AuditEntry.objects.filter(action="behaviour.training.created").exists()

    download = client.get(reverse("behaviour:training_certificate", args=[record.code]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="behaviour.training.certificate_viewed").exists()

    # The member of staff may open their own certificate; another teacher may not.
    client.logout()
    verified_client(client, teacher)
    assert client.get(reverse("behaviour:training_certificate", args=[record.code])).status_code == 200
    client.logout()
    verified_client(client, make_staff(school, Role.TEACHER, "teacher2"))
    assert client.get(reverse("behaviour:training_certificate", args=[record.code])).status_code == 403


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
            "Upload the certificate as a PDF, PNG or JPEG file.",
        ),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"),
            "The certificate must be 5 MB or smaller.",
        ),
        # Right first bytes, but not a file any reader opens: no end-of-file marker, a PNG cut short.
        (
            SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "application/pdf"),
            "Upload the certificate as a PDF, PNG or JPEG file.",
        ),
        (
            SimpleUploadedFile("cert.png", upload_files.png_bytes()[:30] + upload_files.HTML, "image/png"),
            "Upload the certificate as a PDF, PNG or JPEG file.",
        ),
        (
            SimpleUploadedFile("cert.jpg", b"\xff\xd8\xff\xe0" + upload_files.HTML, "image/jpeg"),
            "Upload the certificate as a PDF, PNG or JPEG file.",
        ),
        (
            SimpleUploadedFile("cert.png", upload_files.bomb_png(8_000, 6_000), "image/png"),
            "The image is 8,000 × 6,000 pixels, too large to accept. Save it at most 10,000 pixels on each side "
            "and 40 megapixels in all, then upload it again.",
        ),
    ],
)
def test_certificates_are_checked_by_content_and_size(client, school, headteacher, teacher, upload, message):
    verified_client(client, headteacher)
    response = client.post(
        reverse("behaviour:training_create"),
        {
            "user": str(teacher.code),
            "course": "first_aid",
            "completed_on": "2026-01-10",
            "expires_on": "2029-01-09",
            "certificate": upload,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["certificate"] == [message]
    assert not StaffTraining.objects.exists()


def test_a_png_certificate_named_pdf_is_stored_and_served_as_png(client, school, headteacher, teacher):
    verified_client(client, headteacher)
    content = upload_files.png_bytes()
    response = client.post(
        reverse("behaviour:training_create"),
        {
            "user": str(teacher.code),
            "course": "first_aid",
            "completed_on": "2026-01-10",
            "expires_on": "2029-01-09",
            "certificate": SimpleUploadedFile("first aid.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    record = StaffTraining.objects.get()
    assert record.certificate_type == "image/png"
    assert record.certificate.name.startswith("training-certificates/") and record.certificate.name.endswith(".png")
    assert is_stored_name(record.certificate.name) and "first" not in record.certificate.name
    download = client.get(reverse("behaviour:training_certificate", args=[record.code]))
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == f'attachment; filename="certificate-{record.code}.png"'
    assert b"".join(download.streaming_content) == content


def test_the_service_checks_the_certificate_whatever_the_form_did(school, headteacher, teacher):
    from django.core.exceptions import ValidationError

    from behaviour.interventions import services

    record = StaffTraining(
        school=school,
        user=teacher,
        course="first_aid",
        completed_on=datetime.date(2026, 1, 10),
        expires_on=datetime.date(2029, 1, 9),
        certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4 but not really", "application/pdf"),
    )
    with pytest.raises(ValidationError, match="PDF, PNG or JPEG"):
        services.training_save(actor=headteacher, record=record, changed={})
    assert not StaffTraining.objects.exists()


def test_a_custom_course_needs_a_name(client, school, headteacher, teacher):
    verified_client(client, headteacher)
    response = client.post(
        reverse("behaviour:training_create"),
        {"user": str(teacher.code), "course": "custom", "completed_on": "2026-01-10"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["custom_name"] == ["Give the name of the course."]


def test_editing_and_voiding_training(client, school, headteacher, teacher):
    today = timezone.localdate()
    record = make_training(school, teacher, headteacher, completed_on=today - DAY, expires_on=today + DAY)
    verified_client(client, headteacher)
    response = client.post(
        reverse("behaviour:training_edit", args=[record.code]),
        {
            "user": str(teacher.code),
            "course": "team_teach",
            "completed_on": (today - DAY).isoformat(),
            "expires_on": (today + datetime.timedelta(days=300)).isoformat(),
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.expires_on == today + datetime.timedelta(days=300)
    entry = AuditEntry.objects.get(action="behaviour.training.changed")
    assert "expires_on" in entry.data

    client.post(reverse("behaviour:training_void", args=[record.code]), {"reason": "Duplicate"})
    record.refresh_from_db()
    assert record.void_reason == "Duplicate"


def test_the_weekly_task_emails_each_schools_lead(
    school, sister_school, pastoral_lead, headteacher, teacher, dsl, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    other_lead = make_staff(sister_school, Role.PASTORAL_LEAD, "otherlead")
    make_training(school, teacher, dsl, completed_on=today - DAY, expires_on=today + datetime.timedelta(days=10))
    make_training(school, dsl, dsl, completed_on=today - DAY, expires_on=today + datetime.timedelta(days=200))

    with django_capture_on_commit_callbacks(execute=True):
        assert training_expiry_digest_task.delay([school.pk]).get() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pastoral_lead.email]
    assert "Team Teach" in message.body and str(teacher.get_full_name()) in message.body
    assert dsl.get_full_name() not in message.body
    assert other_lead.email not in [address for sent in mail.outbox for address in sent.to]


def test_the_task_rechecks_the_recipient(school, pastoral_lead, teacher, dsl):
    today = timezone.localdate()
    make_training(school, teacher, dsl, completed_on=today - DAY, expires_on=today + DAY)
    assert send_training_expiry_task.delay(school.pk, teacher.pk).get() == "skipped"
    Membership.objects.filter(user=pastoral_lead).update(ends_on=today - DAY)
    assert send_training_expiry_task.delay(school.pk, pastoral_lead.pk).get() == "skipped"
    assert mail.outbox == []


def test_the_task_is_on_the_beat_schedule():
    entry = celery_app.conf.beat_schedule["training-expiry-digest"]
    assert entry["task"] == "behaviour.tasks.training_expiry_digest_task"


def test_the_training_list_does_not_query_per_row(client, school, headteacher, dsl, django_assert_max_num_queries):
    today = timezone.localdate()
    for index in range(6):
        user = make_staff(school, Role.TEACHER, f"t{index}")
        make_training(school, user, dsl, completed_on=today - DAY, expires_on=today + DAY)
    verified_client(client, headteacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("behaviour:training_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Positive handling") == 6


def test_staff_see_only_their_own_training(client, school, dsl, teacher, pastoral_staff):
    today = timezone.localdate()
    own = make_training(school, teacher, dsl, completed_on=today - DAY, expires_on=today + DAY)
    make_training(school, pastoral_staff, dsl, completed_on=today - DAY, expires_on=today + DAY)
    verified_client(client, teacher)
    response = client.get(reverse("behaviour:training_list"))
    assert list(response.context["page"]) == [own]
    assert "My training" in response.content.decode()
    assert client.get(reverse("behaviour:training_expiring")).status_code == 403


def test_the_member_of_staff_is_typed_by_name_and_an_unchanged_one_is_not_a_change(
    client, school, headteacher, teacher, other_school_dsl
):
    verified_client(client, headteacher)
    url = reverse("behaviour:training_create")
    page = client.get(url).content.decode()
    assert '<select name="user"' not in page and 'name="user_text"' in page
    data = {"course": "team_teach", "completed_on": "2026-01-10", "expires_on": "2027-01-09"}
    refused = client.post(url, {**data, "user": str(other_school_dsl.code)})
    assert refused.status_code == 200 and "user" in refused.context["form"].errors
    typed = client.post(url, {**data, "user_text": "Teacher Tester"})
    assert typed.status_code == 302, typed.context["form"].errors
    record = StaffTraining.objects.get()
    assert record.user == teacher
    edit = reverse("behaviour:training_edit", args=[record.code])
    assert f'name="user" value="{teacher.code}"' in client.get(edit).content.decode()
    client.post(edit, {**data, "user": str(teacher.code), "expires_on": "2027-01-08"})
    entry = AuditEntry.objects.get(action="behaviour.training.changed")
    assert "expires_on" in entry.data and "user" not in entry.data
