"""/healthz: 200 ok when the database, migrations, broker and file store are fine; 503 naming what is not."""

import datetime
import socket

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from pastoral import health
from pastoral.models import AuditEntry

REDIS = settings.CELERY_BROKER_URL


@pytest.fixture(autouse=True)
def fresh_migrations_result():
    health.forget_migrations_result()
    yield
    health.forget_migrations_result()


@pytest.fixture
def real_broker():
    # The test settings run tasks eagerly, which the health check (rightly) treats as "no broker in use".
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=REDIS):
        yield


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def delete_latest_migration_record():
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'pastoral')"
        )
        assert cursor.rowcount == 1


def test_the_url_is_routed_and_named(db):
    assert reverse("healthz") == "/healthz"


def test_all_well_is_200_ok(client, db, real_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def test_a_broker_on_a_closed_port_is_503_naming_only_the_broker(client, db):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    # The check's name and nothing else: no exception text, host, port or version.
    assert response.content == b"broker"


def test_an_unapplied_migration_is_503_migrations(client, db, real_broker):
    delete_latest_migration_record()  # rolled back with the test's transaction
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"migrations"


def test_the_migrations_result_is_kept_for_a_while_per_process(client, db, real_broker):
    assert client.get("/healthz").content == b"ok"
    delete_latest_migration_record()
    # Within MIGRATIONS_CACHE_SECONDS the process answers from what it found last time...
    assert client.get("/healthz").content == b"ok"
    # ...and looks again once that has expired.
    health._migrations_checked["at"] -= health.MIGRATIONS_CACHE_SECONDS
    assert client.get("/healthz").content == b"migrations"


def test_an_unwritable_file_store_is_503_files(client, db, real_broker, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the generated files' folder should be")
    with override_settings(GENERATED_FILES_ROOT=blocker / "generated"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"files"


def test_several_failures_are_each_named(client, db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    broker = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker, MEDIA_ROOT=blocker / "media"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.split(b"\n") == [b"broker", b"files"]


def test_a_probe_never_touches_the_session_or_the_audit_log(client, teacher, as_user, real_broker):
    as_user(teacher)
    Session.objects.update(expire_date=F("expire_date") - datetime.timedelta(minutes=10))
    expires = Session.objects.get().expire_date
    audit_rows = AuditEntry.objects.count()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" not in response.get("Vary", ""), "the session was not even read"
    assert Session.objects.get().expire_date == expires
    assert AuditEntry.objects.count() == audit_rows


def test_a_signed_in_user_without_two_factor_is_not_sent_to_sign_in(client, teacher, real_broker):
    client.force_login(teacher)  # password only: every other page redirects to the two-factor step
    assert client.get(reverse("pastoral:home")).status_code == 302
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_load_balancer_probes_over_http_with_any_host_are_answered(client, db, real_broker):
    # A load balancer probes the app server directly: plain HTTP, its address as the Host.
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get(reverse("accounts:login")).status_code == 301
        response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.get(reverse("accounts:login"), HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_frequent_probes_are_never_throttled(client, db, real_broker):
    assert {client.get("/healthz").status_code for _ in range(40)} == {200}


def test_only_get_and_head(client, db, real_broker):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
