"""One structured log line per request, a request id that follows it, and error reports without pupil data.

The line (logger ``pastoral.request``) carries the request id, the user's and the current school's ids, the
method, the path without its query string, the status and the duration. Nothing a person typed goes in it:
no query string (searches hold pupil names), no form fields, no page content. With DJANGO_LOG_FORMAT=json
every log line, not only these, is one JSON object; every line logged while a request is handled carries
its request id, so an error can be matched to the request that caused it.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import empty
from django.views.debug import ExceptionReporter

from . import health

log = logging.getLogger("pastoral.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or load balancer sends (nginx's $request_id is 32 hex digits, others send UUIDs); anything
# else is replaced, so a client cannot put text of its choosing, or a line break, into the logs.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_request_id = ContextVar("pastoral_request_id", default=None)


def current_request_id():
    return _request_id.get()


def request_id_for(request):
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _already_loaded_user(request):
    # Never load the user just to log it: a request that did not need the session (static files,
    # /healthz) must not read one here.
    user = request.__dict__.get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:
        return None
    return user


def _school_id(request):
    # Only when the request already worked out its school (every rendered page does, for the switcher):
    # finding it here would cost a query.
    if not hasattr(request, "_pastoral_schools"):
        return None
    from .accounts.schools import current_school

    school = current_school(request)
    return school.id if school else None


def logged_path(request):
    """The path without its query string, with any plain-text URL argument (a password reset token) masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return path
    secret = {str(value) for value in match.kwargs.values() if isinstance(value, str)}
    if not secret:
        return path
    return "/".join(f"<{_name(match, part)}>" if part in secret else part for part in path.split("/"))


def _name(match, value):
    return next(key for key, kwarg in match.kwargs.items() if kwarg == value)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            self.log(request, status, (time.perf_counter() - started) * 1000)
            _request_id.reset(token)

    def log(self, request, status, duration_ms):
        user = _already_loaded_user(request)
        fields = {
            "request_id": request.request_id,
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "school_id": _school_id(request) if user is not None and user.is_authenticated else None,
            "method": request.method,
            "path": logged_path(request),
            "status": status,
            "duration_ms": round(duration_ms, 1),
        }
        # A load balancer asks every few seconds; a passing probe is only worth a line at DEBUG.
        level = logging.DEBUG if request.path_info == health.PATH and status == 200 else logging.INFO
        log.log(
            level,
            "%s %s %s %.1fms",
            fields["method"],
            fields["path"],
            status,
            fields["duration_ms"],
            extra={"fields": fields},
        )


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being handled (``-`` outside one), for both formats."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            # Django logs a 4xx or 5xx response (django.request) after the middleware has returned, but
            # hands the record the request.
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", None) or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and a record's ``fields`` extra."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id and request_id != "-":
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ErrorReport(ExceptionReporter):
    """The report AdminEmailHandler emails: the traceback, without what the request carried.

    Django's report lists every GET and POST value, the uploaded files' names, the cookies and the full URL:
    here that is pupil names typed into a search, free-text notes about a child and session cookies, which
    must not sit in a mailbox. They are replaced by the field names alone. Settings are left out too: Django
    masks those whose names look secret, but not a password inside a URL (DATABASE_URL, CELERY_BROKER_URL).
    The exception's own message is kept (it is needed to fix the bug); a database error's can quote a value.
    """

    HIDDEN = "(not included)"

    def get_traceback_data(self):
        data = super().get_traceback_data()
        data["settings"] = {}
        request = self.request
        if request is None:
            return data
        data["request_GET_items"] = [(key, self.HIDDEN) for key in request.GET]
        data["filtered_POST_items"] = [(key, self.HIDDEN) for key in self._post_keys()]
        data["request_FILES_items"] = [(key, self.HIDDEN) for key in request.FILES]
        data["request_COOKIES_items"] = [(key, self.HIDDEN) for key in request.COOKIES]
        data["request_insecure_uri"] = request.path
        data["request_meta"] = {
            key: value
            for key, value in data["request_meta"].items()
            if key in ("REQUEST_METHOD", "SERVER_PROTOCOL", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_USER_AGENT")
        }
        data["request_meta"]["REQUEST_ID"] = getattr(request, "request_id", "-")
        return data

    def _post_keys(self):
        # An error raised while the body was parsed leaves request.POST unreadable.
        try:
            return list(self.request.POST)
        except Exception:
            return []
