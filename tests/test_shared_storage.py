"""Files any web node or worker can reach: the same uploads, exports and import files on a shared folder or in S3.

The S3 runs are against a real S3-compatible HTTP server on loopback (moto's server, started here on a free port),
through django-storages and boto3 exactly as production would talk to a bucket. Nothing of ours is mocked.
"""

import ast
import io
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from behaviour.incidents import services as incident_services
from behaviour.models import IncidentAttachment
from behaviour.tests.factories import BehaviourEventFactory
from pastoral.files import encryption, exports
from pastoral.files.storage import GENERATED, GeneratedFilesStorage, generated_storage
from pastoral.models import GeneratedFile, ImportJob, Pupil
from pastoral.settings import file_storages
from pastoral.tests.test_import import AMELIA, JOSEF, csv_bytes, post_file

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-2"
KEYS = {"AWS_ACCESS_KEY_ID": "pastoral-test", "AWS_SECRET_ACCESS_KEY": "pastoral-test-secret"}


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class S3Bucket:
    def __init__(self, endpoint, name):
        self.endpoint = endpoint
        self.name = name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        self.client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})

    def keys(self, prefix=""):
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_status(self, key):
        """What someone without credentials gets for the object's plain URL."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.fixture(params=["filesystem", "s3"])
def shared_storage(request, settings, tmp_path, monkeypatch):
    """Point both storages at a fresh folder or a fresh bucket; None for the folder, the S3Bucket otherwise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    bucket = None
    if request.param == "s3":
        bucket = S3Bucket(request.getfixturevalue("s3_server"), f"pastoral-{uuid.uuid4().hex[:12]}")
        for name, value in {
            **KEYS,
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": bucket.endpoint,
            "AWS_S3_REGION_NAME": REGION,
        }.items():
            monkeypatch.setenv(name, value)
    settings.STORAGES = {**file_storages(request.param), "staticfiles": settings.STORAGES["staticfiles"]}
    return bucket


def stored_bytes(storage, name):
    with storage.open(name, "rb") as handle:
        return handle.read()


def decrypted(raw):
    """The content of a stored file's bytes: encrypted at rest, so never the content itself."""
    assert raw.startswith(encryption.MAGIC)
    return encryption.open_decrypted(io.BytesIO(raw), encryption.file_keyring()).read()


def assert_private_in_bucket(bucket, key, content):
    """The object is where the storage says, holds the bytes encrypted, and is refused to anyone without
    credentials."""
    assert decrypted(bucket.read(key)) == content
    assert bucket.anonymous_status(key) == 403
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_pupil_photo_is_stored_served_back_through_the_view_and_removed_when_replaced(
    shared_storage, client, pastoral_staff, pupil, as_user, django_capture_on_commit_callbacks
):
    as_user(pastoral_staff)
    upload = SimpleUploadedFile("photo.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(reverse("pastoral:pupil_edit", args=[pupil.code]), {"photo": upload})
    assert response.status_code == 302
    pupil.refresh_from_db()
    stored = stored_bytes(default_storage, pupil.photo.name)
    served = client.get(reverse("pastoral:pupil_photo", args=[pupil.code]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == stored
    if shared_storage:
        assert_private_in_bucket(shared_storage, f"media/{pupil.photo.name}", stored)
    else:
        assert decrypted((settings.MEDIA_ROOT / pupil.photo.name).read_bytes()) == stored

    earlier = pupil.photo.name
    replacement = SimpleUploadedFile("new.png", _png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:pupil_edit", args=[pupil.code]), {"photo": replacement})
    pupil.refresh_from_db()
    assert pupil.photo.name != earlier and default_storage.exists(pupil.photo.name)
    assert not default_storage.exists(earlier)


def test_an_incident_attachment_is_stored_and_downloaded_through_the_checked_view(
    shared_storage, client, teacher, pupil, other_school_dsl, as_user
):
    event = BehaviourEventFactory(pupil=pupil)
    incident = incident_services.incident_record(
        actor=teacher, event=event, submission_key=uuid.uuid4(), antecedent="a", behaviour="b", dysregulated="no"
    )
    as_user(teacher)
    content = _png()
    upload = SimpleUploadedFile("arm.png", content, content_type="image/png")
    response = client.post(
        reverse("behaviour:attachment_upload", args=[incident.code]),
        {"attachment-file": upload, "attachment-description": "Bruise"},
    )
    assert response.status_code == 302
    attachment = IncidentAttachment.objects.get()
    download = client.get(reverse("behaviour:attachment_download", args=[attachment.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    if shared_storage:
        assert_private_in_bucket(shared_storage, f"media/{attachment.file.name}", content)
    else:
        assert decrypted((settings.MEDIA_ROOT / attachment.file.name).read_bytes()) == content

    as_user(other_school_dsl)
    assert client.get(reverse("behaviour:attachment_download", args=[attachment.code])).status_code == 404


def test_an_export_is_built_into_the_storage_downloaded_and_removed_when_it_expires(
    shared_storage, client, dsl, pupil, as_user, django_capture_on_commit_callbacks
):
    as_user(dsl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pastoral:export_request"), {"kind": "pastoral.pupils_csv", "query": urlencode({})}
        )
    assert response.status_code == 302
    generated_file = GeneratedFile.objects.get(owner=dsl)
    assert generated_file.status == "done"
    content = stored_bytes(generated_storage(), generated_file.storage_name)
    assert "Ainsworth" in content.decode() and generated_file.size == len(content)
    if shared_storage:
        assert shared_storage.keys("generated/") == {f"generated/{generated_file.storage_name}"}
        assert_private_in_bucket(shared_storage, f"generated/{generated_file.storage_name}", content)
        assert shared_storage.keys("media/") == set()
    else:
        assert decrypted((settings.GENERATED_FILES_ROOT / generated_file.storage_name).read_bytes()) == content

    download = client.get(reverse("pastoral:export_download", args=[generated_file.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content

    GeneratedFile.objects.filter(pk=generated_file.pk).update(expires_at=generated_file.created_at)
    assert exports.delete_expired() == 1
    assert not generated_storage().exists(generated_file.storage_name)
    assert client.get(reverse("pastoral:export_download", args=[generated_file.code])).status_code == 410


def test_a_build_that_died_part_way_leaves_one_file_not_two(shared_storage, dsl, school):
    generated_file = exports.request_export(actor=dsl, kind_name="pastoral.pupils_csv", school=school, parameters={})
    generated_file.refresh_from_db()
    name = f"{school.code}/{generated_file.code}.csv"
    generated_storage().save(name, io.BytesIO(b"half a fi"))
    GeneratedFile.objects.filter(pk=generated_file.pk).update(status="queued")

    assert exports.generate(generated_file.pk) == "done"
    generated_file.refresh_from_db()
    assert generated_file.storage_name == name
    assert b"half a fi" not in stored_bytes(generated_storage(), name)
    _folders, files = generated_storage().listdir(str(school.code))
    assert files == [f"{generated_file.code}.csv"]


def test_the_pupil_import_file_waits_in_the_storage_and_is_removed_after(
    shared_storage, school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    client = as_user(pastoral_lead)
    content = csv_bytes([AMELIA, JOSEF])
    with django_capture_on_commit_callbacks() as queued:
        assert post_file(client, content).status_code == 302
    job = ImportJob.objects.get()
    assert job.storage_name.startswith("imports/")
    assert stored_bytes(generated_storage(), job.storage_name) == content
    if shared_storage:
        assert_private_in_bucket(shared_storage, f"generated/{job.storage_name}", content)

    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == "done" and Pupil.objects.filter(school=school).count() == 2
    assert not generated_storage().exists(job.storage_name)


def test_an_import_whose_file_has_gone_says_so(shared_storage, school, pastoral_lead, as_user):
    client = as_user(pastoral_lead)
    post_file(client, csv_bytes([AMELIA]))
    job = ImportJob.objects.get()
    generated_storage().delete(job.storage_name)
    from pastoral.pupils.imports import import_job_run

    assert import_job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.message == "The uploaded file is no longer here; upload it again."


def test_a_key_rotation_reencrypts_every_stored_file_in_place(shared_storage, settings):
    old, new = encryption.generate_key(), encryption.generate_key()
    settings.FILE_ENCRYPTION_KEYS = [old]
    upload = default_storage.save("incident-attachments/a.png", io.BytesIO(_png()))
    built = generated_storage().save("school/report.csv", io.BytesIO(b"House,Points\r\nTuring,6\r\n"))
    settings.FILE_ENCRYPTION_KEYS = [new, old]

    call_command("rotate_file_keys", stdout=io.StringIO())
    settings.FILE_ENCRYPTION_KEYS = [new]
    assert default_storage.key_id(upload) == generated_storage().key_id(built) == encryption.key_id(new)
    assert stored_bytes(default_storage, upload) == _png()
    assert stored_bytes(generated_storage(), built) == b"House,Points\r\nTuring,6\r\n"
    # Replaced under the same names, with nothing left beside them.
    assert default_storage.listdir("incident-attachments")[1] == ["a.png"]
    assert generated_storage().listdir("school")[1] == ["report.csv"]
    if shared_storage:
        assert_private_in_bucket(shared_storage, f"media/{upload}", _png())


# Settings ----------------------------------------------------------------------------


def test_the_storage_is_chosen_from_the_environment(monkeypatch):
    filesystem = file_storages("filesystem")
    assert filesystem["default"]["BACKEND"] == "pastoral.files.storage.EncryptedFileSystemStorage"
    assert filesystem["generated"]["BACKEND"] == "pastoral.files.storage.GeneratedFilesStorage"

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "school-files")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://objects.example.org")
    s3 = file_storages("s3")
    for alias, prefix in (("default", "media"), ("generated", "generated")):
        options = s3[alias]["OPTIONS"]
        assert s3[alias]["BACKEND"] == "pastoral.files.s3.EncryptedS3Storage"
        assert (options["bucket_name"], options["location"]) == ("school-files", prefix)
        assert options["endpoint_url"] == "https://objects.example.org"
        assert options["default_acl"] == "private" and options["querystring_auth"] is True
        assert options["custom_domain"] is None and options["file_overwrite"] is False

    with pytest.raises(ImproperlyConfigured, match="filesystem or s3"):
        file_storages("nfs")
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        file_storages("s3")


def test_the_generated_files_folder_follows_its_setting(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES}
    assert isinstance(storages[GENERATED], GeneratedFilesStorage)
    settings.GENERATED_FILES_ROOT = tmp_path / "elsewhere"
    name = generated_storage().save("a/b.csv", io.BytesIO(b"x"))
    assert decrypted((tmp_path / "elsewhere" / name).read_bytes()) == b"x"


# Stateless web processes --------------------------------------------------------------


def test_nothing_that_must_hold_across_requests_lives_in_one_web_process():
    """Sessions, sign-in lockouts, two-factor throttles and rate limits are all in PostgreSQL, so any node can
    serve any request. The cache is per process (Django's default), so nothing may rely on it."""
    from axes.handlers.database import AxesDatabaseHandler
    from django.utils.module_loading import import_string

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.fallback.FallbackStorage"

    cache_users = []
    for app in ("pastoral", "behaviour", "safeguarding", "provision", "medical"):
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name.startswith("django.core.cache") for name in names):
                    cache_users.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
        assert cache_users == [], "set CACHES to a shared cache (Redis) before relying on it"
