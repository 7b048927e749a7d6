"""The import runs in a Celery task: the upload is stored privately, progress is shown, the file is removed after."""

import stat
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pastoral.models import ImportJob, Membership, Pupil
from pastoral.pupils import imports
from pastoral.tests.test_import import AMELIA, JOSEF, UPN_3, csv_bytes, make_upn, post_file, run_import, upload


def stored_path(job):
    return Path(settings.GENERATED_FILES_ROOT) / job.storage_name


def test_it_stores_the_upload_privately_and_shows_progress_until_the_task_runs(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    client = as_user(pastoral_lead)
    with django_capture_on_commit_callbacks() as queued:
        response = post_file(client, csv_bytes([AMELIA, JOSEF]))

    job = ImportJob.objects.get()
    path = stored_path(job)
    assert response.status_code == 302
    assert (job.status, job.school, job.created_by, job.original_name) == (
        "queued",
        school,
        pastoral_lead,
        "pupils.csv",
    )
    assert job.storage_name.startswith("imports/") and "pupils" not in job.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Pupil.objects.count() == 0

    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Waiting to start" in body
    assert f'data-import-status-url="{reverse("pastoral:pupil_import_job_status", args=[job.code])}"' in body
    assert f'href="{reverse("pastoral:pupil_import_job", args=[job.code])}">Refresh</a>' in body
    assert "<script>" not in body  # scripts come from static files only
    assert client.get(reverse("pastoral:pupil_import_job_status", args=[job.code])).json() == {
        "status": "queued",
        "status_label": "Waiting to start",
        "processed": 0,
        "total": 0,
        "percent": 0,
        "finished": False,
    }

    for callback in queued:
        callback()

    job.refresh_from_db()
    assert job.status == "done"
    assert not path.exists()
    assert Pupil.objects.filter(school=school).count() == 2
    status = client.get(reverse("pastoral:pupil_import_job_status", args=[job.code])).json()
    assert (status["finished"], status["processed"], status["total"], status["percent"]) == (True, 2, 2, 100)


def test_it_stops_the_import_if_the_uploader_lost_the_role_before_it_ran(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    client = as_user(pastoral_lead)
    with django_capture_on_commit_callbacks() as queued:
        post_file(client, csv_bytes([AMELIA, JOSEF]))
    job = ImportJob.objects.get()
    Membership.objects.filter(user=pastoral_lead).update(ends_on=timezone.localdate() - timezone.timedelta(days=1))

    for callback in queued:
        callback()

    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", imports.NO_LONGER_ALLOWED)
    assert Pupil.objects.count() == 0
    assert not stored_path(job).exists()


def test_it_explains_a_file_over_the_limit_beside_the_field_and_stores_nothing(
    school, pastoral_lead, as_user, settings
):
    settings.PUPIL_IMPORT_MAX_BYTES = 1024 * 1024
    content = csv_bytes([AMELIA]) + b"\r\n" * (600 * 1024)
    stored_before = set((Path(settings.GENERATED_FILES_ROOT) / "imports").glob("*"))

    response = post_file(as_user(pastoral_lead), content)

    assert response.status_code == 200
    # This wording comes from the upload handler dropping the file, not from reading it whole.
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB, the largest file accepted."]
    assert 'href="#id_file"' in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert set((Path(settings.GENERATED_FILES_ROOT) / "imports").glob("*")) == stored_before


def test_it_explains_a_workbook_beside_the_field_at_once(school, pastoral_lead, as_user):
    response = post_file(as_user(pastoral_lead), b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "pupils.csv")

    assert response.status_code == 200
    assert "spreadsheet workbook, not a CSV" in response.context["form"].errors["file"][0]
    assert ImportJob.objects.count() == 0


def test_it_shows_the_job_to_its_uploader_only(school, pastoral_lead, headteacher, as_user):
    job = ImportJob.objects.create(school=school, created_by=pastoral_lead)

    client = as_user(headteacher)

    assert client.get(reverse("pastoral:pupil_import_job", args=[job.code])).status_code == 404
    assert client.get(reverse("pastoral:pupil_import_job_status", args=[job.code])).status_code == 404


def test_it_lists_recent_imports_on_the_upload_page(school, pastoral_lead, as_user):
    job = ImportJob.objects.create(school=school, created_by=pastoral_lead, original_name="roll.csv")

    body = as_user(pastoral_lead).get(reverse("pastoral:pupil_import")).content.decode()

    assert f'<a href="{reverse("pastoral:pupil_import_job", args=[job.code])}">roll.csv</a>' in body


def test_it_reports_progress_once_per_batch(school, pastoral_lead, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = [{**AMELIA, "UPN": make_upn(820, 6000, 25, number)} for number in range(5)]
    seen = []

    imports.pupils_import(
        actor=pastoral_lead,
        school=school,
        uploaded_file=upload(csv_bytes(rows)),
        progress=lambda checked, total: seen.append((checked, total)),
    )

    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_it_keeps_the_first_problems_and_counts_them_all(
    school, pastoral_lead, as_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "PROBLEMS_STORED", 1)
    rows = [AMELIA, {**JOSEF, "Date of Birth": "2014/11/02"}, {**JOSEF, "UPN": UPN_3, "Year Group": "Y20"}]
    client = as_user(pastoral_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, csv_bytes(rows))

    job = ImportJob.objects.get()
    assert (job.status, job.errors, len(job.problems)) == ("failed", 2, 1)
    body = client.get(response["Location"]).content.decode()
    assert "The first 1 of 2 problems found; nothing was saved" in body


def test_the_service_still_imports_without_a_job(school, pastoral_lead):
    result = run_import(pastoral_lead, school, csv_bytes([AMELIA]))

    assert result.created == 1
    assert ImportJob.objects.count() == 0


def test_a_job_whose_worker_died_or_that_never_started_is_failed_and_its_file_deleted(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from pastoral.pupils.imports import fail_stuck_imports

    client = as_user(pastoral_lead)
    with django_capture_on_commit_callbacks(execute=False):
        post_file(client, csv_bytes([AMELIA]))
        post_file(client, csv_bytes([JOSEF]))
    died, never_started = ImportJob.objects.order_by("created_at", "id")
    now = timezone.now()
    ImportJob.objects.filter(pk=died.pk).update(status="running", started_at=now - timedelta(minutes=20))
    ImportJob.objects.filter(pk=never_started.pk).update(created_at=now - timedelta(hours=2))
    assert fail_stuck_imports(now) == 1  # queued two hours ago: the outbox may still deliver it
    died.refresh_from_db()
    assert died.status == "failed" and "Upload the file again" in died.message
    assert not stored_path(died).exists() and stored_path(never_started).exists()
    page = client.get(reverse("pastoral:pupil_import_job", args=[died.code]))
    assert "Upload the file again" in page.content.decode()

    assert fail_stuck_imports(now + timedelta(days=1)) == 1
    never_started.refresh_from_db()
    assert never_started.status == "failed" and not stored_path(never_started).exists()
    assert Pupil.objects.count() == 0
