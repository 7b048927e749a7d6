"""Fixes from the security review of behaviour: each test pins one defect."""

import uuid

from django.urls import reverse
from django.utils import timezone

from behaviour.models import IncidentAttachment, ReintegrationMeeting, SuspensionNotification

from .test_attachments import _incident, _png_bytes
from .test_suspensions import autumn, calendar, draft, finalised, reason_codes  # noqa: F401


def test_a_notification_and_a_reintegration_form_sent_twice_make_one_record(
    client, dsl, headteacher, pupil, as_user, request
):
    days = request.getfixturevalue("autumn")
    suspension = finalised(headteacher, pupil, days[2], 2)
    as_user(dsl)
    notify = {
        "notify-recipient": "parents",
        "notify-notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "notify-method": "email",
        "notify-submission_key": str(uuid.uuid4()),
    }
    url = reverse("behaviour:suspension_notification_add", args=[suspension.code])
    assert client.post(url, notify).status_code == client.post(url, notify).status_code == 302
    assert SuspensionNotification.objects.filter(suspension=suspension).count() == 1
    held_on = min(days[4], timezone.localdate())
    meeting = {
        "reint-held_on": held_on.isoformat(),
        "reint-attendees": "Pupil, mother, head of year",
        "reint-agreed_support": "Daily check-in",
        "reint-submission_key": str(uuid.uuid4()),
    }
    url = reverse("behaviour:suspension_reintegration_add", args=[suspension.code])
    assert client.post(url, meeting).status_code == client.post(url, meeting).status_code == 302
    assert ReintegrationMeeting.objects.filter(suspension=suspension).count() == 1
    page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert 'name="notify-submission_key"' in page and 'name="reint-submission_key"' in page


def test_an_attachment_form_sent_twice_stores_one_attachment(client, dsl, pupil, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    incident = _incident(dsl, pupil)
    as_user(dsl)
    key = str(uuid.uuid4())
    url = reverse("behaviour:attachment_upload", args=[incident.code])
    for _ in range(2):
        upload = SimpleUploadedFile("arm.png", _png_bytes(), content_type="image/png")
        response = client.post(url, {"attachment-file": upload, "attachment-submission_key": key})
        assert response.status_code == 302
    assert IncidentAttachment.objects.filter(incident=incident).count() == 1


def test_an_attachment_whose_save_fails_leaves_no_photo_on_disk(monkeypatch, settings, tmp_path, dsl, pupil):
    from pathlib import Path

    import pytest

    # Parallel test runs share var/test-media; counting files needs a folder of this test's own.
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from behaviour.incidents import services
    from pastoral import audit

    def stored():
        root = Path(settings.MEDIA_ROOT)
        return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()

    incident = _incident(dsl, pupil)
    before = stored()
    real = audit.record

    def record(action, **kwargs):
        if action == "behaviour.attachment.uploaded":
            raise RuntimeError("forced failure after the file was written")
        return real(action, **kwargs)

    monkeypatch.setattr(audit, "record", record)
    upload = SimpleUploadedFile("arm.png", _png_bytes(), content_type="image/png")
    with pytest.raises(RuntimeError):
        services.attachment_add(actor=dsl, incident=incident, upload=upload, submission_key=uuid.uuid4())
    assert not IncidentAttachment.objects.filter(incident=incident).exists()
    assert stored() == before


def test_a_clashing_suspension_key_never_hands_back_another_schools_record(dsl, pupil, other_school_pupil, request):
    import pytest
    from django.db import connection

    from behaviour.models import Suspension
    from behaviour.suspensions.services import SUBMISSION_KEY_CONSTRAINT
    from pastoral.exceptions import PastoralError

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [SUBMISSION_KEY_CONSTRAINT])
        assert cursor.fetchone(), "the constraint the fallback relies on exists"
    days = request.getfixturevalue("autumn")
    key = uuid.uuid4()
    theirs = draft(dsl, pupil, days[2], 2, submission_key=key)
    Suspension.objects.filter(pk=theirs.pk).update(school=other_school_pupil.school, pupil=other_school_pupil)
    with pytest.raises(PastoralError, match="already been used"):
        draft(dsl, pupil, days[2], 2, submission_key=key)
    assert Suspension.objects.filter(submission_key=key).count() == 1
    # The same form sent twice at this school still returns the first draft.
    again = uuid.uuid4()
    first = draft(dsl, pupil, days[3], 1, submission_key=again)
    assert draft(dsl, pupil, days[3], 1, submission_key=again) == first


def test_injury_photos_are_for_the_pastoral_team_and_the_uploader_only(
    client, as_user, pastoral_lead, teacher, senco, trust_leader, pupil
):
    import pytest
    from django.core.files.uploadedfile import SimpleUploadedFile

    from behaviour.incidents import services
    from pastoral.exceptions import PastoralError

    incident = _incident(pastoral_lead, pupil)
    photo = services.attachment_add(
        actor=pastoral_lead,
        incident=incident,
        upload=SimpleUploadedFile("bruise.png", _png_bytes(), content_type="image/png"),
        description="Bruise on forearm",
    )
    own = services.attachment_add(
        actor=teacher,
        incident=incident,
        upload=SimpleUploadedFile("desk.png", _png_bytes(), content_type="image/png"),
        description="Broken desk",
    )
    page = reverse("behaviour:incident_detail", args=[incident.code])
    download = reverse("behaviour:attachment_download", args=[photo.code])
    as_user(teacher)
    body = client.get(page).content.decode()
    assert "Bruise on forearm" not in body and "Broken desk" in body
    assert client.get(download).status_code == 403
    assert client.get(reverse("behaviour:attachment_download", args=[own.code])).status_code == 200
    with pytest.raises(PastoralError):
        services.attachment_downloaded(actor=teacher, attachment=photo)
    for reader in (senco, pastoral_lead):
        as_user(reader)
        assert "Bruise on forearm" in client.get(page).content.decode()
        assert client.get(download).status_code == 200
    as_user(trust_leader)
    assert client.get(download).status_code in (403, 404)
    assert "Bruise on forearm" not in client.get(page).content.decode()
