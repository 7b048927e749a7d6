"""An export whose worker is killed mid-build is built again, by real `celery worker` processes that really die.

Each worker is a subprocess (`celery -A pastoral worker`) on its own Redis database and queue, pointed at the
test database, with `pastoral.tests.slow_export` included: that kind's first build hangs until the test kills it.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from pastoral.celery import app
from pastoral.files import exports
from pastoral.models import GeneratedFile
from pastoral.tests import slow_export

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BROKER = "redis://127.0.0.1:6379/13"
CELERY = Path(sys.executable).with_name("celery")


def forget_connections():
    # Celery caches its connection and producer pools on first use; without
    # this a pool built for the default broker would publish to the wrong place.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def queue(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    name = f"test-worker-lost-{uuid.uuid4().hex}"
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=name)
    forget_connections()
    app.connection_for_write().ensure_connection(max_retries=1)
    slow_export.register()
    yield name
    exports._KINDS.pop(slow_export.KIND, None)
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(name)
    app.conf.update(saved)
    forget_connections()


class Workers:
    """Start real worker processes; kill them; never leave one behind."""

    def __init__(self, queue, tmp_path):
        self.queue = queue
        self.tmp_path = tmp_path
        self.processes = []

    def start(self, *, visibility_timeout):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pastoral.settings",
            "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(visibility_timeout),
            "GENERATED_FILES_ROOT": str(self.tmp_path / "generated"),
        }
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115 - closed with the test
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "pastoral",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--queues",
                self.queue,
                "--include",
                "pastoral.tests.slow_export",
                "--hostname",
                f"{self.queue}-{len(self.processes)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "info",
            ],  # fmt: skip
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the whole worker can be killed at once
        )
        self.processes.append(process)
        return process

    def kill(self, process):
        """SIGKILL the worker and its pool children: no shutdown, no acknowledgement, no chance to tidy up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


@pytest.fixture
def workers(queue, tmp_path):
    started = Workers(queue, tmp_path)
    yield started
    started.stop_all()


def wait_for(check, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def ask_for_slow_file(dsl, school, tmp_path):
    marker = tmp_path / "attempts"
    marker.mkdir()
    generated_file = exports.request_export(
        actor=dsl, kind_name=slow_export.KIND, school=school, parameters={"marker_dir": str(marker)}
    )
    return generated_file, marker


def first_build_running(generated_file, marker):
    pid_file = marker / "attempt-1.pid"
    wait_for(pid_file.exists, "the first build to start")
    generated_file.refresh_from_db()
    assert (generated_file.status, generated_file.attempts) == ("running", 1)
    return int(pid_file.read_text())


def finished(generated_file):
    generated_file.refresh_from_db()
    return generated_file.status not in (GeneratedFile.Status.QUEUED, GeneratedFile.Status.RUNNING)


def test_it_builds_the_file_again_when_the_pool_process_is_killed(workers, dsl, school, tmp_path):
    # An hour's visibility timeout: only the pool's "worker lost" rejection can bring the task back in time.
    worker = workers.start(visibility_timeout=3600)
    generated_file, marker = ask_for_slow_file(dsl, school, tmp_path)
    child_pid = first_build_running(generated_file, marker)
    assert child_pid != worker.pid
    os.kill(child_pid, signal.SIGKILL)

    wait_for(lambda: finished(generated_file), "the file to be built again")
    assert (generated_file.status, generated_file.attempts, generated_file.error) == ("done", 2, "")
    assert exports.read_stored(generated_file).decode().splitlines() == ["Attempt", "2"]
    assert worker.poll() is None, "the worker itself lives on"


def test_it_builds_the_file_again_when_the_whole_worker_is_killed(workers, dsl, school, tmp_path):
    visibility_timeout = 3
    worker = workers.start(visibility_timeout=visibility_timeout)
    generated_file, marker = ask_for_slow_file(dsl, school, tmp_path)
    first_build_running(generated_file, marker)
    workers.kill(worker)
    killed_at = time.monotonic()
    generated_file.refresh_from_db()
    assert generated_file.status == "running"  # nobody is left to say otherwise

    # Redis hands the unacknowledged task out again once the visibility timeout has passed: a worker started
    # after that looks for such tasks as it starts.
    wait_for(lambda: time.monotonic() > killed_at + visibility_timeout + 1, "the visibility timeout")
    workers.start(visibility_timeout=visibility_timeout)
    wait_for(lambda: finished(generated_file), "the file to be built again")
    assert (generated_file.status, generated_file.attempts, generated_file.error) == ("done", 2, "")
    assert exports.read_stored(generated_file).decode().splitlines() == ["Attempt", "2"]
