"""Exporting one school and importing it into another deployment: the demo trust's secondary school goes into an
archive, comes back in a second, freshly migrated database with its own file key, and matches row for row, value
for value and byte for byte; the primary school's rows stay behind; a tampered archive is refused."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections import Counter

import psycopg
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from psycopg import sql

from pastoral import backups, demo
from pastoral.files import encryption
from pastoral.meetings.models import Meeting
from pastoral.meetings.services import meeting_record
from pastoral.models import AuditEntry, Membership, Pupil, School, Trust, User
from pastoral.tests.factories import ProfessionalFactory
from pastoral.transfer import placement
from safeguarding.models import Attachment, Concern
from safeguarding.services import categories_ensure, concern_link, concern_raise, note_add

TARGET = "school_import_target"


# Placement: nothing left out silently ------------------------------------------------------------------------------


def test_every_model_is_placed_in_the_export_or_skipped_with_a_reason():
    placements = placement.plan()  # raises PlacementError naming any model it cannot place
    for model in placement.candidate_models():
        name = model._meta.label
        assert model in placements or placement.skip_reason(model) or name in placement.NATURAL_KEYS, name
    for name in placement.SKIPPED:  # the skip list names only what exists
        app_label, _, model_name = name.partition(".")
        if model_name == "*":
            assert apps.get_app_config(app_label)
        else:
            assert apps.get_model(name)._meta.label == name


def test_a_new_model_without_a_path_to_a_school_fails_the_placement():
    class StrayNote(models.Model):
        text = models.TextField()

        class Meta:
            app_label = "pastoral"

    try:
        with pytest.raises(placement.PlacementError, match=r"cannot place pastoral\.StrayNote"):
            placement.plan()
    finally:
        del apps.all_models["pastoral"]["straynote"]
        apps.clear_cache()
    placement.plan()


# Archives that are not what they claim ---------------------------------------------------------------------------


def _archive(path, manifest, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
        archive.writestr("manifest.json", json.dumps(manifest))
    return path


def _member(name, body):
    return {"member": name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_an_archive_of_another_version_or_with_a_member_not_in_its_manifest_is_refused_unread(tmp_path):
    body = b'{"model": "pastoral.Trust", "id": 1, "fields": {"code": "x", "name": "T"}}\n'
    manifest = {
        "format": "pastoral-school-export",
        "version": 1,
        "members": [_member("data/pastoral.Trust.jsonl", body)],
    }

    newer = _archive(tmp_path / "newer.zip", {**manifest, "version": 2}, {"data/pastoral.Trust.jsonl": body})
    with pytest.raises(CommandError, match="format version 2; this version of the app reads version 1"):
        call_command("import_school", str(newer), stdout=io.StringIO())

    extra = _archive(
        tmp_path / "extra.zip", manifest, {"data/pastoral.Trust.jsonl": body, "files/media/smuggled.pdf": b"%PDF"}
    )
    with pytest.raises(CommandError, match=r"files/media/smuggled\.pdf: in the archive, not in the manifest"):
        call_command("import_school", str(extra), stdout=io.StringIO())

    missing = _archive(tmp_path / "missing.zip", manifest, {})
    with pytest.raises(CommandError, match=r"data/pastoral\.Trust\.jsonl: in the manifest, missing from the archive"):
        call_command("import_school", str(missing), stdout=io.StringIO())

    (tmp_path / "not.zip").write_bytes(b"PK but not really")
    with pytest.raises(CommandError, match="is not a school export archive"):
        call_command("import_school", str(tmp_path / "not.zip"), stdout=io.StringIO())


# Export and import -----------------------------------------------------------------------------------------------


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    return tmp_path


def _maintenance(database):
    return {
        "host": database.host,
        "port": database.port,
        "user": database.user,
        "password": database.password or None,
        "dbname": "postgres",
        "autocommit": True,
    }


@pytest.fixture
def target_database(settings):
    """A second database, migrated from empty, reachable as the TARGET alias: the other deployment."""
    source = backups.Database.configured()
    name = f"{source.dbname}_school_import"
    with psycopg.connect(**_maintenance(source)) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connections.settings[TARGET] = {
        **connections["default"].settings_dict,
        "NAME": name,
        "USER": source.user,
        "PASSWORD": source.password,
    }
    # The connection is made now and the alias taken out of the settings again: Django's test case then treats it
    # as a connection made on the fly (allowed) and neither flushes nor checks it.
    connections[TARGET]
    del connections.settings[TARGET]
    try:
        # Migrated by its own process, as a deployment is (data migrations write through the default alias).
        url = f"postgres://{source.user}:{source.password}@{source.host}:{source.port}/{name}"
        environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_OWNER_URL", "DATABASE_URL")}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity=0"],
            env={**environment, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "pastoral.settings"},
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
        )
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        with psycopg.connect(**_maintenance(source)) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _rows(archive_path):
    """{model label: [row, ...]} from an archive."""
    found = {}
    with zipfile.ZipFile(archive_path) as archive:
        for name in archive.namelist():
            if name.startswith("data/"):
                label = name.removeprefix("data/").removesuffix(".jsonl")
                found[label] = [json.loads(line) for line in archive.read(name).splitlines() if line.strip()]
    return found


def _png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5), colour).save(buffer, "PNG")
    return buffer.getvalue()


PHOTO, BRUISE, MINUTES = _png("navy"), _png("maroon"), _png("olive")


def _sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def seeded(folders):
    seed = demo.seed_demo()
    schools = {s.name: s for s in seed.schools}
    school, other = schools["Northfield Academy"], schools["Riverside Primary"]
    dsl = User.objects.get(username="dsl.northfield")
    teacher = User.objects.get(username="teacher.northfield")
    pupil = Pupil.objects.filter(school=school).order_by("pk").first()
    pupil.photo.save("face.png", ContentFile(PHOTO), save=True)
    concern = concern_raise(
        actor=teacher,
        school=school,
        pupils=[pupil],
        category=list(categories_ensure(school))[0],
        occurred_at=timezone.now(),
        account="Saw a bruise on the left arm",
        submission_key=uuid.uuid4(),
        files=[SimpleUploadedFile("arm.png", BRUISE, content_type="image/png")],
    )
    # A per-record grant, which travels with the concern.
    from pastoral.accounts.permissions import record_access_grant

    record_access_grant(actor=dsl, grantee=teacher, perm="safeguarding.read_concern", obj=concern)
    # A case note, and a link to another concern of the school (a many-to-many field to its own model).
    note_add(actor=dsl, concern=concern, text="Spoke to the class teacher")
    earlier = Concern.objects.filter(school=school).exclude(pk=concern.pk).order_by("pk").first()
    concern_link(actor=dsl, concern=concern, other=earlier)
    # A meeting: staff and professionals (many-to-many), an action, and the report received (a file).
    professional = ProfessionalFactory(pupil=pupil)
    meeting = meeting_record(
        actor=dsl,
        pupil=pupil,
        staff=[dsl, teacher],
        professionals=[professional],
        report=SimpleUploadedFile("minutes.png", MINUTES, content_type="image/png"),
        actions=[("Ask the GP for a letter", teacher, "", timezone.localdate())],
        kind="tac",
        held_on=timezone.localdate(),
        minutes="Agreed a plan",
    )
    return {"school": school, "other": other, "pupil": pupil, "concern": concern, "meeting": meeting}


def _school_counts(school, using="default"):
    """Independent of the exporter: rows with a school foreign key to `school`, per model."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label not in placement.PROJECT_APPS or placement.skip_reason(model):
            continue
        school_fields = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is School]
        if len(school_fields) == 1 and not school_fields[0].null:
            counts[model._meta.label] = (
                model._base_manager.using(using).filter(**{school_fields[0].name: school}).count()
            )
    return counts


@pytest.mark.django_db(transaction=True)  # the import writes to a second database
def test_a_school_exports_and_imports_into_another_deployment_without_loss(seeded, folders, settings, target_database):
    school, other, concern = seeded["school"], seeded["other"], seeded["concern"]
    archive = folders / "northfield.zip"
    out = io.StringIO()
    call_command("export_school", school=str(school.code), out=str(archive), stdout=out)
    assert f"Exported {school.name}" in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600

    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    rows = _rows(archive)
    assert manifest["format"] == "pastoral-school-export" and manifest["version"] == 1
    assert {"pastoral", "behaviour", "safeguarding", "provision", "medical"} <= manifest["app"]["migrations"].keys()
    assert {label: len(found) for label, found in rows.items()} == manifest["counts"]

    # Rows across every app, each model with a school key counted independently of the exporter.
    source_counts = _school_counts(school)
    for label, count in source_counts.items():
        assert manifest["counts"][label] == count, label
    for label in (
        "behaviour.BehaviourEvent",
        "behaviour.Suspension",
        "safeguarding.Concern",
        "provision.Placement",
        "provision.SupportPlan",
        "medical.MedicalCondition",
        "medical.DoseAdministration",
        "pastoral.AttendanceMark",
        "pastoral.FamilyContact",
        "pastoral.AuditEntry",
        "pastoral.Membership",
        "guardian.UserObjectPermission",
    ):
        assert manifest["counts"][label] > 0, label
    assert manifest["counts"]["pastoral.Pupil"] == Pupil.objects.filter(school=school).count()
    before_export = AuditEntry.objects.filter(school=school).exclude(action="pastoral.school.exported")
    assert manifest["counts"]["pastoral.AuditEntry"] == before_export.count()

    # The other school stays behind: none of its rows, pupils or files.
    other_pupils = set(Pupil.objects.filter(school=other).values_list("pk", flat=True))
    for label, found in rows.items():
        for row in found:
            fields = row["fields"]
            assert fields.get("school") in (None, school.pk), (label, row["id"])
            assert fields.get("pupil") not in other_pupils, (label, row["id"])
            assert not other_pupils & set(fields.get("pupils", [])), (label, row["id"])
    assert [row["fields"]["code"] for row in rows["pastoral.School"]] == [str(school.code)]
    assert {row["fields"]["code"] for row in rows["pastoral.Pupil"]} == {
        str(c) for c in Pupil.objects.filter(school=school).values_list("code", flat=True)
    }
    assert rows["pastoral.Trust"] == [
        {
            "model": "pastoral.Trust",
            "id": school.trust_id,
            "fields": {"code": str(school.trust.code), "name": school.trust.name},
        }
    ]
    # Staff: every member of the school, no password hash and no two-factor secret anywhere.
    members = set(Membership.objects.filter(school=school).values_list("user__email", flat=True))
    exported_emails = {row["fields"]["email"] for row in rows["pastoral.User"]}
    assert members <= exported_emails
    assert all("password" not in row["fields"] for row in rows["pastoral.User"])
    assert not any(label.startswith(("otp_", "sessions", "axes", "django_celery_beat")) for label in rows)
    assert "pastoral.OutboxMessage" not in rows and "pastoral.RateLimitHit" not in rows

    # The files, decrypted, with their checksums in the manifest.
    file_entries = {e["name"]: e for e in manifest["members"] if e["member"].startswith("files/")}
    attachment = Attachment.objects.get(concern=concern)
    with zipfile.ZipFile(archive) as opened:
        assert opened.read(f"files/media/{attachment.file.name}") == BRUISE
        assert opened.read(f"files/media/{seeded['pupil'].photo.name}") == PHOTO
    assert file_entries[attachment.file.name]["sha256"] == _sha(BRUISE)
    assert len(file_entries) >= 3  # the AP demo's documents as well
    source_files = {}
    for name in file_entries:
        with Attachment._meta.get_field("file").storage.open(name) as handle:
            source_files[name] = _sha(handle.read())

    # The other deployment: its own file store and its own file key.
    settings.MEDIA_ROOT = folders / "target-media"
    new_key = encryption.generate_key()
    settings.FILE_ENCRYPTION_KEYS = [new_key]

    # A tampered archive (one file changed, the manifest not) is refused before anything is written.
    tampered = folders / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as copy:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == f"files/media/{attachment.file.name}":
                body = b"a different picture"
            copy.writestr(info, body)
    with pytest.raises(CommandError, match="does not match its manifest") as refused:
        call_command("import_school", str(tampered), database=target_database, stdout=io.StringIO())
    assert attachment.file.name in str(refused.value)
    assert not School.objects.using(target_database).exists()
    assert not (folders / "target-media").exists() or not any((folders / "target-media").rglob("*.png"))

    # The school joins a trust of the other deployment, where its DSL already has an account (another username,
    # the same email).
    target = target_database
    joined = Trust.objects.using(target).create(name="Hillside Schools Trust")
    dsl = User.objects.get(username="dsl.northfield")
    already_here = User.objects.db_manager(target).create_user(
        "jo.hillside", email=dsl.email, password="kept-password-2026"
    )
    out = io.StringIO()
    call_command("import_school", str(archive), trust="Hillside Schools Trust", database=target, stdout=out)
    summary = out.getvalue()
    assert f"Imported {school.name} ({school.code}) into the trust Hillside Schools Trust" in summary
    assert "1 matched by email" in summary and "matches the archive's manifest" in summary

    imported = School.objects.using(target).get(code=school.code)
    assert imported.name == school.name and imported.trust_id == joined.pk
    assert list(Trust.objects.using(target).values_list("name", flat=True)) == ["Hillside Schools Trust"]

    # Per-model counts: the same rows, under the imported school.
    assert _school_counts(imported, using=target) == source_counts
    for label, count in manifest["counts"].items():
        model = apps.get_model(label)
        here = model._base_manager.using(target).count()
        if placement.label(model) in placement.REFERENCE:
            assert here >= count, label
        elif label == "pastoral.AuditEntry":
            assert here == count + 1, label  # and the import's own entry
        else:
            assert here == count, label

    # Derived tables are rebuilt from the imported rows by the database's own triggers: the day counts match the
    # source's live events.
    events = apps.get_model("behaviour", "BehaviourEvent")._base_manager
    day_counts = apps.get_model("behaviour", "EventDayCount")._base_manager
    live = events.filter(school=school, voided_at__isnull=True).values_list("occurred_at", "category__name")
    expected = Counter()
    for at, category in live:
        expected[(timezone.localtime(at).date(), category)] += 1
    rebuilt = day_counts.using(target).filter(school_id=imported.pk, facet="category", tally__gt=0)
    assert {(day, name): tally for day, name, tally in rebuilt.values_list("day", "category__name", "tally")} == (
        dict(expected)
    )
    assert expected

    # A sample of values: pupils, their timestamps, a concern with its links, staff, the audit trail.
    for pupil in Pupil.objects.filter(school=school).select_related("keyworker", "ethnicity"):
        copy = Pupil.objects.using(target).select_related("keyworker", "ethnicity").get(code=pupil.code)
        assert (copy.legal_first_name, copy.legal_last_name, copy.date_of_birth, copy.upn) == (
            pupil.legal_first_name,
            pupil.legal_last_name,
            pupil.date_of_birth,
            pupil.upn,
        )
        assert (copy.created_at, copy.updated_at) == (pupil.created_at, pupil.updated_at)
        assert (copy.keyworker and copy.keyworker.email) == (pupil.keyworker and pupil.keyworker.email)
        assert (copy.ethnicity and copy.ethnicity.code) == (pupil.ethnicity and pupil.ethnicity.code)
    copy = Concern.objects.using(target).get(code=concern.code)
    assert copy.account == concern.account and copy.occurred_at == concern.occurred_at
    assert [p.code for p in copy.pupils.all()] == [p.code for p in concern.pupils.all()]
    assert copy.reporter.email == concern.reporter.email and copy.school_id == imported.pk
    assert [n.text for n in copy.notes.all()] == [n.text for n in concern.notes.all()] != []
    assert {c.code for c in copy.linked.all()} == {c.code for c in concern.linked.all()} != set()
    meeting = seeded["meeting"]
    meeting_copy = Meeting.objects.using(target).get(code=meeting.code)
    assert {u.email for u in meeting_copy.staff.all()} == {u.email for u in meeting.staff.all()}
    assert [p.code for p in meeting_copy.professionals.all()] == [p.code for p in meeting.professionals.all()]
    assert [(a.action, a.owner.email) for a in meeting_copy.actions.all()] == [
        (a.action, a.owner.email) for a in meeting.actions.all()
    ]
    assert (meeting_copy.minutes, meeting_copy.created_at) == (meeting.minutes, meeting.created_at)
    from guardian.models import UserObjectPermission

    grant = UserObjectPermission.objects.using(target).get(content_type__model="concern", object_pk=str(copy.pk))
    assert grant.user.email == User.objects.get(username="teacher.northfield").email
    assert grant.permission.codename == "read_concern"
    source_actions = Counter(AuditEntry.objects.filter(school=school).values_list("action", flat=True))
    target_actions = Counter(AuditEntry.objects.using(target).filter(school=imported).values_list("action", flat=True))
    assert target_actions - source_actions == Counter({"pastoral.school.imported": 1})
    viewed = AuditEntry.objects.using(target).filter(school=imported, content_type__model="concern").first()
    assert viewed is None or viewed.object_id in {
        str(pk) for pk in Concern.objects.using(target).values_list("pk", flat=True)
    }

    # Staff: created without a usable password or an authenticator, their memberships in the imported school.
    for user in User.objects.using(target).exclude(pk=already_here.pk):
        assert not user.has_usable_password() and not user.is_superuser
    already_here.refresh_from_db()
    assert already_here.check_password("kept-password-2026") and already_here.username == "jo.hillside"
    assert set(Membership.objects.using(target).filter(user=already_here).values_list("role", flat=True)) == set(
        Membership.objects.filter(user=dsl, school=school).values_list("role", flat=True)
    )
    assert not TOTPDevice.objects.using(target).exists()
    assert (
        set(Membership.objects.using(target).filter(school=imported).values_list("user__email", flat=True)) == members
    )

    # The files: the same bytes, encrypted at rest with this deployment's key.
    storage = Attachment._meta.get_field("file").storage
    copy_attachment = Attachment.objects.using(target).get(concern=copy)
    target_files = {}
    for name in file_entries:
        with storage.open(name) as handle:
            target_files[name] = _sha(handle.read())
        with storage.open_stored(name) as stored:
            assert encryption.key_id_of(stored) == encryption.key_id(new_key)
    assert target_files == source_files
    assert copy_attachment.file.name == attachment.file.name
    with meeting_copy.report.open() as handle:
        assert handle.read() == MINUTES

    # Importing the same school again is refused, with the reason.
    with pytest.raises(CommandError, match="is already in this deployment"):
        call_command("import_school", str(archive), database=target, stdout=io.StringIO())
    assert School.objects.using(target).filter(code=school.code).count() == 1

    # The export is in the source school's audit log.
    assert AuditEntry.objects.filter(school=school, action="pastoral.school.exported").count() == 1
