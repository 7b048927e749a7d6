"""Leavers: once a pupil's leaving date has passed, their records are read-only.

Only the DSL team (DSL, deputy DSL, trust DSL) and the data-protection lead (the headteacher, until the trust names
one) may still change them (permission `pastoral.write_leaver_records`), for example to add what arrives after the
pupil has gone or to correct a record before it is sent on. Every write service for a pupil record calls
`require_writable(actor, pupil)` first; the pages hide their edit buttons with `may_write(user, pupil)`.

What was sent to the new school is logged on the pupil (`RecordsSent`); the child-protection file has its own
transfer in the safeguarding app.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ..accounts import access
from ..exceptions import PastoralError

WRITE_LEAVER = "pastoral.write_leaver_records"


class LeaverReadOnly(PastoralError, PermissionDenied):
    """A write refused because the pupil has left: a message where the view shows service errors, a 403 elsewhere."""


def has_left(pupil, today=None):
    today = today or timezone.localdate()
    return pupil.leaving_date is not None and pupil.leaving_date < today


def may_write(user, pupil, today=None):
    """False when the pupil has left and the user is neither in the DSL team nor the data-protection lead."""
    return not has_left(pupil, today) or access.has_school_perm(user, pupil.school_id, WRITE_LEAVER)


def require_writable(actor, pupil, today=None):
    if not may_write(actor, pupil, today):
        raise LeaverReadOnly(
            f"This pupil left on {pupil.leaving_date:%-d %b %Y}: their records are read-only. Only the DSL team and "
            "the headteacher may change them."
        )


def require_all_writable(actor, pupils, school_id):
    """`require_writable` for every pupil of a queryset (one query, and none for the DSL team and the head)."""
    if access.has_school_perm(actor, school_id, WRITE_LEAVER):
        return
    left = pupils.filter(leaving_date__lt=timezone.localdate()).only("school_id", "leaving_date").first()
    if left is not None:
        require_writable(actor, left)
