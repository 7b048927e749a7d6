"""A real Celery worker against the real Redis broker, end to end."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.core import mail

from pastoral.accounts.roles import Role
from pastoral.celery import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker():
    """Point the app at its own Redis database and a queue no other worker listens on."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    queue = f"test-{uuid.uuid4().hex}"
    app.conf.update(broker_url="redis://127.0.0.1:6379/14", task_always_eager=False, task_default_queue=queue)
    forget_connections()
    app.connection_for_write().ensure_connection(max_retries=1)
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        yield queue
    app.conf.update(saved)
    forget_connections()


def forget_connections():
    # Celery caches its connection and producer pools on first use; without
    # this a pool built for the default broker would publish to the wrong place.
    app._pool = None
    app.amqp._producer_pool = None


def test_it_sends_the_digest_through_a_real_worker(real_broker, settings):
    import datetime

    from conftest import make_staff
    from pastoral.tasks import send_digest_task
    from pastoral.tests.factories import PupilFactory, SchoolFactory

    school = SchoolFactory()
    lead = make_staff(school, Role.PASTORAL_LEAD, "lead-worker")
    PupilFactory(school=school, leaving_date=datetime.date.today() + datetime.timedelta(days=2))
    mail.outbox = []
    with app.connection_for_write() as connection:
        assert (connection.transport_cls, connection.hostname, str(connection.virtual_host)) == (
            "redis",
            "127.0.0.1",
            "14",
        )
        result = send_digest_task.apply_async((school.id, lead.id), queue=real_broker, connection=connection)
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not isinstance(result, EagerResult)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [lead.email]
    assert "Pupils leaving in the next 14 days: 1" in mail.outbox[0].body
