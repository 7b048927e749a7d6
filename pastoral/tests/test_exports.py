"""The export machinery: request → Celery task → file outside the web root → permission-checked, audited download."""

import datetime
import uuid
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.files import exports
from pastoral.models import AuditEntry, GeneratedFile, Membership
from pastoral.tasks import delete_expired_files, generate_file

CALLS = {"count": 0, "fail": set()}


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    """Each test's files in its own directory, removed with it."""
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def build_flaky(generated_file, user):
    """A test kind: fails in the ways CALLS["fail"] names, once each, then succeeds."""
    CALLS["count"] += 1
    if "transient" in CALLS["fail"]:
        CALLS["fail"].discard("transient")
        raise OperationalError("server closed the connection unexpectedly")
    if "bug" in CALLS["fail"]:
        CALLS["fail"].discard("bug")
        raise RuntimeError("a bug")
    exports.progress(generated_file, 50)
    rows = [[generated_file.parameters.get("note", ""), "=cmd|' /C calc'!A0", 3]]
    return exports.Built("flaky.csv", "text/csv; charset=utf-8", exports.csv_bytes(["Note", "Formula", "N"], rows))


@pytest.fixture(autouse=True)
def flaky_kind():
    exports.register("tests.flaky", label="Flaky test export", permission="pastoral.view_pupil", build=build_flaky)
    CALLS.update(count=0, fail=set())
    yield
    exports._KINDS.pop("tests.flaky", None)


def ask(client, capture, kind, **parameters):
    with capture(execute=True):
        response = client.post(reverse("pastoral:export_request"), {"kind": kind, "query": urlencode(parameters)})
    return response


def latest(owner):
    return GeneratedFile.objects.filter(owner=owner).latest("created_at")


def test_it_builds_a_file_off_the_request_and_lets_the_owner_download_it(
    client, dsl, pupil, as_user, django_capture_on_commit_callbacks
):
    as_user(dsl)
    response = ask(client, django_capture_on_commit_callbacks, "pastoral.chronology_pdf", pupil=pupil.code)
    assert response.status_code == 302 and response.url == reverse("pastoral:export_list")
    generated_file = latest(dsl)
    assert (generated_file.status, generated_file.progress, generated_file.attempts) == ("done", 100, 1)
    assert generated_file.school == pupil.school and generated_file.parameters == {"pupil": str(pupil.code)}
    path = exports.path_of(generated_file)
    assert path.is_file() and exports.read_stored(generated_file).startswith(b"%PDF")
    root = settings.GENERATED_FILES_ROOT.resolve()
    assert root in path.parents and settings.MEDIA_ROOT.resolve() not in path.parents
    assert AuditEntry.objects.filter(action="pastoral.export.requested", actor=dsl).count() == 1

    status = client.get(reverse("pastoral:export_status", args=[generated_file.code])).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == reverse("pastoral:export_download", args=[generated_file.code])

    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-')
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="pastoral.export.downloaded")
    assert (entry.actor, entry.school, entry.object_id) == (dsl, pupil.school, str(generated_file.pk))

    page = client.get(reverse("pastoral:export_list")).content.decode()
    assert "Pupil chronology (PDF)" in page and status["download_url"] in page


def test_it_shows_progress_while_queued_and_refreshes_without_javascript(client, dsl, school, as_user):
    generated_file = GeneratedFile.objects.create(
        owner=dsl, school=school, kind="tests.flaky", progress=40, status="running", expires_at=timezone.now()
    )
    generated_file.expires_at = timezone.now() + datetime.timedelta(days=1)
    generated_file.save()
    as_user(dsl)
    page = client.get(reverse("pastoral:export_list")).content.decode()
    assert 'aria-valuenow="40"' in page and '<meta http-equiv="refresh" content="5">' in page
    assert reverse("pastoral:export_status", args=[generated_file.code]) in page and "js/exports.js" in page
    status = client.get(reverse("pastoral:export_status", args=[generated_file.code])).json()
    assert (status["status"], status["progress"], status["download_url"]) == ("running", 40, "")
    response = client.get(reverse("pastoral:export_download", args=[generated_file.code]))
    assert response.status_code == 302


def test_another_user_gets_404_for_every_url_of_a_file(client, dsl, deputy_dsl, school, as_user):
    generated_file = GeneratedFile.objects.create(
        owner=dsl, school=school, kind="tests.flaky", status="failed", expires_at=timezone.now()
    )
    as_user(deputy_dsl)
    for name in ("export_status", "export_download"):
        assert client.get(reverse(f"pastoral:{name}", args=[generated_file.code])).status_code == 404
    assert client.post(reverse("pastoral:export_retry", args=[generated_file.code])).status_code == 404
    generated_file.refresh_from_db()
    assert generated_file.status == "failed"
    # Each attempt is audited as refused (in the file's school), and nothing else happened.
    entries = AuditEntry.objects.filter(action__startswith="pastoral.export.", actor=deputy_dsl)
    assert [e.action for e in entries] == ["pastoral.export.refused"] * 3
    assert {(e.object_id, e.school_id, e.data["status"]) for e in entries} == {(str(generated_file.pk), school.pk, 404)}


def test_the_owner_who_lost_their_role_gets_404(client, dsl, school, as_user, django_capture_on_commit_callbacks):
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky", note="hello")
    generated_file = latest(dsl)
    assert generated_file.status == "done"
    Membership.objects.filter(user=dsl).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    make_staff(school, Role.IT_ADMIN, "dsl-now-it")  # somebody else, so the school still has staff
    dsl.memberships.create(trust=school.trust, school=school, role=Role.IT_ADMIN)
    as_user(dsl)
    assert client.get(reverse("pastoral:export_download", args=[generated_file.code])).status_code == 404
    assert not AuditEntry.objects.filter(action="pastoral.export.downloaded").exists()


def test_an_expired_file_is_gone_with_a_clear_page(client, dsl, school, as_user, django_capture_on_commit_callbacks):
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky")
    generated_file = latest(dsl)
    GeneratedFile.objects.filter(pk=generated_file.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(reverse("pastoral:export_download", args=[generated_file.code]))
    assert response.status_code == 410
    assert "This file has expired" in response.content.decode()
    assert client.get(reverse("pastoral:export_status", args=[generated_file.code])).json()["download_url"] == ""


def test_the_expiry_task_removes_the_file_and_marks_the_row(
    dsl, school, client, as_user, django_capture_on_commit_callbacks
):
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky", note="old")
    ask(client, django_capture_on_commit_callbacks, "tests.flaky", note="new")
    old, new = GeneratedFile.objects.filter(owner=dsl).order_by("created_at")
    GeneratedFile.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    old_path, new_path = exports.path_of(old), exports.path_of(new)
    assert old_path.exists() and new_path.exists()
    assert delete_expired_files.delay().get() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.deleted_at is not None and not old_path.exists()
    assert new.deleted_at is None and new_path.exists()
    assert client.get(reverse("pastoral:export_download", args=[old.code])).status_code == 410
    assert delete_expired_files.delay().get() == 0


def test_a_failure_shows_a_clear_message_and_can_be_retried(
    client, dsl, school, as_user, django_capture_on_commit_callbacks
):
    CALLS["fail"] = {"bug"}
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky")
    generated_file = latest(dsl)
    assert generated_file.status == "failed"
    assert generated_file.error == "The export could not be made because of an unexpected error. Try again."
    page = client.get(reverse("pastoral:export_list")).content.decode()
    assert generated_file.error in page and reverse("pastoral:export_retry", args=[generated_file.code]) in page
    assert client.get(reverse("pastoral:export_retry", args=[generated_file.code])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pastoral:export_retry", args=[generated_file.code]))
    assert response.status_code == 302
    generated_file.refresh_from_db()
    assert (generated_file.status, generated_file.error, generated_file.attempts) == ("done", "", 2)
    assert AuditEntry.objects.filter(action="pastoral.export.retried", actor=dsl).count() == 1
    # A finished file cannot be "retried" into a second build.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:export_retry", args=[generated_file.code]))
    assert CALLS["count"] == 2


def test_it_retries_a_transient_database_error_with_the_same_row(dsl, school):
    CALLS["fail"] = {"transient"}
    generated_file = exports.request_export(actor=dsl, kind_name="tests.flaky", school=school, parameters={})
    # apply() runs the task as a worker would, Celery's autoretry included (throw=False lets the retry run).
    result = generate_file.apply((generated_file.pk,), throw=False)
    assert result.get() == "done"
    generated_file.refresh_from_db()
    assert (generated_file.status, generated_file.attempts, CALLS["count"]) == ("done", 2, 2)
    assert GeneratedFile.objects.filter(owner=dsl).count() == 1


def test_it_marks_the_file_failed_when_retries_run_out(dsl, school):
    generated_file = exports.request_export(actor=dsl, kind_name="tests.flaky", school=school, parameters={})
    generate_file.on_failure(OperationalError("down"), "task-id", (generated_file.pk,), {}, None)
    generated_file.refresh_from_db()
    assert generated_file.status == "failed" and "a service was unavailable" in generated_file.error


def test_a_rerun_of_a_finished_file_does_nothing(client, dsl, as_user, django_capture_on_commit_callbacks):
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky")
    generated_file = latest(dsl)
    modified = exports.path_of(generated_file).stat().st_mtime_ns
    assert generate_file.delay(generated_file.pk).get() == "already done"
    assert exports.path_of(generated_file).stat().st_mtime_ns == modified
    assert CALLS["count"] == 1
    assert generate_file.delay(10**9).get() == "missing"


def test_a_double_submitted_request_makes_one_file(client, dsl, as_user, django_capture_on_commit_callbacks):
    as_user(dsl)
    data = {"kind": "tests.flaky", "query": "note=x", "key": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:export_request"), data)
        client.post(reverse("pastoral:export_request"), data)
    assert GeneratedFile.objects.filter(owner=dsl).count() == 1
    assert CALLS["count"] == 1


def test_the_task_rechecks_access_and_fails_clearly_when_it_is_lost(dsl, school, django_capture_on_commit_callbacks):
    generated_file = exports.request_export(actor=dsl, kind_name="tests.flaky", school=school, parameters={})
    Membership.objects.filter(user=dsl).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert generate_file.delay(generated_file.pk).get() == "refused"
    generated_file.refresh_from_db()
    assert generated_file.status == "failed"
    assert generated_file.error == "You no longer have access to “Flaky test export” at Northfield Academy."
    assert CALLS["count"] == 0 and not generated_file.storage_name


def test_it_refuses_a_request_beyond_the_role_or_school(
    client, it_admin, teacher, other_school_pupil, as_user, django_capture_on_commit_callbacks
):
    as_user(it_admin)
    assert ask(client, django_capture_on_commit_callbacks, "tests.flaky").status_code == 403
    as_user(teacher)
    response = ask(client, django_capture_on_commit_callbacks, "pastoral.chronology_pdf", pupil=other_school_pupil.code)
    assert response.status_code == 404
    assert (
        ask(client, django_capture_on_commit_callbacks, "pastoral.chronology_pdf", pupil="nonsense").status_code == 404
    )
    assert ask(client, django_capture_on_commit_callbacks, "no.such_kind").status_code == 404
    assert client.get(reverse("pastoral:export_request")).status_code == 405
    assert not GeneratedFile.objects.exists()


def test_csv_cells_cannot_run_as_formulas(client, dsl, as_user, django_capture_on_commit_callbacks):
    as_user(dsl)
    ask(client, django_capture_on_commit_callbacks, "tests.flaky", note="@SUM(A1)")
    content = exports.read_stored(latest(dsl)).decode()
    assert content.splitlines()[1] == "'@SUM(A1),'=cmd|' /C calc'!A0,3"
    assert [exports.safe_cell(v) for v in ("-1+2", "+x", "\tx", "ok", -5, None)] == [
        "'-1+2",
        "'+x",
        "'\tx",
        "ok",
        -5,
        "",
    ]


def test_it_keeps_the_filters_and_drops_form_plumbing():
    query = "start=2026-09-01&form=7N&form=7F&csrfmiddlewaretoken=abc&format=csv&page=2"
    assert exports.parameters_from_query(query) == {"start": "2026-09-01", "form": ["7N", "7F"]}
    assert exports.as_query_dict({"form": ["7N", "7F"], "year_group": 7}).urlencode() == "form=7N&form=7F&year_group=7"


def test_my_exports_page_keeps_its_queries_flat(client, dsl, school, as_user, django_assert_max_num_queries):
    for n in range(12):
        GeneratedFile.objects.create(
            owner=dsl,
            school=school,
            kind="tests.flaky",
            status=("done", "failed", "running")[n % 3],
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
    as_user(dsl)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("pastoral:export_list"))
    assert response.content.decode().count("Flaky test export</th>") == 12
    assert response.content.decode().count("Try again") == 4


def test_one_person_cannot_fill_the_queue(client, dsl, school, as_user):
    for _ in range(exports.MAX_WAITING):
        exports.request_export(actor=dsl, kind_name="tests.flaky", school=school, parameters={})
    as_user(dsl)
    response = client.post(reverse("pastoral:export_request"), {"kind": "tests.flaky"}, follow=True)
    assert "You already have 5 exports being prepared" in response.content.decode()
    assert GeneratedFile.objects.filter(owner=dsl).count() == exports.MAX_WAITING


def test_a_failed_file_offers_no_download(client, dsl, school, as_user):
    generated_file = GeneratedFile.objects.create(
        owner=dsl,
        school=school,
        kind="tests.flaky",
        status="failed",
        error="It broke.",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    as_user(dsl)
    response = client.get(reverse("pastoral:export_download", args=[generated_file.code]), follow=True)
    assert "That export failed: It broke." in response.content.decode()


def test_the_pupil_list_exports_with_its_filters_and_flags_only_for_those_who_see_them(
    client, teacher, pastoral_lead, school, sister_school, as_user, django_capture_on_commit_callbacks
):
    from pastoral.tests.factories import PupilFactory

    PupilFactory(school=school, year_group=7, legal_last_name="Seven", child_protection_plan=True)
    PupilFactory(school=school, year_group=8, legal_last_name="Eight")
    PupilFactory(school=sister_school, year_group=7, legal_last_name="Elsewhere")
    as_user(teacher)
    page = client.get(reverse("pastoral:pupil_list"), {"year_group": 7}).content.decode()
    assert 'value="pastoral.pupils_csv"' in page and 'name="query" value="year_group=7"' in page
    ask(client, django_capture_on_commit_callbacks, "pastoral.pupils_csv", year_group=7)
    rows = exports.read_stored(latest(teacher)).decode().splitlines()
    assert len(rows) == 2 and ",Seven," in rows[1] and "Child protection plan" not in rows[0]
    assert AuditEntry.objects.get(action="pastoral.pupil.exported", actor=teacher).data["rows"] == 1
    as_user(pastoral_lead)
    ask(client, django_capture_on_commit_callbacks, "pastoral.pupils_csv", year_group=7)
    rows = exports.read_stored(latest(pastoral_lead)).decode().splitlines()
    assert rows[0].endswith("Child in need,Child protection plan") and rows[1].endswith("No,Yes")


def test_a_file_whose_task_was_lost_is_failed_so_it_can_be_retried(dsl, school):
    from pastoral.tasks import fail_stuck_files

    long_ago = timezone.now() - datetime.timedelta(hours=3)
    lost, fresh, busy = (
        GeneratedFile.objects.create(
            owner=dsl, school=school, kind="tests.flaky", expires_at=timezone.now() + datetime.timedelta(days=1)
        )
        for _ in range(3)
    )
    GeneratedFile.objects.filter(pk__in=[lost.pk, busy.pk]).update(created_at=long_ago)
    GeneratedFile.objects.filter(pk=busy.pk).update(status="running", started_at=timezone.now())
    assert fail_stuck_files.delay().get() == 1
    statuses = dict(GeneratedFile.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "failed", fresh.pk: "queued", busy.pk: "running"}
    lost.refresh_from_db()
    assert lost.error == "The export did not finish in time. Try again."


def test_generated_files_live_outside_the_static_and_media_roots():
    from pastoral import settings as base

    generated = base.GENERATED_FILES_ROOT.resolve()
    served = [
        base.STATIC_ROOT,
        base.MEDIA_ROOT,
        *(entry[1] if isinstance(entry, tuple) else entry for entry in base.STATICFILES_DIRS),
    ]
    for root in served:
        root = root.resolve()
        assert generated != root and root not in generated.parents and generated not in root.parents


def running_since(owner, school, minutes):
    generated_file = GeneratedFile.objects.create(
        owner=owner,
        school=school,
        kind="tests.flaky",
        status="running",
        attempts=1,
        progress=30,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return generated_file


def test_a_build_that_died_with_its_worker_is_stale_within_minutes_and_can_be_tried_again(
    client, dsl, deputy_dsl, school, as_user, django_capture_on_commit_callbacks
):
    from pastoral.tasks import fail_stuck_files

    limit = settings.EXPORT_STALE_AFTER_SECONDS / 60
    assert limit <= 20, "a dead build must not look busy for hours"
    dead = running_since(dsl, school, limit + 1)
    busy = running_since(dsl, school, 1)
    as_user(dsl)
    page = client.get(reverse("pastoral:export_list")).content.decode()
    assert page.count("Stopped:") == 1 and reverse("pastoral:export_retry", args=[dead.code]) in page
    assert reverse("pastoral:export_retry", args=[busy.code]) not in page
    status = client.get(reverse("pastoral:export_status", args=[dead.code])).json()
    assert (status["status"], status["status_label"]) == ("failed", "Stopped")
    assert status["retry_url"] == reverse("pastoral:export_retry", args=[dead.code])
    assert client.get(reverse("pastoral:export_status", args=[busy.code])).json()["retry_url"] == ""

    # Only its owner may ask again, and a file still being built cannot be asked for twice.
    as_user(deputy_dsl)
    assert client.post(reverse("pastoral:export_retry", args=[dead.code])).status_code == 404
    as_user(dsl)
    response = client.post(reverse("pastoral:export_retry", args=[busy.code]), follow=True)
    assert "Only a failed or stopped export can be tried again." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:export_retry", args=[dead.code]))
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.error) == ("done", 2, "")
    assert AuditEntry.objects.filter(action="pastoral.export.retried", actor=dsl, object_id=str(dead.pk)).count() == 1

    # Without anyone looking, the sweep fails it (every few minutes) so the page offers "Try again".
    swept = running_since(dsl, school, limit + 1)
    assert fail_stuck_files.delay().get() == 1
    swept.refresh_from_db()
    busy.refresh_from_db()
    assert (swept.status, swept.error) == ("failed", "The export stopped before it finished. Try again.")
    assert busy.status == "running"


def test_a_second_delivery_leaves_a_build_that_is_alive_alone_and_takes_over_a_dead_one(dsl, school, monkeypatch):
    import psycopg
    from django.db import connection

    monkeypatch.setattr(exports, "BUILD_LOCK_WAIT_SECONDS", 0.5)
    generated_file = running_since(dsl, school, 1)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params, autocommit=True)  # the process building it, elsewhere
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", (exports.BUILD_LOCK_NAMESPACE, generated_file.pk))
        assert generate_file.apply((generated_file.pk,)).get() == "running elsewhere"
        generated_file.refresh_from_db()
        assert (generated_file.status, generated_file.attempts) == ("running", 1)
    finally:
        other.close()  # as when that process is killed: Postgres lets go of its lock
    assert generate_file.apply((generated_file.pk,)).get() == "done"
    generated_file.refresh_from_db()
    assert (generated_file.status, generated_file.attempts) == ("done", 2)
