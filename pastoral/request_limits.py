"""Limits on what a request may carry, applied before any view or form reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE only counts non-file fields, so without a
cap of our own a multipart POST of any size would be streamed to a temporary
file before a form ever got to say "too large". The reverse proxy should refuse
the same size first (see README, "Behind a reverse proxy"); this is the backstop.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string


def _refusal(status, title, message):
    # Rendered without the request: this runs before sessions and authentication exist.
    body = render_to_string("request_refused.html", {"title": title, "message": message})
    return HttpResponse(body, status=status)


class RequestLimitsMiddleware:
    """Refuse an oversized or unmeasurable body (413/411) and NUL bytes in the query string (400).

    It sits before anything in MIDDLEWARE that touches request.POST or the body; only the
    middleware that adds security headers to every response comes earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refuse_body(request) or self.refuse_query(request)
        return refusal or self.get_response(request)

    def refuse_body(self, request):
        limit = settings.REQUEST_MAX_BYTES
        length = request.META.get("CONTENT_LENGTH") or ""
        if not length and request.META.get("HTTP_TRANSFER_ENCODING"):
            # Django reads a body without Content-Length as empty, so a chunked upload would silently
            # arrive as nothing; its size cannot be checked up front either. Browsers never send one.
            return _refusal(
                411,
                "The request could not be read",
                "The upload did not say how large it is. Try again from the page in your browser.",
            )
        try:
            declared = int(length) if length else 0
        except ValueError:
            return _refusal(400, "The request could not be read", "The upload's size is not a number.")
        if declared > limit:
            return _refusal(
                413,
                "The upload is too large",
                f"The most this site accepts in one go is {filesizeformat(limit)}. Go back and choose a smaller file.",
            )
        return None

    def refuse_query(self, request):
        # PostgreSQL cannot store or compare NUL, so a filter value holding one would reach the
        # database driver and fail there; no real link or form ever produces one.
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return _refusal(
                400,
                "The address is not valid",
                "The web address contains a character that cannot be used (a null byte). "
                "Check the link, or clear the filters and try again.",
            )
        return None


# Per-view upload limits ----------------------------------------------------------------------


def upload_limit(get_limit):
    """Declare the largest file a view accepts, so the upload handler stops keeping it past that size.

    ``get_limit`` is called per request so tests and settings overrides see the current value.
    """

    def decorate(view):
        view.upload_max_bytes = get_limit
        return view

    return decorate


class UploadLimitHandler(FileUploadHandler):
    """Drops a file as soon as it passes the limit its view declared, and notes which field it was.

    The view then tells the person beside the field, instead of a bare error page. The rest of
    that file is skipped by the parser, and the body as a whole is bounded by REQUEST_MAX_BYTES.
    """

    def __init__(self, request=None):
        super().__init__(request)
        match = getattr(request, "resolver_match", None)
        get_limit = getattr(getattr(match, "func", None), "upload_max_bytes", None)
        self.limit = get_limit() if get_limit else None

    def receive_data_chunk(self, raw_data, start):
        if self.limit is not None and start + len(raw_data) > self.limit:
            oversized = getattr(self.request, "oversized_uploads", set())
            oversized.add(self.field_name)
            self.request.oversized_uploads = oversized
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def oversized(request, field_name):
    """Whether the upload handler dropped this field's file for being over its view's limit."""
    return field_name in getattr(request, "oversized_uploads", ())
