"""Exports and reports built by Celery, never in the request.

Each duty area registers its kinds in its AppConfig.ready():

    exports.register(
        "behaviour.rewards_csv",
        label="Reward points (CSV)",
        permission="behaviour.view_event",
        fmt="csv",
        build=build_rewards_csv,
    )

`build(generated_file, user)` runs in the worker and returns a `Built`
(filename, content type, and bytes or a callable that writes to a binary
file). It takes its rows from the area's `*_visible_to(user)` selectors with
the owner as `user`, so a file never holds more than its owner may see. It may
call `progress(generated_file, percent)` as it goes, and raise
`ExportRefused("clear message")` when the owner may no longer have it.

Files made for a scheduled report also get `period_start` and `period_end`
(ISO dates) in their parameters: the week, half-term or term the run covers.

A kind may also give `school_for(user, parameters, school)` to choose the
school from the parameters (a pupil's school, say); it raises Http404 or
PermissionDenied as a fetch helper would. The default is the school the user
is working in.
"""

import csv
import io
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from .. import audit, locks, outbox
from ..accounts import access
from ..exceptions import PastoralError
from ..locks import SessionLock
from ..models import GeneratedFile, export_stale_after
from .storage import generated_storage

log = logging.getLogger(__name__)

# A file still waiting after this long lost its task (a broker outage, say): it is failed so it can be retried.
# (A file that started running is judged by settings.EXPORT_STALE_AFTER_SECONDS instead: see `stale_after`.)
STUCK_AFTER = timedelta(hours=2)
# Postgres advisory lock namespace for "a build of this file is in progress" (the second key is the file's id).
BUILD_LOCK_NAMESPACE = locks.EXPORT_BUILD
# How long a run waits for that lock: Postgres needs a moment to notice a killed worker's connection is gone.
BUILD_LOCK_WAIT_SECONDS = 5
# Query-string keys that are never export parameters. ("kind" is a filter on several pages, such as the
# event list and analytics; the export's own kind travels in its own form field, never in the query.)
IGNORED_PARAMETERS = {"csrfmiddlewaretoken", "format", "key", "page"}
MAX_QUERY_LENGTH = 2000
# Exports one person may have waiting at once, so a few clicks cannot fill the queue.
MAX_WAITING = 5
# A build is held in memory up to this size, and spooled to a temporary file beyond it, before it is stored.
SPOOL_BYTES = 2 * 1024 * 1024


class ExportRefused(PastoralError):
    """The owner may not have this file (any more); the message is shown to them."""


@dataclass(frozen=True)
class Built:
    filename: str
    content_type: str
    content: object  # bytes, or a callable(binary_file) that writes the content


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str
    permission: str
    build: Callable
    fmt: str = "csv"
    school_for: Callable | None = None
    description: str = ""

    def school(self, user, parameters, school):
        return self.school_for(user, parameters, school) if self.school_for else school


_KINDS = {}


def register(name, *, label, permission, build, fmt="csv", school_for=None, description=""):
    if fmt not in ("csv", "pdf", "json"):
        raise ValueError(f"Unknown export format {fmt!r}")
    _KINDS[name] = ExportKind(name, label, permission, build, fmt, school_for, description)


def get_kind(name):
    return _KINDS.get(name)


def kinds():
    return dict(_KINDS)


def may_have(user, kind, school):
    """The one permission check for a kind: at request, at run time, at download and for each scheduled run."""
    return (
        kind is not None
        and user is not None
        and user.is_active
        and access.has_school_perm(user, getattr(school, "pk", school), kind.permission)
    )


# Parameters ------------------------------------------------------------------


def parameters_from_query(query):
    """The filters of a page's query string as a JSON-safe dict (single values unwrapped)."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    params = QueryDict(query)
    result = {}
    for key in params:
        if key in IGNORED_PARAMETERS:
            continue
        values = [value for value in params.getlist(key)]
        result[key] = values[0] if len(values) == 1 else values
    return result


def as_query_dict(parameters):
    """Parameters back as a QueryDict, for the filter form that built them."""
    query = QueryDict(mutable=True)
    for key, value in (parameters or {}).items():
        if isinstance(value, list):
            query.setlist(key, [str(item) for item in value])
        elif isinstance(value, (str, int, float)):
            query[key] = str(value)
    return query


# CSV -----------------------------------------------------------------------------


def safe_cell(value):
    """A cell a spreadsheet will not run: text starting =, +, - or @ (or a tab/CR) gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


# Storage ---------------------------------------------------------------------
# Built files live in storages["generated"]: a folder every node mounts, or a private bucket (files/storage.py).


def storage():
    return generated_storage()


def path_of(generated_file):
    """The built file on local disk, with filesystem storage only (object storage has no paths). It holds the
    encrypted bytes: read the content through `open_stored` or `read_stored`."""
    if not generated_file.storage_name:
        return None
    return Path(storage().path(generated_file.storage_name))


def is_stored(generated_file):
    return bool(generated_file.storage_name) and storage().exists(generated_file.storage_name)


def open_stored(generated_file):
    return storage().open(generated_file.storage_name, "rb")


def read_stored(generated_file):
    """The whole content of a built file, decrypted (for small files and tests; downloads stream `open_stored`)."""
    with open_stored(generated_file) as handle:
        return handle.read()


def _write(generated_file, built):
    suffix = os.path.splitext(built.filename)[1][:10]
    name = f"{generated_file.school.code}/{generated_file.code}{suffix}"
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        if callable(built.content):
            built.content(spool)
        else:
            spool.write(built.content)
        size = spool.tell()
        spool.seek(0)
        # The caller holds the build lock and the row is not done, so a file already at this name is what a
        # build that died part-way left: it is replaced, never kept beside the new one.
        storage().delete(name)
        return storage().save(name, File(spool, name=name)), size


def _remove(generated_file):
    if generated_file.storage_name:
        storage().delete(generated_file.storage_name)


# Reads ------------------------------------------------------------------------


def files_visible_to(user):
    """A user sees only their own files (a file holds what its owner could see, nobody else's view)."""
    if not user or not user.is_authenticated:
        return GeneratedFile.objects.none()
    return GeneratedFile.objects.filter(owner=user).select_related("school")


def downloadable(user, generated_file):
    """Whether the owner still holds the kind's permission in the file's school."""
    return may_have(user, get_kind(generated_file.kind), generated_file.school_id)


# Writes -----------------------------------------------------------------------


def _expiry():
    return timezone.now() + timedelta(days=settings.GENERATED_FILE_DAYS)


def _queue(generated_file):
    # By name: tasks.py imports this module, so importing it back would make a circle.
    outbox.enqueue("pastoral.tasks.generate_file", generated_file.pk)


def request_export(*, actor, kind_name, school, parameters, submission_key=None, scheduled_report=None):
    """Queue a file for `actor`; refuses (404/403 from school_for, PermissionDenied) before anything is saved."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    kind = get_kind(kind_name)
    if kind is None:
        raise Http404("No such export")
    school = kind.school(actor, parameters, school)
    if school is None or not may_have(actor, kind, school):
        raise PermissionDenied
    with transaction.atomic():
        if submission_key:
            existing = GeneratedFile.objects.filter(submission_key=submission_key, owner=actor).first()
            if existing:
                return existing
        if scheduled_report is None:
            waiting = GeneratedFile.objects.filter(
                owner=actor, status__in=[GeneratedFile.Status.QUEUED, GeneratedFile.Status.RUNNING]
            )
            if waiting.count() >= MAX_WAITING:
                raise PastoralError(
                    f"You already have {MAX_WAITING} exports being prepared. Wait for one to finish, then ask again."
                )
        generated_file = GeneratedFile.objects.create(
            owner=actor,
            school=school,
            kind=kind.name,
            parameters=parameters,
            expires_at=_expiry(),
            submission_key=submission_key,
            scheduled_report=scheduled_report,
        )
        audit.record(
            "pastoral.export.requested",
            actor=actor,
            obj=generated_file,
            school=school,
            data={"kind": kind.name, "parameters": parameters},
        )
        _queue(generated_file)
    return generated_file


@transaction.atomic
def retry_export(*, actor, generated_file):
    locked = GeneratedFile.objects.select_for_update().get(pk=generated_file.pk, owner=actor)
    if not locked.retryable:
        raise PastoralError("Only a failed or stopped export can be tried again.")
    kind = get_kind(locked.kind)
    if not may_have(actor, kind, locked.school_id):
        raise PastoralError("You no longer have access to this export.")
    locked.status = GeneratedFile.Status.QUEUED
    locked.progress = 0
    locked.error = ""
    locked.started_at = None
    locked.expires_at = _expiry()
    locked.created_at = timezone.now()  # asked for again: back to the top of the list, and not "stuck"
    locked.save(update_fields=["status", "progress", "error", "started_at", "expires_at", "created_at"])
    audit.record("pastoral.export.retried", actor=actor, obj=locked, school=locked.school)
    _queue(locked)
    return locked


@transaction.atomic
def record_download(*, actor, generated_file):
    return audit.record(
        "pastoral.export.downloaded",
        actor=actor,
        obj=generated_file,
        school=generated_file.school,
        data={"kind": generated_file.kind, "filename": generated_file.filename},
    )


def progress(generated_file, percent):
    """Called by builders as they go; written at once so the status page can show it."""
    percent = max(0, min(int(percent), 99))
    GeneratedFile.objects.filter(pk=generated_file.pk, status=GeneratedFile.Status.RUNNING).update(progress=percent)
    generated_file.progress = percent


def mark_failed(file_id, message):
    GeneratedFile.objects.filter(pk=file_id).exclude(status=GeneratedFile.Status.DONE).update(
        status=GeneratedFile.Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def _claim(file_id):
    """Move a queued file (or one whose earlier build died) to running, or say why not (the run is idempotent).

    The caller holds the file's build lock, so a "running" row here is a build that died with its worker.
    """
    with transaction.atomic():
        generated_file = (
            GeneratedFile.objects.select_for_update().select_related("owner", "school").filter(pk=file_id).first()
        )
        if generated_file is None:
            return None, "missing"
        status = generated_file.status
        if status == GeneratedFile.Status.DONE:
            return None, "already done"
        if status == GeneratedFile.Status.FAILED:
            return None, "failed; waiting for a retry"
        generated_file.status = GeneratedFile.Status.RUNNING
        generated_file.attempts += 1
        generated_file.started_at = timezone.now()
        generated_file.progress = 1
        generated_file.save(update_fields=["status", "attempts", "started_at", "progress"])
        return generated_file, "claimed"


def generate(file_id):
    """The body of the generate_file task. Transient database/network errors propagate so Celery retries."""
    with SessionLock(BUILD_LOCK_NAMESPACE, file_id, wait_seconds=BUILD_LOCK_WAIT_SECONDS) as held:
        if not held:
            return "running elsewhere"
        return _generate(file_id)


def _generate(file_id):
    from celery.exceptions import SoftTimeLimitExceeded

    generated_file, outcome = _claim(file_id)
    if generated_file is None:
        return outcome
    owner = generated_file.owner
    kind = get_kind(generated_file.kind)
    try:
        if kind is None:
            raise ExportRefused("This kind of export is no longer available.")
        if not may_have(owner, kind, generated_file.school_id):
            raise ExportRefused(f"You no longer have access to “{kind.label}” at {generated_file.school.name}.")
        built = kind.build(generated_file, owner)
        storage_name, size = _write(generated_file, built)
    except ExportRefused as exc:
        mark_failed(file_id, str(exc))
        return "refused"
    except SoftTimeLimitExceeded:
        minutes = max(1, round(settings.EXPORT_TIME_LIMIT_SECONDS / 60))
        message = f"The export took longer than {minutes} minutes and was stopped. Narrow the filters, then try again."
        mark_failed(file_id, message)
        return "too slow"
    except Exception as exc:
        if is_transient(exc):
            # Back to the queue; Celery retries the task with backoff.
            GeneratedFile.objects.filter(pk=file_id).update(status=GeneratedFile.Status.QUEUED)
            raise
        log.exception("export %s failed", file_id)
        mark_failed(file_id, "The export could not be made because of an unexpected error. Try again.")
        return "failed"
    with transaction.atomic():
        GeneratedFile.objects.filter(pk=file_id).update(
            status=GeneratedFile.Status.DONE,
            progress=100,
            error="",
            filename=built.filename[:200],
            content_type=built.content_type[:100],
            storage_name=storage_name,
            size=size,
            finished_at=timezone.now(),
        )
        if generated_file.scheduled_report_id:
            outbox.enqueue("pastoral.tasks.send_file_ready_email", file_id)
    return "done"


def is_transient(exc):
    from django.db import InterfaceError, OperationalError

    try:
        from kombu.exceptions import OperationalError as KombuOperationalError
    except ImportError:  # pragma: no cover
        KombuOperationalError = OperationalError
    return isinstance(exc, (OperationalError, InterfaceError, ConnectionError, TimeoutError, KombuOperationalError))


def delete_expired(now=None):
    """Remove expired files from disk and mark their rows; rows stay (the audit log points at them)."""
    now = now or timezone.now()
    count = 0
    expired = GeneratedFile.objects.filter(deleted_at__isnull=True, expires_at__lte=now)
    for file_id in expired.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            generated_file = (
                GeneratedFile.objects.select_for_update(skip_locked=True)
                .select_related("school")
                .filter(pk=file_id, deleted_at__isnull=True)
                .first()
            )
            if generated_file is None:
                continue
            _remove(generated_file)
            generated_file.deleted_at = now
            generated_file.save(update_fields=["deleted_at"])
            count += 1
    return count


def fail_stuck(now=None):
    """Fail files whose task never finished, so their owners see a message and a "Try again" button.

    A running file is judged by its start (no build outlives the time limit), a queued one by when it was asked for.
    """
    now = now or timezone.now()
    never_started = GeneratedFile.objects.filter(status=GeneratedFile.Status.QUEUED, created_at__lte=now - STUCK_AFTER)
    died = GeneratedFile.objects.filter(status=GeneratedFile.Status.RUNNING, started_at__lte=now - export_stale_after())
    count = never_started.update(
        status=GeneratedFile.Status.FAILED, error="The export did not finish in time. Try again.", finished_at=now
    )
    return count + died.update(
        status=GeneratedFile.Status.FAILED, error="The export stopped before it finished. Try again.", finished_at=now
    )
