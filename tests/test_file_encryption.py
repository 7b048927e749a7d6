"""Stored files are encrypted at rest, served back whole through the checked views, and re-encrypted by a key
rotation; files written before encryption are still served, and the rotation encrypts them."""

import base64
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from behaviour.incidents import services as incident_services
from behaviour.tests.factories import BehaviourEventFactory
from pastoral.files import encryption
from pastoral.files.storage import generated_storage

ROOT = Path(__file__).resolve().parent.parent
# A PDF of five frames, the last one partly filled: the content check wants the header and the end marker.
BIG_PDF = b"%PDF-1.4\n" + os.urandom(4 * encryption.FRAME_BYTES + 1000) + b"\n%%EOF\n"


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    return tmp_path


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (5, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _attachment(teacher, pupil, content, name="scan.pdf", content_type="application/pdf"):
    incident = incident_services.incident_record(
        actor=teacher,
        event=BehaviourEventFactory(pupil=pupil),
        submission_key=uuid.uuid4(),
        antecedent="a",
        behaviour="b",
        dysregulated="no",
    )
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return incident_services.attachment_add(actor=teacher, incident=incident, upload=upload)


def _download(client, attachment):
    response = client.get(reverse("behaviour:attachment_download", args=[attachment.code]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def _on_disk(field_file):
    return Path(field_file.path).read_bytes()


def test_it_stores_an_upload_encrypted_and_serves_it_back_whole_through_the_checked_view(
    folders, client, teacher, pupil, other_school_dsl, as_user
):
    attachment = _attachment(teacher, pupil, BIG_PDF)
    stored = _on_disk(attachment.file)
    assert stored.startswith(encryption.MAGIC) and stored != BIG_PDF
    assert BIG_PDF[:4096] not in stored and BIG_PDF[-4096:] not in stored
    assert default_storage.size(attachment.file.name) == len(BIG_PDF) < len(stored)

    as_user(teacher)
    response, served = _download(client, attachment)
    assert served == BIG_PDF and int(response["Content-Length"]) == len(BIG_PDF)
    assert response["Content-Type"] == "application/pdf"

    as_user(other_school_dsl)
    assert client.get(reverse("behaviour:attachment_download", args=[attachment.code])).status_code == 404


def test_it_reads_any_part_of_a_file_without_reading_all_of_it(folders):
    name = default_storage.save("x/big.bin", ContentFile(BIG_PDF))
    with default_storage.open(name) as handle:
        handle.seek(3 * encryption.FRAME_BYTES - 10)
        assert handle.read(20) == BIG_PDF[3 * encryption.FRAME_BYTES - 10 : 3 * encryption.FRAME_BYTES + 10]
        handle.seek(-7, os.SEEK_END)
        assert handle.read() == BIG_PDF[-7:] and handle.tell() == len(BIG_PDF)
        assert handle.size == len(BIG_PDF)
        assert b"".join(handle.chunks()) == BIG_PDF


def test_a_generated_file_is_encrypted_too_and_its_download_is_the_original(
    folders, client, dsl, pupil, as_user, django_capture_on_commit_callbacks
):
    from pastoral.models import GeneratedFile

    as_user(dsl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:export_request"), {"kind": "pastoral.pupils_csv", "query": ""})
    generated = GeneratedFile.objects.get(owner=dsl)
    on_disk = (folders / "generated" / generated.storage_name).read_bytes()
    content = b"".join(client.get(reverse("pastoral:export_download", args=[generated.code])).streaming_content)
    assert on_disk.startswith(encryption.MAGIC) and "Ainsworth" in content.decode()
    assert content == generated_storage().open(generated.storage_name).read() and content not in on_disk
    assert generated.size == len(content)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[:200] + bytes([raw[200] ^ 1]) + raw[201:], id="a flipped bit"),
        pytest.param(lambda raw: raw[: encryption.HEADER_BYTES + encryption.FULL_FRAME_DISK_BYTES], id="cut short"),
        pytest.param(
            lambda raw: (
                raw[: encryption.HEADER_BYTES]
                + raw[
                    encryption.HEADER_BYTES + encryption.FULL_FRAME_DISK_BYTES : encryption.HEADER_BYTES
                    + 2 * encryption.FULL_FRAME_DISK_BYTES
                ]
                + raw[encryption.HEADER_BYTES : encryption.HEADER_BYTES + encryption.FULL_FRAME_DISK_BYTES]
                + raw[encryption.HEADER_BYTES + 2 * encryption.FULL_FRAME_DISK_BYTES :]
            ),
            id="frames swapped",
        ),
    ],
)
def test_a_damaged_file_is_refused_rather_than_served_wrong(folders, damage):
    name = default_storage.save("x/big.bin", ContentFile(BIG_PDF))
    path = Path(default_storage.path(name))
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(encryption.DecryptionError), default_storage.open(name) as handle:
        handle.read()


def test_rotation_reencrypts_with_the_newest_key_and_the_old_key_reads_until_then(
    folders, settings, client, teacher, pupil, as_user
):
    old, new = encryption.generate_key(), encryption.generate_key()
    settings.FILE_ENCRYPTION_KEYS = [old]
    attachment = _attachment(teacher, pupil, BIG_PDF)
    export = generated_storage().save("school/export.csv", ContentFile(b"Surname,Forename\r\nAinsworth,Zoe\r\n"))
    written_under_old = _on_disk(attachment.file)
    assert default_storage.key_id(attachment.file.name) == encryption.key_id(old)

    # The new key first: new files use it; files written under the old key still read, unchanged on disk.
    settings.FILE_ENCRYPTION_KEYS = [new, old]
    as_user(teacher)
    assert _download(client, attachment)[1] == BIG_PDF
    assert _on_disk(attachment.file) == written_under_old
    fresh = default_storage.save("x/new.bin", ContentFile(b"written after the new key"))
    assert default_storage.key_id(fresh) == encryption.key_id(new)

    out = io.StringIO()
    call_command("rotate_file_keys", "--dry-run", stdout=out)
    assert "would re-encrypt 1 written with an older key" in out.getvalue()
    assert _on_disk(attachment.file) == written_under_old

    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)
    assert "media: 1 already under the newest key; re-encrypted 1 written with an older key" in out.getvalue()
    assert "generated: 0 already under the newest key; re-encrypted 1" in out.getvalue()
    assert _on_disk(attachment.file) != written_under_old
    assert default_storage.key_id(attachment.file.name) == encryption.key_id(new)
    assert generated_storage().key_id(export) == encryption.key_id(new)

    # The old key can go: everything reads with the new one alone, and nothing with the old one alone.
    settings.FILE_ENCRYPTION_KEYS = [new]
    assert _download(client, attachment)[1] == BIG_PDF
    assert generated_storage().open(export).read() == b"Surname,Forename\r\nAinsworth,Zoe\r\n"
    settings.FILE_ENCRYPTION_KEYS = [old]
    with pytest.raises(encryption.DecryptionError, match="not configured"):
        default_storage.open(attachment.file.name)

    settings.FILE_ENCRYPTION_KEYS = [new]
    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)
    assert "media: 2 already under the newest key; re-encrypted 0" in out.getvalue()


def test_a_file_stored_before_encryption_is_still_served_and_rotation_encrypts_it(
    folders, client, teacher, pupil, as_user
):
    content = _png()
    attachment = _attachment(teacher, pupil, content, "arm.png", "image/png")
    path = Path(attachment.file.path)
    path.write_bytes(content)  # as it was written before files were encrypted
    assert default_storage.key_id(attachment.file.name) is None

    as_user(teacher)
    assert _download(client, attachment)[1] == content

    out = io.StringIO()
    call_command("rotate_file_keys", stdout=out)
    assert "and 1 not yet encrypted" in out.getvalue()
    assert path.read_bytes().startswith(encryption.MAGIC) and content not in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    assert _download(client, attachment)[1] == content


def test_a_file_under_a_key_no_longer_listed_fails_rotation_loudly_and_stays_as_it_was(folders, settings):
    settings.FILE_ENCRYPTION_KEYS = [encryption.generate_key()]
    name = default_storage.save("x/lost.bin", ContentFile(b"written under a key since thrown away"))
    before = Path(default_storage.path(name)).read_bytes()
    settings.FILE_ENCRYPTION_KEYS = [encryption.generate_key()]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="x/lost.bin: The file was encrypted with a key that is not configured"):
        call_command("rotate_file_keys", stdout=io.StringIO())
    assert Path(default_storage.path(name)).read_bytes() == before


def test_a_pdf_reads_a_stored_image_through_the_storage_never_from_disk(folders, pupil):
    from types import SimpleNamespace

    from pastoral.files import pdf

    pupil.photo.save("logo.png", ContentFile(_png()), save=False)
    url = pdf.school_logo_url(SimpleNamespace(logo=pupil.photo))
    assert url.startswith("data:image/") and base64.b64decode(url.split(",", 1)[1]) == _png()
    with pytest.raises(pdf.RefusedURL):  # the encrypted file itself is out of WeasyPrint's reach
        pdf.check_url(Path(pupil.photo.path).as_uri())


# Settings ---------------------------------------------------------------------------------------------------------


def _start(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PASTORAL_"))}
    environment.update(DJANGO_SETTINGS_MODULE="pastoral.settings", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import pastoral.settings as s; print(len(s.FILE_ENCRYPTION_KEYS), len(s.BACKUP_ENCRYPTION_KEYS))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "s" * 60, "DJANGO_ALLOWED_HOSTS": "pastoral.example.org"}


def test_production_refuses_to_start_without_file_keys_and_names_a_bad_one():
    missing = _start(**PRODUCTION)
    assert missing.returncode != 0 and "PASTORAL_FILE_KEYS must be set when DJANGO_DEBUG is false" in missing.stderr

    bad = _start(**PRODUCTION, PASTORAL_FILE_KEYS=f"{encryption.generate_key()}, not-a-key")
    assert bad.returncode != 0 and "PASTORAL_FILE_KEYS: entry 2 is not a Fernet key" in bad.stderr

    good = _start(**PRODUCTION, PASTORAL_FILE_KEYS=f"{encryption.generate_key()},{encryption.generate_key()}")
    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == ["2", "0"]  # no backup key: only the backup commands need one
