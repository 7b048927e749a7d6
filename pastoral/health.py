"""/healthz for load balancers and monitoring: 200 ``ok``, or 503 with the names of the checks that failed.

Checks: ``database`` (a trivial query), ``migrations`` (none unapplied), ``broker`` (a Redis PING at
CELERY_BROKER_URL) and ``files`` (MEDIA_ROOT, or the storage backend, and GENERATED_FILES_ROOT can be
written). The answer says nothing else: no versions, host names or exception text; the reason is logged
(logger ``pastoral.health``) for whoever reads the server's logs.

HealthCheckMiddleware answers the path before the session, sign-in, two-factor, CSRF and Axes middleware
run, so a probe never reads or renews a session, is never sent to the sign-in page, writes no audit rows
and counts towards no limit. It also comes before Django's host check, because load balancers often probe
with the server's own address as the Host header; the answer builds no URLs, so the Host cannot matter.
"""

import logging
import tempfile
import threading
import time
from pathlib import Path

import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

log = logging.getLogger(__name__)

PATH = "/healthz"
BROKER_TIMEOUT_SECONDS = 1.0
# Loading the migration graph reads every migration file, far too slow for each probe. Each process keeps
# the answer this long; a deploy's restart starts afresh, and a node waiting on `migrate` rejoins within it.
MIGRATIONS_CACHE_SECONDS = 30

_migrations_lock = threading.Lock()
_migrations_checked = {"at": None, "ok": None}


def forget_migrations_result():
    """Make the next probe look at the migrations again (tests, or after running migrate in-process)."""
    with _migrations_lock:
        _migrations_checked.update(at=None, ok=None)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations():
    with _migrations_lock:
        now = time.monotonic()
        at = _migrations_checked["at"]
        if at is None or now - at >= MIGRATIONS_CACHE_SECONDS:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            _migrations_checked.update(at=now, ok=not plan)
        ok = _migrations_checked["ok"]
    if not ok:
        raise RuntimeError("unapplied migrations")


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in the web process: there is no broker to reach
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )
    try:
        client.ping()
    finally:
        client.close()


def _writable(directory):
    # Created as the storage would create it on the first upload, so a new install is not "unhealthy".
    directory = Path(directory)
    directory.mkdir(mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o700, parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".healthz-"):
        pass


def check_files():
    if isinstance(default_storage, FileSystemStorage):
        _writable(default_storage.location)
    else:
        default_storage.exists(".healthz")  # reaches the backend; raises when it cannot
    _writable(settings.GENERATED_FILES_ROOT)


# (name, check, names of checks that must pass first). The name is all a caller ever sees.
CHECKS = [
    ("database", check_database, ()),
    ("migrations", check_migrations, ("database",)),
    ("broker", check_broker, ()),
    ("files", check_files, ()),
]


def failing_checks():
    failed = []
    for name, check, needs in CHECKS:
        if any(need in failed for need in needs):
            continue  # its own failure would only repeat the one it depends on
        try:
            check()
        except Exception:
            log.warning("health check %r failed", name, exc_info=True)
            failed.append(name)
    return failed


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405, content_type="text/plain; charset=utf-8")
        response["Allow"] = "GET, HEAD"
        return response
    failed = failing_checks()
    body = "\n".join(failed) if failed else "ok"
    response = HttpResponse(body, status=503 if failed else 200, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
