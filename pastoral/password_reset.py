"""Password reset requests: limited per address and per client IP, and mailed by a task through the outbox.

The page answers the same whether or not the address has an account, and whether or not a limit was reached:
the request itself never looks the address up, and the task that does sends nothing for an unknown one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from . import audit, outbox, ratelimit


def normalise(email):
    return (email or "").strip().lower()


def request_reset(*, email, ip):
    """Queue the reset email unless a limit is reached. Returns whether it was queued (never shown to the user)."""
    from .tasks import send_password_reset_task

    address = normalise(email)
    limits = [
        ("password_reset.address", address, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
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
