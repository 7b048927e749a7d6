import io
import stat
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from behaviour.incidents import services
from behaviour.models import IncidentAttachment
from pastoral.files.encryption import MAGIC
from pastoral.files.uploads import is_stored_name
from pastoral.models import AuditEntry
from pastoral.tests import upload_files

from .factories import BehaviourEventFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _incident(actor, pupil):
    event = BehaviourEventFactory(pupil=pupil)
    return services.incident_record(
        actor=actor, event=event, submission_key=uuid.uuid4(), antecedent="a", behaviour="b", dysregulated="no"
    )


def _upload(client, incident, name, content, content_type, description=""):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        reverse("behaviour:attachment_upload", args=[incident.code]),
        {"attachment-file": upload, "attachment-description": description},
    )


def test_it_stores_a_real_png_outside_the_web_root(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    content = _png_bytes()
    response = _upload(client, incident, "arm.png", content, "image/png", "Bruise on left arm")
    assert response.status_code == 302
    attachment = IncidentAttachment.objects.get()
    assert attachment.kind == "image/png" and attachment.size == len(content)
    assert attachment.original_name == "arm.png" and attachment.description == "Bruise on left arm"
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    # Encrypted at rest; read back through the storage it is the upload again.
    assert path.read_bytes().startswith(MAGIC) and content not in path.read_bytes()
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "arm" not in path.name  # the stored name is random
    assert AuditEntry.objects.filter(action="behaviour.attachment.uploaded").count() == 1
    page = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert reverse("behaviour:attachment_download", args=[attachment.code]) in page and "arm.png" in page


def test_it_accepts_a_minimal_pdf(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    assert _upload(client, incident, "statement.pdf", MINIMAL_PDF, "application/pdf").status_code == 302
    attachment = IncidentAttachment.objects.get()
    assert attachment.kind == "application/pdf" and attachment.file.name.endswith(".pdf")


def test_it_refuses_a_file_that_only_claims_to_be_a_pdf(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    response = _upload(client, incident, "statement.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf", "Witness")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is neither, whatever its name says." in page
    assert 'href="#id_attachment-file"' in page and 'value="Witness"' in page
    assert not IncidentAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action="behaviour.attachment.uploaded").exists()


def test_it_refuses_an_image_name_on_other_content(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    response = _upload(client, incident, "photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
    assert response.status_code == 400
    assert not IncidentAttachment.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, teacher, pupil, settings, as_user):
    settings.BEHAVIOUR_ATTACHMENT_MAX_BYTES = 1024
    incident = _incident(teacher, pupil)
    as_user(teacher)
    response = _upload(client, incident, "big.pdf", MINIMAL_PDF + b"0" * 2048, "application/pdf")
    assert response.status_code == 400
    assert "The file must be 1.0\xa0KB or smaller." in response.content.decode()
    assert not IncidentAttachment.objects.exists()


def test_the_service_checks_content_whatever_the_form_did(teacher, pupil):
    incident = _incident(teacher, pupil)
    fake = SimpleUploadedFile("x.pdf", b"not really", content_type="application/pdf")
    with pytest.raises(Exception, match="neither"):
        services.attachment_add(actor=teacher, incident=incident, upload=fake)
    assert not IncidentAttachment.objects.exists()


def test_it_serves_a_download_to_staff_and_audits_it(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    attachment = services.attachment_add(
        actor=teacher, incident=incident, upload=SimpleUploadedFile("a.pdf", MINIMAL_PDF, "application/pdf")
    )
    as_user(teacher)
    response = client.get(reverse("behaviour:attachment_download", args=[attachment.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "a.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="behaviour.attachment.downloaded")
    assert entry.actor == teacher and entry.object_id == str(attachment.pk) and entry.school == incident.school


def test_it_gives_404_to_another_school_and_403_to_the_it_admin(
    client, pupil, teacher, other_school_dsl, it_admin, as_user
):
    incident = _incident(teacher, pupil)
    attachment = services.attachment_add(
        actor=teacher, incident=incident, upload=SimpleUploadedFile("a.png", _png_bytes(), "image/png")
    )
    url = reverse("behaviour:attachment_download", args=[attachment.code])
    as_user(other_school_dsl)
    assert client.get(url).status_code == 404
    upload = SimpleUploadedFile("b.png", _png_bytes(), "image/png")
    response = client.post(reverse("behaviour:attachment_upload", args=[incident.code]), {"attachment-file": upload})
    assert response.status_code == 404
    as_user(it_admin)
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="behaviour.attachment.downloaded").exists()
    assert IncidentAttachment.objects.count() == 1


def test_it_rechecks_the_incident_on_each_download(client, teacher, pastoral_lead, pupil, as_user):
    incident = _incident(teacher, pupil)
    attachment = services.attachment_add(
        actor=teacher, incident=incident, upload=SimpleUploadedFile("a.png", _png_bytes(), "image/png")
    )
    url = reverse("behaviour:attachment_download", args=[attachment.code])
    as_user(teacher)
    assert client.get(url).status_code == 200
    services.incident_void(actor=pastoral_lead, incident=incident, reason="Wrong pupil")
    # Voided incidents stay readable by leads only, and so do their files.
    assert client.get(url).status_code == 403
    as_user(pastoral_lead)
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="behaviour.attachment.downloaded").count() == 2


def test_a_png_named_pdf_is_stored_as_png_and_served_as_png(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    content = _png_bytes()
    assert _upload(client, incident, "x.pdf", content, "application/pdf").status_code == 302
    attachment = IncidentAttachment.objects.get()
    assert attachment.kind == "image/png" and attachment.file.name.endswith(".png")
    assert is_stored_name(attachment.file.name)
    response = client.get(reverse("behaviour:attachment_download", args=[attachment.code]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="x.png"'
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize("content", [upload_files.HTML, upload_files.SVG], ids=["html", "svg"])
def test_markup_renamed_png_is_refused_with_a_message_beside_the_field(client, teacher, pupil, as_user, content):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    response = _upload(client, incident, "photo.png", content, "image/png")
    assert response.status_code == 400
    assert "This file is neither, whatever its name says." in response.content.decode()
    assert not IncidentAttachment.objects.exists()


def test_a_decompression_bomb_is_refused(client, teacher, pupil, as_user):
    incident = _incident(teacher, pupil)
    as_user(teacher)
    response = _upload(client, incident, "bomb.png", upload_files.bomb_png(8_000, 6_000), "image/png")
    assert response.status_code == 400
    assert "8,000 × 6,000 pixels, too large to accept" in response.content.decode()
    assert not IncidentAttachment.objects.exists()


def test_stored_files_are_readable_by_the_app_user_only(teacher, pupil):
    incident = _incident(teacher, pupil)
    attachment = services.attachment_add(
        actor=teacher, incident=incident, upload=SimpleUploadedFile("a.png", _png_bytes(), "image/png")
    )
    path = Path(attachment.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
