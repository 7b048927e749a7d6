import uuid

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pastoral.files.uploads import is_stored_name
from pastoral.models import AuditEntry, Membership
from pastoral.tests import upload_files
from safeguarding.models import Concern, Notification
from safeguarding.tasks import notify_concern_raised_task

from .conftest import ACCOUNT, DISCLOSURE, png_upload


def _data(pupil, category, **extra):
    return {
        "pupils": [str(pupil.code)],
        "occurred_at": "2026-11-20T10:15",
        "location": "PE changing room",
        "category": str(category.code),
        "account": ACCOUNT,
        "child_words": DISCLOSURE,
        "immediate_action": "Reassured him and came straight to the DSL office",
        "others_informed": "Head of year",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


def test_a_teacher_raises_a_concern_with_body_map_and_photo_and_the_dsls_are_told(
    client, as_user, teacher, dsl, deputy_dsl, pupil, categories, django_capture_on_commit_callbacks
):
    as_user(teacher)
    data = _data(
        pupil,
        categories["Physical abuse"],
        mark_side=["back"],
        mark_x=["40.5"],
        mark_y=["120"],
        mark_note=["Red line 10cm"],
        fallback_side="front",
        fallback_region="left_arm",
        fallback_note="Fingertip bruises",
        urgent="on",
        attachments=[png_upload()],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("safeguarding:concern_create"), data)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:concern_receipt", args=[concern.code])
    assert concern.reporter == teacher and concern.urgent and list(concern.pupils.all()) == [pupil]
    marks = list(concern.marks.values_list("side", "x", "y", "note"))
    assert [(m[0], float(m[1]), float(m[2]), m[3]) for m in marks] == [
        ("back", 40.5, 120.0, "Red line 10cm"),
        ("front", 72.0, 58.0, "Fingertip bruises"),
    ]
    attachment = concern.attachments.get()
    assert attachment.content_type == "image/png" and attachment.file.read().startswith(b"\x89PNG")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"dsl", "ddsl"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dsl.email, deputy_dsl.email])
    for message in mail.outbox:
        assert message.subject.startswith("URGENT")
        assert str(concern.code) in message.body
        for secret in (DISCLOSURE, ACCOUNT, pupil.legal_first_name, pupil.legal_last_name, "thigh"):
            assert secret not in message.body and secret not in message.subject
    assert AuditEntry.objects.filter(action="safeguarding.concern.raised", actor=teacher).count() == 1


def test_the_receipt_says_who_received_it_and_nothing_of_the_case(client, as_user, teacher, dsl, pupil, categories):
    as_user(teacher)
    client.post(reverse("safeguarding:concern_create"), _data(pupil, categories["Neglect"]))
    concern = Concern.objects.get()
    response = client.get(reverse("safeguarding:concern_receipt", args=[concern.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert str(dsl) in body and concern.reference in body
    assert ACCOUNT not in body and DISCLOSURE not in body
    assert client.get(reverse("safeguarding:concern_detail", args=[concern.code])).status_code == 403
    assert AuditEntry.objects.filter(action="safeguarding.concern.receipt_viewed", actor=teacher).exists()
    assert "Not yet" in body
    as_user(dsl)
    client.get(reverse("safeguarding:concern_detail", args=[concern.code]))
    as_user(teacher)
    body = client.get(reverse("safeguarding:concern_receipt", args=[concern.code])).content.decode()
    assert f"by {dsl} at" in body and ACCOUNT not in body


def test_a_double_submit_makes_one_concern(client, as_user, teacher, dsl, pupil, categories):
    as_user(teacher)
    data = _data(pupil, categories["Neglect"])
    client.post(reverse("safeguarding:concern_create"), data)
    client.post(reverse("safeguarding:concern_create"), data)
    assert Concern.objects.count() == 1
    assert Notification.objects.count() == 1


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, as_user, teacher, pupil, categories):
    as_user(teacher)
    data = _data(pupil, categories["Neglect"], account="", mark_side=["front"], mark_x=["50"], mark_y=["20"])
    data["mark_note"] = ["Graze on forehead"]
    response = client.post(reverse("safeguarding:concern_create"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert Concern.objects.count() == 0
    assert "This field is required" in body
    assert DISCLOSURE in body and "Graze on forehead" in body and pupil.display_name in body


def test_a_mark_without_a_note_or_off_the_outline_is_refused(client, as_user, teacher, pupil, categories):
    as_user(teacher)
    data = _data(pupil, categories["Neglect"], mark_side=["front"], mark_x=["500"], mark_y=["20"], mark_note=["x"])
    assert client.post(reverse("safeguarding:concern_create"), data).status_code == 400
    data = _data(pupil, categories["Neglect"], fallback_region="head")
    response = client.post(reverse("safeguarding:concern_create"), data)
    assert response.status_code == 400 and "Say what you saw at this mark" in response.content.decode()
    assert Concern.objects.count() == 0


def test_attachments_are_checked_by_content(client, as_user, teacher, pupil, categories, settings):
    as_user(teacher)
    fake = SimpleUploadedFile("photo.png", b"MZ this is a program", content_type="image/png")
    response = client.post(
        reverse("safeguarding:concern_create"), _data(pupil, categories["Neglect"], attachments=[fake])
    )
    assert response.status_code == 400 and "is not a photo" in response.content.decode()
    settings.SAFEGUARDING_ATTACHMENT_MAX_BYTES = 10
    response = client.post(
        reverse("safeguarding:concern_create"), _data(pupil, categories["Neglect"], attachments=[png_upload()])
    )
    assert response.status_code == 400 and "larger than" in response.content.decode()
    pdf = SimpleUploadedFile("letter.pdf", upload_files.MINIMAL_PDF, content_type="application/pdf")
    settings.SAFEGUARDING_ATTACHMENT_MAX_BYTES = 1024
    client.post(reverse("safeguarding:concern_create"), _data(pupil, categories["Neglect"], attachments=[pdf]))
    assert Concern.objects.get().attachments.get().content_type == "application/pdf"


def test_categories_are_seeded_from_kcsie_once_per_school(client, as_user, teacher, school):
    as_user(teacher)
    client.get(reverse("safeguarding:concern_create"))
    client.get(reverse("safeguarding:concern_create"))
    names = list(school.concern_categories.values_list("name", flat=True))
    assert len(names) == 14 and "County lines" in names and "FGM" in names


def test_the_email_task_rechecks_access_and_sends_nothing_to_someone_who_lost_the_role(dsl, concern):
    Membership.objects.filter(user=dsl).update(ends_on="2020-01-01", starts_on="2019-01-01")
    assert notify_concern_raised_task.delay(concern.pk, dsl.pk).get() == "skipped"
    assert mail.outbox == []


def test_the_raise_link_is_in_the_nav_for_staff_but_not_the_it_admin(client, as_user, teacher, it_admin):
    as_user(teacher)
    assert "Raise a concern" in client.get(reverse("pastoral:home")).content.decode()
    as_user(it_admin)
    assert "Raise a concern" not in client.get(reverse("pastoral:home")).content.decode()


def test_the_pupil_profile_offers_a_concern_about_that_pupil(client, as_user, teacher, pupil, categories):
    as_user(teacher)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    link = f"{reverse('safeguarding:concern_create')}?pupil={pupil.code}"
    assert f'href="{link}">Raise a safeguarding concern' in profile

    form = client.get(link).content.decode()
    assert pupil.display_name in form


def test_a_png_named_pdf_is_stored_as_png_and_served_as_png(client, as_user, teacher, dsl, pupil, categories):
    as_user(teacher)
    photo = png_upload("bruise.pdf")
    data = _data(pupil, categories["Physical abuse"], attachments=[photo])
    assert client.post(reverse("safeguarding:concern_create"), data).status_code == 302
    attachment = Concern.objects.get().attachments.get()
    assert attachment.content_type == "image/png" and attachment.name == "bruise.pdf"
    assert attachment.file.name.endswith(".png") and is_stored_name(attachment.file.name)
    as_user(dsl)
    url = reverse("safeguarding:attachment", args=[attachment.concern.code, attachment.code])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="bruise.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_decompression_bomb_attachment_is_refused(client, as_user, teacher, pupil, categories):
    as_user(teacher)
    bomb = SimpleUploadedFile("bruise.png", upload_files.bomb_png(), content_type="image/png")
    response = client.post(
        reverse("safeguarding:concern_create"), _data(pupil, categories["Neglect"], attachments=[bomb])
    )
    assert response.status_code == 400
    assert "“bruise.png”: The image has too many pixels to accept." in response.content.decode()
    assert not Concern.objects.exists()
