"""The transactional outbox with eager Celery: rows, claims, the sweep's backoff and giving up."""

import datetime
import time

import psycopg
import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from conftest import make_staff
from pastoral import outbox
from pastoral.accounts.roles import Role
from pastoral.celery import app
from pastoral.files import exports
from pastoral.models import GeneratedFile, OutboxMessage
from pastoral.tasks import deliver_outbox_message, send_digest_task, sweep_outbox
from pastoral.tests.factories import PupilFactory


@pytest.fixture
def lead_with_news(school):
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead")
    PupilFactory(school=school, leaving_date=timezone.localdate() + datetime.timedelta(days=2))
    return lead


def test_the_row_is_written_in_the_callers_transaction_and_runs_only_after_commit(
    school, lead_with_news, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)
            raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists() and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)
            assert mail.outbox == []  # nothing runs before the commit
    assert [m.to for m in mail.outbox] == [[lead_with_news.email]]
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 1 and row.claimed_at is None and row.last_error == ""
    assert not outbox.pending().exists()


def test_a_second_delivery_of_the_same_row_does_nothing(school, lead_with_news, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue("pastoral.tasks.send_digest_task", school.pk, lead_with_news.pk)
    assert deliver_outbox_message.delay(row.pk).get() == "already handled"
    assert outbox.deliver(row.pk) == "already handled"
    assert len(mail.outbox) == 1


def _wait_for_the_server_to_drop(namespace, key, seconds=15):
    """A closed connection's backend exits a moment later, and only then are its locks gone."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
                [namespace, key],
            )
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.05)


def test_a_row_running_in_a_live_worker_is_left_alone_and_one_whose_worker_died_runs_again(school, lead_with_news):
    row = outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)  # the test's transaction never commits
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    # A live worker: another connection holds the row's run lock.
    worker = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", (outbox.RUN_LOCK_NAMESPACE, row.pk))
        assert outbox.deliver(row.pk) == "running elsewhere"
        assert outbox.sweep(now=timezone.now() + datetime.timedelta(minutes=10)) == 0
        assert mail.outbox == []
    finally:
        worker.close()  # the worker dies: its connection, and with it the lock, goes
    _wait_for_the_server_to_drop(outbox.RUN_LOCK_NAMESPACE, row.pk)
    # claimed_at is still set, but the free lock shows its run died: a redelivery runs it at once.
    assert outbox.deliver(row.pk) == "sent"
    assert len(mail.outbox) == 1
    assert outbox.deliver(row.pk) == "already handled"


def test_the_sweep_publishes_a_pending_row_again_only_once_its_wait_is_over(school, lead_with_news, settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    row = outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)
    # As if the broker had refused the publish at commit: one attempt counted, nothing sent.
    now = timezone.now()
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=1, last_attempt_at=now, next_attempt_at=now + datetime.timedelta(seconds=60)
    )
    assert outbox.sweep(now=now + datetime.timedelta(seconds=30)) == 0
    assert mail.outbox == []
    assert sweep_outbox.delay().get() == 0  # the beat task is the same sweep

    assert outbox.sweep(now=now + datetime.timedelta(seconds=61)) == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 2
    assert outbox.sweep(now=now + datetime.timedelta(hours=5)) == 0
    assert len(mail.outbox) == 1


def test_a_failing_task_stays_pending_and_is_retried_with_a_growing_wait(settings, dsl, school):
    settings.OUTBOX_RETRY_SECONDS = 60
    row = outbox.enqueue("pastoral.tasks.send_file_ready_email", "not an id")
    with pytest.raises(ValueError):
        outbox.publish(row.pk)  # eager: the task runs here and its error reaches the caller, as .delay() did
    row.refresh_from_db()
    assert row.done_at is None and row.claimed_at is None and "ValueError" in row.last_error
    assert (row.attempts, row.next_attempt_at - row.last_attempt_at) == (1, datetime.timedelta(seconds=60))
    with pytest.raises(ValueError):
        outbox.sweep(now=row.next_attempt_at)
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at - row.last_attempt_at) == (2, datetime.timedelta(seconds=120))
    assert outbox._delay(20) == outbox.MAX_DELAY


def test_after_too_many_attempts_the_sweep_gives_up_and_the_task_marks_its_record_failed(settings, dsl, school, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    generated_file = GeneratedFile.objects.create(
        owner=dsl, school=school, kind="pastoral.pupils_csv", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    row = outbox.enqueue("pastoral.tasks.generate_file", generated_file.pk)
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=3, next_attempt_at=timezone.now(), last_error="OperationalError('down')"
    )
    with caplog.at_level("ERROR", logger="pastoral.outbox"):
        assert outbox.sweep(now=timezone.now() + datetime.timedelta(seconds=1)) == 0
    row.refresh_from_db()
    assert row.gave_up_at is not None and row.done_at is None and row.attempts == 3
    assert any("given up after 3 attempts" in record.getMessage() for record in caplog.records)
    generated_file.refresh_from_db()
    assert generated_file.status == GeneratedFile.Status.FAILED and "Try again" in generated_file.error
    assert outbox.deliver(row.pk) == "already handled"
    assert not outbox.pending().exists()


def test_a_fan_out_queues_each_email_once_a_day(school, lead_with_news, django_capture_on_commit_callbacks):
    calls = [(school.pk, lead_with_news.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.fan_out(send_digest_task, calls) == 1
        assert outbox.fan_out(send_digest_task, calls) == 0  # the same periodic run delivered twice
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().key.startswith(f"pastoral.tasks.send_digest_task:{timezone.localdate()}:")


def test_done_rows_are_deleted_after_a_week(school, lead_with_news, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)
    outbox.sweep(now=timezone.now() + datetime.timedelta(days=6))
    assert OutboxMessage.objects.count() == 1
    outbox.sweep(now=timezone.now() + datetime.timedelta(days=8))
    assert not OutboxMessage.objects.exists()


def test_only_registered_tasks_can_be_queued(db):
    with pytest.raises(ValueError, match="No Celery task"):
        outbox.enqueue("pastoral.tasks.no_such_task", 1)


def test_the_sweep_runs_every_minute():
    entry = app.conf.beat_schedule["outbox-sweep"]
    assert entry["task"] == "pastoral.tasks.sweep_outbox"
    assert entry["schedule"].minute == set(range(60)) and entry["schedule"].hour == set(range(24))


def test_export_requests_go_through_the_outbox(dsl, school):
    generated_file = exports.request_export(actor=dsl, kind_name="pastoral.pupils_csv", school=school, parameters={})
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args) == ("pastoral.tasks.generate_file", [generated_file.pk])


def test_a_mail_server_that_is_down_leaves_the_email_pending_until_a_later_sweep_sends_it(
    school, lead_with_news, settings, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(send_digest_task, school.pk, lead_with_news.pk)  # refused: the request goes on
    row.refresh_from_db()
    assert row.done_at is None and row.claimed_at is None and "ConnectionRefusedError" in row.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.sweep(now=row.next_attempt_at) == 1
    assert [m.to for m in mail.outbox] == [[lead_with_news.email]]
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 2
