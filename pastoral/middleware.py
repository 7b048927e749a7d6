import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from . import request_cache

_ip = ContextVar("pastoral_request_ip", default=None)


def current_ip():
    return _ip.get()


def client_ip(request):
    # Behind a trusted proxy the real client is the last hop it appended.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Make the client IP available to the audit writer without passing requests into services, and open the
    request's cache of answers that cannot change while it is served (pastoral.request_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _ip.set(client_ip(request))
        cache = request_cache.begin()
        try:
            return self.get_response(request)
        finally:
            request_cache.end(cache)
            _ip.reset(token)


# Paths a signed-in but not yet verified user may reach.
MFA_EXEMPT_URL_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
)


class MFARequiredMiddleware:
    """Every signed-in account must pass TOTP before it can reach anything else.

    The DfE cyber standard asks for MFA on every account that can reach
    personal data; admin accounts are included, so in practice that is all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self):
        if self._exempt is None:
            self._exempt = tuple(reverse(name) for name in MFA_EXEMPT_URL_NAMES)
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            path = request.path
            allowed = (
                path in self.exempt_paths()
                or path.startswith(settings.STATIC_URL)
                or path.startswith("/accounts/reset/")
            )
            if not allowed:
                return redirect(f"{reverse('accounts:mfa_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pupil data must not linger in shared-computer browser caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store, private")
        return response


class SecurityPolicyMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Scripts and styles come only from our static files (no inline code, no eval), so an injected
    `<script>` or `style=` in pupil data does nothing; and the pages never need the camera, microphone,
    location or payment APIs, so no script could ask for them. A view may set its own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.content_security_policy = "; ".join(
            f"{name} {' '.join(sources)}" for name, sources in settings.CONTENT_SECURITY_POLICY.items()
        )
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


def not_activity(view):
    """Mark a view whose requests a page makes by itself (status polls): they must not keep a session alive.

    With SESSION_SAVE_EVERY_REQUEST every request would push the idle expiry forward, so a page left open
    and polling would never time out. Requests to these views neither save the session nor renew its cookie.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.not_activity = True
        return view(request, *args, **kwargs)

    return wrapped


# The idle expiry is pushed forward at most once a minute: saving the session on every request would cost
# every page a write transaction. A session therefore ends between 29 and 30 minutes after the last request.
SESSION_RENEWED_KEY = "_renewed_at"
SESSION_RENEW_SECONDS = 60


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that requests marked `not_activity` leave the session's expiry alone,
    and an unchanged session is saved (its expiry renewed) only when the last renewal is a minute old."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return super().process_response(request, response)
        if not getattr(request, "not_activity", False):
            now = int(time.time())
            if now - session.get(SESSION_RENEWED_KEY, 0) >= SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now
                return super().process_response(request, response)
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        return response
