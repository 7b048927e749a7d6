"""Corrections that never delete: a wrong record is voided with a reason and stays on file.

Every `pastoral.models.Voidable` record uses these two helpers, so the rules
(a reason is required, a record is voided once, the audit entry is written in
the same transaction) live in one place.
"""

from django.utils import timezone

from . import audit
from .accounts import access
from .exceptions import PastoralError


def void_record(*, actor, record, reason, action, noun, pupil=None):
    """Call inside the caller's transaction, after it has checked the actor may void."""
    if record.voided_at:
        raise PastoralError(f"This {noun} has already been voided.")
    reason = (reason or "").strip()
    if not reason:
        raise PastoralError(f"Give a reason for voiding this {noun}.")
    record.voided_at = timezone.now()
    record.voided_by = actor
    record.void_reason = reason[:200]
    record.save(update_fields=["voided_at", "voided_by", "void_reason"])
    pupil = pupil if pupil is not None else getattr(record, "pupil", None)
    audit.record(action, actor=actor, obj=record, pupil=pupil, data={"reason": record.void_reason})
    return record


def hide_voided_unless(queryset, user, school_id, perm):
    """Voided records stay visible to those who may void them (leads), and drop out for everyone else."""
    if access.has_school_perm(user, school_id, perm):
        return queryset
    return queryset.filter(voided_at__isnull=True)
