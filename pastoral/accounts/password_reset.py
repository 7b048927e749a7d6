"""Password reset requests: limited per address and per client IP, and mailed by a task through the outbox.

The page answers the same whether or not the address has an account, and whether or not a limit was reached:
the request itself never looks the address up, and the task that does sends nothing for an unknown one.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from .. import audit, outbox
from . import ratelimit


def normalise(email):
    # What the task looks up: not casefolded, since casefold turns ß into ss, which the lookup would not find.
    return (email or "").strip().lower()


def limit_key(email):
    """One key for every spelling that finds the same account.

    The lookup is case-insensitive in PostgreSQL and compares NFKC-casefolded
    strings in Django, so a long s (jeſs@) or another compatibility form
    reaches jess@; lower() alone would give each spelling its own allowance.
    """
    return unicodedata.normalize("NFKC", (email or "").strip()).casefold()


def request_reset(*, email, ip):
    """Queue the reset email unless a limit is reached. Returns whether it was queued (never shown to the user)."""
    from ..tasks import send_password_reset_task

    address = normalise(email)
    limits = [
        ("password_reset.address", limit_key(email), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        ("password_reset.ip", ip or "unknown", settings.PASSWORD_RESET_LIMIT_PER_IP),
    ]
    with transaction.atomic():
        allowed = ratelimit.allow(limits, timedelta(minutes=settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES))
        if allowed:
            audit.record("auth.password_reset.requested", actor_label=address[:200])
            outbox.enqueue(send_password_reset_task, address)
        else:
            audit.record("auth.password_reset.limited", actor_label=address[:200])
    return allowed
