"""HTTP requests as a signed-in member of staff behind the TLS proxy: session cookie, CSRF pair, proxy headers."""

import datetime
import uuid

import requests
from django.utils import timezone
from django.utils.crypto import get_random_string

from .server import proxy_headers

CSRF_SECRET = get_random_string(32)


class Staff:
    def __init__(self, base, session_key=None, http=None):
        self.base = base
        self.http = http or requests.Session()
        self.session_key = session_key
        self.origin = "https://" + base.split("://", 1)[1]

    def headers(self, extra=None):
        cookies = [f"csrftoken={CSRF_SECRET}"]
        if self.session_key:
            cookies.append(f"sessionid={self.session_key}")
        return {**proxy_headers(), "Cookie": "; ".join(cookies), **(extra or {})}

    def get(self, path, params=None, timeout=120):
        return self.http.get(
            self.base + path, params=params, headers=self.headers(), allow_redirects=False, timeout=timeout
        )

    def post(self, path, data, timeout=120):
        headers = self.headers({"Origin": self.origin, "Referer": self.origin + path})
        return self.http.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": CSRF_SECRET},
            headers=headers,
            allow_redirects=False,
            timeout=timeout,
        )


def quick_log_form(pupil_code, category_code, marker):
    when = timezone.localtime() - datetime.timedelta(minutes=1)
    return {
        "pupils": str(pupil_code),
        "category": str(category_code),
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "location": "",
        "period": "P3",
        "description": marker,
        "action_taken": "",
        "witnesses": "",
        "submission_key": str(uuid.uuid4()),
    }


def quick_log_saved(response):
    """A quick log is acknowledged by the redirect to the new event's page."""
    return response.status_code == 302 and "/behaviour/events/" in response.headers.get("Location", "")
