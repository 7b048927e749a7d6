"""With the broker really stopped, requests still succeed and their follow-up work is sent once it is back.

Each test runs its own redis-server on a free port (never the shared one), kills it, makes a request through
the real view, starts it again on the same port, and lets the sweep and a real Celery worker catch up.
"""

import contextlib
import datetime
import socket
import subprocess
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from pastoral import outbox
from pastoral.celery import app
from pastoral.models import GeneratedFile, Membership, OutboxMessage, User

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

LATER = datetime.timedelta(minutes=3)  # past the first retry window, as the next sweeps would run


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait_for(condition, seconds=30, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Broker:
    """A redis-server of this test's own, which can really be stopped and started again on its port."""

    def __init__(self):
        self.port = _free_port()
        self.process = None
        self.queue = f"test-outbox-{uuid.uuid4().hex}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(lambda: _answers(self.port), 10, "redis-server to answer")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        assert not _answers(self.port)

    @contextlib.contextmanager
    def worker(self):
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[self.queue], shutdown_timeout=10):
            yield


def forget_connections():
    # Celery caches its connection and producer pools on first use; without
    # this a pool built for the default broker would publish to the wrong place.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    broker = Broker()
    broker.start()
    app.conf.update(
        broker_url=f"redis://127.0.0.1:{broker.port}/0", task_always_eager=False, task_default_queue=broker.queue
    )
    forget_connections()
    yield broker
    broker.stop()
    app.conf.update(saved)
    forget_connections()


def _all_done():
    return not outbox.pending().exists()


def _catch_up(broker):
    """The broker is back: the sweep publishes what is pending and a real worker runs it."""
    broker.start()
    with broker.worker():
        # Counted first: the worker may finish a task before a count taken after the sweep.
        waiting = outbox.pending().count()
        assert waiting > 0 and outbox.sweep(now=timezone.now() + LATER) == waiting
        _wait_for(_all_done, what="the outbox to empty")


def test_a_concern_raised_while_the_broker_is_down_alerts_the_dsl_once_it_is_back(broker, client, teacher, dsl, pupil):
    from safeguarding.models import Concern
    from safeguarding.services import categories_ensure
    from safeguarding.tests.test_raise import _data

    category = next(c for c in categories_ensure(pupil.school) if c.name == "Neglect")
    verified_client(client, teacher)
    broker.stop()

    data = _data(pupil, category)
    response = client.post(reverse("safeguarding:concern_create"), data, follow=True)

    assert response.status_code == 200
    concern = Concern.objects.get()
    assert response.redirect_chain[-1][0] == reverse("safeguarding:concern_receipt", args=[concern.code])
    assert "Your concern has been passed to the safeguarding team" in response.content.decode()
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args) == ("safeguarding.tasks.notify_concern_raised_task", [concern.pk, dsl.pk])
    assert row.done_at is None and row.attempts == 1 and "publish" in row.last_error
    assert mail.outbox == []

    # Sending the form again finds the saved concern and queues nothing more.
    again = client.post(reverse("safeguarding:concern_create"), data)
    assert again.status_code == 302 and Concern.objects.count() == 1 and OutboxMessage.objects.count() == 1

    broker.start()
    with broker.worker():
        assert outbox.sweep(now=timezone.now() + LATER) == 1
        _wait_for(_all_done, what="the alert to be delivered")
        assert [m.to for m in mail.outbox] == [[dsl.email]]
        assert str(concern.code) in mail.outbox[0].body

        # Nothing is sent twice: another sweep finds nothing, and a duplicate delivery of the same row,
        # followed through the same worker by a marker row, does nothing.
        assert outbox.sweep(now=timezone.now() + LATER) == 0
        app.tasks[outbox.DELIVER_TASK].apply_async((row.pk,))
        marker = outbox.enqueue("pastoral.tasks.delete_expired_files")
        _wait_for(lambda: OutboxMessage.objects.filter(pk=marker.pk, done_at__isnull=False).exists())
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 2


def test_an_export_asked_for_while_the_broker_is_down_is_built_once_it_is_back(
    broker, client, dsl, pupil, settings, tmp_path
):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    verified_client(client, dsl)
    broker.stop()

    response = client.post(
        reverse("pastoral:export_request"), {"kind": "pastoral.chronology_pdf", "query": f"pupil={pupil.code}"}
    )

    assert response.status_code == 302
    generated_file = GeneratedFile.objects.get(owner=dsl)
    assert generated_file.status == GeneratedFile.Status.QUEUED
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args, row.done_at) == ("pastoral.tasks.generate_file", [generated_file.pk], None)

    _catch_up(broker)
    generated_file.refresh_from_db()
    assert generated_file.status == GeneratedFile.Status.DONE, generated_file.error
    assert generated_file.attempts == 1


def test_a_safeguarding_role_granted_while_the_broker_is_down_reaches_its_approvers_once_it_is_back(
    broker, client, it_admin, headteacher, dsl, school
):
    verified_client(client, it_admin)
    broker.stop()

    response = client.post(
        reverse("pastoral:staff_create"),
        {"first_name": "Nia", "last_name": "New", "email": "nia@school.test", "username": "nia", "role": "dsl"},
    )

    assert response.status_code == 302
    nia = User.objects.get(username="nia")
    assert Membership.objects.get(user=nia).approved_at is None
    assert sorted(OutboxMessage.objects.values_list("task_name", flat=True)) == [
        "pastoral.tasks.notify_role_approvers_task",
        "pastoral.tasks.send_welcome_email_task",
    ]
    assert mail.outbox == []

    _catch_up(broker)
    approvals = sorted(m.to[0] for m in mail.outbox if "waiting for your approval" in m.subject)
    assert approvals == sorted([headteacher.email, dsl.email])
    # The sign-up link waits for the approval: the welcome task ran and sent nothing usable yet.
    assert [m.to for m in mail.outbox if m.to == [nia.email]] == []
    assert len(mail.outbox) == 2
    assert not outbox.pending().exists()
