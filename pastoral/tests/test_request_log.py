"""One JSON log line per request, with ids but never pupil names, free text or query strings; error emails
without the request's data; the logging settings read from the environment."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.log import AdminEmailHandler

from pastoral.models import PupilNote
from pastoral.request_log import ErrorReport, JsonFormatter, RequestIdFilter
from pastoral.settings import admins_from

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"request_id", "user_id", "school_id", "method", "path", "status", "duration_ms"}


@pytest.fixture
def request_log():
    """The lines pastoral.request writes, through the formatter and filter the settings configure."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("pastoral.request")
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)

    def lines():
        text = stream.getvalue()
        return text, [json.loads(line) for line in text.splitlines()]

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_one_json_line_per_request_with_ids_and_no_names(client, teacher, school, pupil, as_user, request_log):
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]))
    assert response.status_code == 200 and "Ainsworth" in response.content.decode()

    text, lines = request_log()
    assert len(lines) == 1
    line = lines[0]
    assert FIELDS <= set(line)
    assert line["method"] == "GET"
    assert line["path"] == f"/pupils/{pupil.code}/"
    assert line["status"] == 200
    assert line["user_id"] == teacher.pk
    assert line["school_id"] == school.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["logger"] == "pastoral.request" and line["level"] == "INFO"
    assert response["X-Request-ID"] == line["request_id"]
    assert "Ainsworth" not in text and "Zoë" not in text


def test_the_query_string_never_appears(client, teacher, school, pupil, as_user, request_log):
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_search"), {"q": "Ainsworth"})
    assert response.status_code == 200 and "Ainsworth" in response.content.decode()
    text, lines = request_log()
    assert [line["path"] for line in lines] == ["/pupils/search/"]
    assert lines[0]["school_id"] == school.pk
    assert "Ainsworth" not in text and "q=" not in text and "?" not in text


def test_posted_free_text_never_appears(client, pastoral_staff, pupil, as_user, request_log):
    as_user(pastoral_staff)
    summary = "Zoë told me about her brother's arrest"
    response = client.post(
        reverse("pastoral:note_create", args=[pupil.code]),
        {"kind": "phone_call", "occurred_at": "2026-11-20T10:15", "summary": summary, "detail": "Private detail"},
    )
    assert response.status_code == 302 and PupilNote.objects.get().summary == summary
    text, lines = request_log()
    assert [(line["method"], line["status"]) for line in lines] == [("POST", 302)]
    assert "arrest" not in text and "Private detail" not in text and "Zoë" not in text


def test_an_anonymous_request_has_no_user_or_school(client, db, request_log):
    assert client.get(reverse("accounts:login")).status_code == 200
    _, [line] = request_log()
    assert (line["user_id"], line["school_id"], line["path"]) == (None, None, "/accounts/login/")


def test_a_sane_request_id_from_the_proxy_is_kept_and_echoed(client, db, request_log):
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="0f3c2b9a8e7d6c5b4a3928172615a4b3")
    assert response["X-Request-ID"] == "0f3c2b9a8e7d6c5b4a3928172615a4b3"
    _, [line] = request_log()
    assert line["request_id"] == "0f3c2b9a8e7d6c5b4a3928172615a4b3"


@pytest.mark.parametrize(
    "offered",
    ["Zoë Ainsworth", "abc\ndef", "x" * 200, "", "<script>", "-leading-dash"],
)
def test_an_unusable_request_id_is_replaced(client, db, request_log, offered):
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID=offered)
    generated = response["X-Request-ID"]
    assert generated != offered and len(generated) == 32 and int(generated, 16) >= 0
    text, [line] = request_log()
    assert line["request_id"] == generated
    assert offered not in text or offered == ""


def test_a_password_reset_token_in_the_path_is_masked(client, teacher, request_log):
    uid = urlsafe_base64_encode(force_bytes(teacher.pk))
    token = default_token_generator.make_token(teacher)
    client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    text, lines = request_log()
    assert lines[0]["path"] == "/accounts/reset/<uidb64>/<token>/"
    assert token not in text


def test_log_lines_written_during_a_request_carry_its_id(client, db, request_log):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    django_request = logging.getLogger("django.request")
    django_request.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-1234")
    finally:
        django_request.removeHandler(handler)
    assert response.status_code == 404
    warning = json.loads(stream.getvalue().splitlines()[0])
    assert warning["logger"] == "django.request" and warning["request_id"] == "req-1234"


def test_a_passing_health_probe_is_logged_only_at_debug(client, db, request_log):
    assert client.get("/healthz").status_code == 200
    _, lines = request_log()
    assert lines == []


# --- error emails --------------------------------------------------------------------------------


def test_the_error_email_leaves_out_what_the_request_carried(db):
    request = RequestFactory().post(
        "/pupils/search/?q=Ainsworth",
        {"summary": "Zoë disclosed something", "csrfmiddlewaretoken": "abc"},
        HTTP_COOKIE="sessionid=secret-session-value",
    )
    request.request_id = "req-42"
    try:
        raise ValueError("the bug")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,), sys.exc_info()
        )
    record.request = request
    record.status_code = 500
    with override_settings(ADMINS=[("Support", "support@example.org")], DEBUG=False):
        AdminEmailHandler(reporter_class="pastoral.request_log.ErrorReport").emit(record)
    [email] = mail.outbox
    assert email.to == ["support@example.org"]
    assert "Internal Server Error: /pupils/search/" in email.subject
    assert "ValueError" in email.body and "the bug" in email.body  # what is needed to fix it
    assert "test_request_log.py" in email.body  # the traceback
    assert "summary = '(not included)'" in email.body  # the field's name, not its value
    assert "REQUEST_ID = 'req-42'" in email.body
    for private in ("Ainsworth", "Zoë", "disclosed", "secret-session-value", "q="):
        assert private not in email.body, private
    assert "DATABASE_URL" not in email.body  # its password is not masked by Django's filter


def test_error_report_without_a_request_still_has_the_traceback():
    try:
        raise RuntimeError("in a task")
    except RuntimeError:
        text = ErrorReport(None, *sys.exc_info(), is_email=True).get_traceback_text()
    assert "RuntimeError" in text and "in a task" in text and "DATABASE_URL" not in text


def test_admins_are_read_from_one_line():
    assert admins_from("Pastoral support <support@example.org>, it@example.org") == [
        ("Pastoral support", "support@example.org"),
        ("it@example.org", "it@example.org"),
    ]
    assert admins_from("") == []


# --- the settings, as production reads them ------------------------------------------------------------


def settings_in_subprocess(code, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_CONN"))}
    environment.update(DJANGO_SETTINGS_MODULE="pastoral.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "pastoral.example.org",
    "PASTORAL_FILE_KEYS": "k" * 43 + "=",
}

ERROR_WITH_REQUEST = """
import logging, sys
import django
django.setup()
from django.core import mail
from django.test import RequestFactory
request = RequestFactory().post("/x/?q=Ainsworth", {"summary": "Zoë disclosed"})
logging.getLogger("pastoral.request").info("GET /x/ 200 1.0ms", extra={"fields": {"path": "/x/", "status": 200}})
try:
    raise ValueError("boom")
except ValueError:
    logging.getLogger("django.request").error("Internal Server Error: %s", "/x/", exc_info=True,
                                              extra={"request": request, "status_code": 500})
print("MAIL", [(m.to, "Zoë" in m.body, "boom" in m.body) for m in getattr(mail, "outbox", [])], file=sys.stderr)
"""


def test_production_logs_json_to_stdout_and_emails_admins():
    result = settings_in_subprocess(
        ERROR_WITH_REQUEST,
        **PRODUCTION,
        DJANGO_ADMINS="Support <support@example.org>",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["logger"] for line in lines] == ["pastoral.request", "django.request"]
    assert lines[0]["path"] == "/x/" and lines[0]["status"] == 200
    assert lines[1]["level"] == "ERROR" and "ValueError: boom" in lines[1]["exception"]
    assert "MAIL [(['support@example.org'], False, True)]" in result.stderr


def test_text_format_and_level_come_from_the_environment():
    result = settings_in_subprocess(
        ERROR_WITH_REQUEST,
        **PRODUCTION,
        DJANGO_LOG_FORMAT="text",
        DJANGO_LOG_LEVEL="warning",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    [line] = result.stdout.splitlines()[:1]
    assert " ERROR django.request [-] Internal Server Error: /x/" in line
    assert "pastoral.request" not in result.stdout  # INFO is below WARNING
    assert "MAIL []" in result.stderr  # no ADMINS, no email


def test_debug_mode_sends_no_error_email():
    result = settings_in_subprocess(
        ERROR_WITH_REQUEST,
        DJANGO_DEBUG="true",
        DJANGO_ADMINS="Support <support@example.org>",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert "MAIL []" in result.stderr
    assert "Internal Server Error" in result.stdout  # text format by default with debug on


@pytest.mark.parametrize(("name", "value"), [("DJANGO_LOG_FORMAT", "xml"), ("DJANGO_LOG_LEVEL", "loud")])
def test_a_bad_logging_value_stops_start_up(name, value):
    environment = {key: val for key, val in os.environ.items() if not key.startswith("DJANGO_")}
    environment[name] = value
    result = subprocess.run(
        [sys.executable, "-c", "import pastoral.settings"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0 and name in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"DJANGO_DEBUG": "true"}, 0), (PRODUCTION, 60), ({**PRODUCTION, "DATABASE_CONN_MAX_AGE": "5"}, 5)],
)
def test_connections_are_kept_only_outside_debug(env, expected):
    result = settings_in_subprocess(
        "import pastoral.settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        **env,
    )
    assert result.stdout.split() == [str(expected), "True"]
