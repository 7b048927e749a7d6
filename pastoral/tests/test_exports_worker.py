"""One export end to end through a real Celery worker and the real Redis broker."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from pastoral.celery import app
from pastoral.models import AuditEntry, GeneratedFile
from pastoral.tests.pdftext import pdf_text

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    """Each test's files in its own directory, removed with it."""
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def forget_connections():
    # Celery caches its connection and producer pools on first use; without
    # this a pool built for the default broker would publish to the wrong place.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_worker():
    """The app on its own Redis database and a queue no other worker listens on, with a worker thread."""
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    queue = f"test-exports-{uuid.uuid4().hex}"
    app.conf.update(broker_url="redis://127.0.0.1:6379/14", task_always_eager=False, task_default_queue=queue)
    forget_connections()
    app.connection_for_write().ensure_connection(max_retries=1)
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        yield queue
    app.conf.update(saved)
    forget_connections()


def test_a_chronology_pdf_is_built_by_a_real_worker_and_downloaded(real_worker, client, dsl, pupil):
    from conftest import verified_client

    verified_client(client, dsl)
    assert app.conf.task_always_eager is False and app.conf.broker_url.endswith("/14")
    response = client.post(
        reverse("pastoral:export_request"), {"kind": "pastoral.chronology_pdf", "query": f"pupil={pupil.code}"}
    )
    assert response.status_code == 302
    generated_file = GeneratedFile.objects.get(owner=dsl)
    deadline = time.monotonic() + 60
    while generated_file.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        generated_file.refresh_from_db()
    assert generated_file.status == "done", generated_file.error
    assert generated_file.attempts == 1 and generated_file.progress == 100

    status = client.get(reverse("pastoral:export_status", args=[generated_file.code])).json()
    response = client.get(status["download_url"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert "Pastoral chronology: Zoë Ainsworth" in pdf_text(content)
    assert AuditEntry.objects.filter(action="pastoral.export.downloaded", actor=dsl).count() == 1
