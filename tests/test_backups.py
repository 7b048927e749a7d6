"""Backup and restore with the real pg_dump and pg_restore: a seeded database and its files go into one encrypted
archive, come back into a fresh database and fresh file folders, and match row for row and byte for byte."""

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image
from psycopg import sql

from behaviour.tests.factories import BehaviourEventFactory
from pastoral import backups
from pastoral.files import encryption
from pastoral.files.storage import generated_storage
from pastoral.tests.factories import PupilFactory
from safeguarding.models import Attachment
from safeguarding.services import categories_ensure, concern_raise

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed

PHOTO_SURNAME = "Ainsworth-Backup"


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5), "maroon").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    return tmp_path


@pytest.fixture
def seeded(folders, school, teacher, dsl):
    pupils = [PupilFactory(school=school, legal_last_name=f"{PHOTO_SURNAME}-{n}") for n in range(3)]
    for pupil in pupils:
        BehaviourEventFactory(pupil=pupil, school=school)
    photo = _png()
    concern = concern_raise(
        actor=teacher,
        school=school,
        pupils=pupils[:1],
        category=list(categories_ensure(school))[0],
        occurred_at=timezone.now(),
        account="Saw a bruise on the left arm",
        submission_key=uuid.uuid4(),
        files=[SimpleUploadedFile("arm.png", photo, content_type="image/png")],
    )
    generated_storage().save("imports/waiting.csv", ContentFile(f"{PHOTO_SURNAME},Zoe\r\n".encode()))
    # A file written before encryption was switched on goes into the archive as it is stored.
    Path(default_storage.path("legacy/old-letter.pdf")).parent.mkdir(parents=True)
    Path(default_storage.path("legacy/old-letter.pdf")).write_bytes(b"%PDF-1.4\nold\n%%EOF\n")
    return {"concern": concern, "photo": photo}


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, created and dropped by the same role."""
    source = backups.Database.configured()
    target = backups.Database(**{**source.__dict__, "dbname": f"{source.dbname}_restore"})
    with psycopg.connect(**_maintenance(source), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.dbname)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.dbname)))
    yield target
    with psycopg.connect(**_maintenance(source), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.dbname)))


def _maintenance(database):
    return {
        "host": database.host,
        "port": database.port,
        "user": database.user,
        "password": database.password or None,
        "dbname": "postgres",
    }


def _url(database):
    return f"postgres://{database.user}:{database.password}@{database.host}:{database.port}/{database.dbname}"


def _checksums(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def _counts(database):
    with database.connect() as conn:
        return backups.row_counts(conn)


def test_a_backup_restores_into_a_fresh_database_and_file_store_row_for_row_and_byte_for_byte(
    seeded, folders, settings, fresh_database
):
    archive = folders / "backups" / "nightly.tar.enc"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert f"files to {archive}" in out.getvalue()
    raw = archive.read_bytes()
    assert raw.startswith(encryption.MAGIC) and archive.stat().st_mode & 0o777 == 0o600
    assert PHOTO_SURNAME.encode() not in raw and b"Saw a bruise" not in raw and b"%PDF-1.4\nold" not in raw

    source_counts = _counts(backups.Database.configured())
    source_files = {
        "media": _checksums(folders / "media"),
        "generated": _checksums(folders / "generated"),
    }
    assert source_counts["public.pastoral_pupil"] >= 3 and source_counts["public.safeguarding_attachment"] == 1
    assert len(source_files["media"]) == 2 and len(source_files["generated"]) == 1

    settings.MEDIA_ROOT = folders / "restored" / "media"
    settings.GENERATED_FILES_ROOT = folders / "restored" / "generated"
    out = io.StringIO()
    call_command("restore", str(archive), database_url=_url(fresh_database), stdout=out)
    assert "all matching the manifest" in out.getvalue()

    assert _counts(fresh_database) == source_counts
    assert {
        "media": _checksums(folders / "restored" / "media"),
        "generated": _checksums(folders / "restored" / "generated"),
    } == source_files
    for path in (folders / "restored").rglob("*"):  # as private as the storage writes them
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    # The restored upload is still the photo, read through the storage (and its file key) in the new place.
    with psycopg.connect(**{**_maintenance(fresh_database), "dbname": fresh_database.dbname}) as conn:
        [(name,)] = conn.execute("SELECT file FROM safeguarding_attachment").fetchall()
    assert name == Attachment.objects.get().file.name
    with default_storage.open(name) as handle:
        assert handle.read() == seeded["photo"]

    # A second restore over what is there is refused: only into an empty database and empty storages.
    with pytest.raises(CommandError, match="already has .* tables: restore only into an empty database"):
        call_command("restore", str(archive), database_url=_url(fresh_database), stdout=io.StringIO())


def test_check_reads_the_whole_archive_and_a_manifest_that_disagrees_fails_loudly(seeded, folders):
    archive = folders / "nightly.tar.enc"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert "is whole" in out.getvalue() and "match its manifest" in out.getvalue()

    # The same archive, with the manifest saying one file is other than it is.
    keyring = backups.backup_keyring()
    members = []
    with (
        open(archive, "rb") as handle,
        tarfile.open(fileobj=encryption.open_decrypted(handle, keyring), mode="r|") as tar,
    ):
        for member in tar:
            members.append((member, tar.extractfile(member).read()))
    manifest = json.loads(members[-1][1])
    manifest["files"][0]["sha256"] = "0" * 64
    members[-1] = (members[-1][0], json.dumps(manifest).encode())
    tampered = folders / "tampered.tar.enc"
    with open(tampered, "wb") as handle:
        writer = encryption.EncryptingWriter(handle, keyring)
        with tarfile.open(fileobj=writer, mode="w|") as tar:
            for member, body in members:
                member.size = len(body)
                tar.addfile(member, io.BytesIO(body))
        writer.close()
    with pytest.raises(CommandError, match="does not match the backup's manifest") as failure:
        call_command("restore", str(tampered), check=True, stdout=io.StringIO())
    assert f"{manifest['files'][0]['storage']}/{manifest['files'][0]['name']}" in str(failure.value)


@pytest.mark.django_db  # refused before the database is read: no need to commit anything
def test_without_the_backup_key_nothing_is_written(folders, settings):
    settings.BACKUP_ENCRYPTION_KEYS = []
    with pytest.raises(CommandError, match="PASTORAL_BACKUP_KEY is not set"):
        call_command("backup", output=str(folders / "b.tar.enc"), stdout=io.StringIO())
    assert not (folders / "b.tar.enc").exists()
