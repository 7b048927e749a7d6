"""The medical lead's dashboard panel and digest lines: counts and links, never a child's details in the digest."""

from django.urls import reverse
from django.utils import timezone

from pastoral import dashboard
from pastoral.accounts import access
from pastoral.files.digest import DigestLine

from .selectors import RECORD, VIEW

# Each sub-area adds rows: fn(user, school, today) -> [(label, count, url)]
ROWS = []


def add_rows(fn):
    ROWS.append(fn)
    return fn


def rows_for(user, school, today=None):
    today = today or timezone.localdate()
    rows = []
    for fn in ROWS:
        rows.extend(fn(user, school, today))
    return rows


def medical_panel(request, school):
    if school is None or not access.has_school_perm(request.user, school, RECORD):
        return None
    return dashboard.Panel(
        "Medical care",
        "medical/_panel.html",
        {"rows": rows_for(request.user, school), "overview": reverse("medical:overview")},
    )


def medical_digest_lines(school, recipient, today):
    if not access.has_school_perm(recipient, school, VIEW) or not access.has_school_perm(recipient, school, RECORD):
        return []
    return [DigestLine(label, count, path) for label, count, path in rows_for(recipient, school, today)]
