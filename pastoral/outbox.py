"""Work that must happen after a commit, kept in the database until a worker has done it.

A request that saves something and then asks Celery for follow-up work (an email to the DSL, an export to
build) must not lose that work when Redis is down at that moment, and must not fail the request either. So
the follow-up is a row written in the same transaction as the change:

    from pastoral import outbox

    with transaction.atomic():
        concern = Concern.objects.create(...)
        outbox.enqueue(notify_concern_raised_task, concern.pk, dsl.pk)

- `enqueue(task, *args, key=None)` saves an `OutboxMessage` in the caller's transaction. `task` is a Celery
  task or its registered name (the core never imports the duty apps: any app's task is found by name). The
  arguments must be JSON (ids, not objects). With `key`, a second enqueue with the same key is ignored, which
  makes a fan-out that runs twice send once.
- When the transaction commits, `publish(message_id)` sends a `deliver_outbox_message` task to the broker.
  A broker error is logged and the request goes on.
- `deliver(message_id)` (run by that task in a worker) claims the row with an atomic UPDATE … WHERE
  done_at IS NULL, runs the task in the worker, and marks the row done. A second delivery of the same row does
  nothing. An error leaves the row pending for the sweep: the task is called directly, so the sweep's backoff
  takes the place of the task's own Celery autoretry.
- `fan_out(task, calls)` enqueues `task(*args)` for each args tuple in one transaction, keyed by the day: for
  periodic tasks that send one email per person.
- `sweep()` (beat, every minute) publishes again every pending row whose next attempt is due, backing off
  (OUTBOX_RETRY_SECONDS, doubling, at most an hour), and gives up after OUTBOX_MAX_ATTEMPTS with an error in
  the log and the task's own `on_failure` hook. It also deletes rows done a week ago.

With CELERY_TASK_ALWAYS_EAGER the publish runs the task in-process at commit, as `.delay()` did.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from . import locks
from .locks import SessionLock
from .models import OutboxMessage

log = logging.getLogger(__name__)

DELIVER_TASK = "pastoral.tasks.deliver_outbox_message"
# The sweep leaves a claimed row alone this long: the longest a live run can take (an export). A run whose
# worker died is picked up sooner by the broker's redelivery, which finds the run lock free.
CLAIM_LEASE = timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
# PostgreSQL advisory lock namespace for "this outbox row's task is running" (the second key is the row's id).
RUN_LOCK_NAMESPACE = locks.OUTBOX_RUN
MAX_DELAY = timedelta(hours=1)
KEEP_DONE = timedelta(days=7)
SWEEP_BATCH = 500
# Errors that mean "the broker is not there"; anything else is a bug and is raised.
BROKER_ERRORS = (KombuOperationalError, ConnectionError, TimeoutError, OSError)
# Fail fast when the broker is down: a request should not hang on it.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _retry_seconds():
    return getattr(settings, "OUTBOX_RETRY_SECONDS", 120)


def _max_attempts():
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 20)


def _delay(attempts):
    """The wait before the sweep publishes again after `attempts` tries: doubling, at most an hour."""
    seconds = _retry_seconds() * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def _tasks():
    """Celery's registry with every app's tasks module imported (a web process imports them only on use)."""
    if not _tasks.loaded:
        current_app.loader.import_default_modules()
        _tasks.loaded = True
    return current_app.tasks


_tasks.loaded = False


def _task_name(task):
    name = task if isinstance(task, str) else task.name
    if name not in _tasks():
        raise ValueError(f"No Celery task is registered as {name!r}")
    return name


def enqueue(task, *args, key=None):
    """Save `task(*args)` to run once the current transaction commits. Returns the row, or None for a known key."""
    name = _task_name(task)
    now = timezone.now()
    message = OutboxMessage(task_name=name, args=list(args), key=key, created_at=now, next_attempt_at=now + _delay(1))
    if key is None:
        message.save()
    else:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            if OutboxMessage.objects.filter(key=key).exists():
                return None
            raise
    transaction.on_commit(lambda: publish(message.pk))
    return message


def fan_out(task, calls):
    """Enqueue `task(*args)` for each tuple in `calls`, all in one transaction, each at most once a day.

    For periodic tasks that send one email per person: a worker lost half-way loses nothing (the rows are
    saved together and the sweep sends the rest), and when the same fan-out runs again that day (a redelivered
    message) nobody gets a second email. Returns how many were newly queued."""
    name = _task_name(task)
    today = timezone.localdate().isoformat()
    queued = 0
    with transaction.atomic():
        for args in calls:
            key = ":".join([name, today, *map(str, args)])
            if enqueue(name, *args, key=key[:200]):
                queued += 1
    return queued


def _take_attempt(message_id, *, due_by=None):
    """Count one publish of a pending row; None if it is done, given up, running, or (for the sweep) not due."""
    now = timezone.now()
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            pk=message_id, done_at__isnull=True, gave_up_at__isnull=True
        )
        if due_by is not None:
            rows = rows.filter(next_attempt_at__lte=due_by).exclude(claimed_at__gt=now - CLAIM_LEASE)
        message = rows.first()
        if message is None:
            return None
        message.attempts += 1
        message.last_attempt_at = now
        message.next_attempt_at = now + _delay(message.attempts)
        message.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return message


def publish(message_id):
    """Send the row to the broker. True if it was handed over; a broker that is down is logged, not raised."""
    try:
        return _publish(message_id)
    except BROKER_ERRORS:
        return False


def _publish(message_id, *, due_by=None):
    message = _take_attempt(message_id, due_by=due_by)
    if message is None:
        return False
    try:
        _tasks()[DELIVER_TASK].apply_async((message.pk,), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_ERRORS as exc:
        if current_app.conf.task_always_eager:
            raise  # the task ran here and failed (a mail server, say): deliver() has recorded its error
        log.warning(
            "outbox message %s (%s) not published, attempt %s: %s; the sweep will try again",
            message.pk,
            message.task_name,
            message.attempts,
            exc,
        )
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=f"publish: {exc}"[:500])
        raise
    return True


def deliver(message_id):
    """Run the row's task here, once: a row already done, given up or running elsewhere is left alone."""
    # The lock is the claim: held by a live run, dropped with a dead worker's connection (pastoral/locks.py).
    with SessionLock(RUN_LOCK_NAMESPACE, message_id) as held:
        if not held:
            return "running elsewhere"
        claimed = OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True, gave_up_at__isnull=True).update(
            claimed_at=timezone.now()
        )
        if not claimed:
            return "already handled"
        message = OutboxMessage.objects.get(pk=message_id)
        try:
            result = _tasks()[message.task_name](*message.args)
        except Exception as exc:
            # Left pending and unclaimed: the sweep publishes it again when its next attempt is due.
            OutboxMessage.objects.filter(pk=message_id).update(claimed_at=None, last_error=repr(exc)[:500])
            log.exception("outbox message %s (%s) failed", message_id, message.task_name)
            raise
        OutboxMessage.objects.filter(pk=message_id).update(done_at=timezone.now(), claimed_at=None, last_error="")
        return result


def sweep(now=None):
    """Publish every pending row that is due again, give up on those tried too often. Returns rows published."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(done_at__isnull=True, gave_up_at__isnull=True, next_attempt_at__lte=now)
    due = due.exclude(claimed_at__gt=now - CLAIM_LEASE)
    _give_up(due.filter(attempts__gte=_max_attempts()), now)
    published = 0
    for message_id in list(due.filter(attempts__lt=_max_attempts()).values_list("pk", flat=True)[:SWEEP_BATCH]):
        try:
            published += _publish(message_id, due_by=now)
        except BROKER_ERRORS:
            break  # the broker went away again: the next sweep goes on
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return published


def _give_up(rows, now):
    for message in rows:
        if not OutboxMessage.objects.filter(pk=message.pk, gave_up_at__isnull=True).update(gave_up_at=now):
            continue
        summary = (
            f"outbox message {message.pk} ({message.task_name} {message.args}) given up after "
            f"{message.attempts} attempts: {message.last_error}"
        )
        log.error(summary)
        try:
            task = _tasks().get(message.task_name)
            if task is not None:
                # Lets a task say so on its own record, as it would after Celery's own retries ran out.
                task.on_failure(RuntimeError(summary), None, tuple(message.args), {}, None)
        except Exception:
            log.exception("after giving up outbox message %s", message.pk)


def pending():
    """Rows not yet done nor given up, oldest first (for the admin and tests)."""
    return OutboxMessage.objects.filter(done_at__isnull=True, gave_up_at__isnull=True).order_by("pk")
