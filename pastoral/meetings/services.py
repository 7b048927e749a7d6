"""Writes for meetings: record one (with attendees, report and actions), complete an action, audited reads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import audit
from ..accounts import access
from ..files.uploads import checked_content_type, display_name
from .models import CP_KINDS, Meeting, MeetingAction
from .permissions import RECORD, VIEW_CP

REPORT_MAX_BYTES = 10 * 1024 * 1024


def meeting_record(*, actor, pupil, staff=(), professionals=(), report=None, actions=(), **fields):
    """`actions`: (text, owner user or None, owner name, due date) tuples."""
    if not access.has_school_perm(actor, pupil.school_id, RECORD):
        raise PermissionDenied
    if fields.get("kind") in CP_KINDS and not access.has_school_perm(actor, pupil.school_id, VIEW_CP):
        raise PermissionDenied
    meeting = Meeting(school_id=pupil.school_id, pupil=pupil, recorded_by=actor, **fields)
    if report is not None:
        # The type is decided by the file's content, whatever its name says.
        try:
            meeting.report_type = checked_content_type(report, limit=REPORT_MAX_BYTES)
        except ValidationError as exc:
            raise ValidationError({"report": exc.messages}) from None
        meeting.report_name = display_name(report.name)
    written = []
    try:
        with transaction.atomic():
            meeting.full_clean(exclude=["report"])
            if report is not None:
                meeting.report.save("upload", report, save=False)
                written.append(meeting.report)
            meeting.save()
            meeting.staff.set(staff)
            meeting.professionals.set([p for p in professionals if p.pupil_id == pupil.pk])
            rows = []
            for text, owner, owner_name, due_on in actions:
                row = MeetingAction(meeting=meeting, action=text, owner=owner, owner_name=owner_name, due_on=due_on)
                row.full_clean(exclude=["meeting"])
                rows.append(row)
            MeetingAction.objects.bulk_create(rows)
            audit.record(
                "pastoral.meeting.recorded", actor=actor, obj=meeting, pupil=pupil, data={"kind": meeting.kind}
            )
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return meeting


def meeting_viewed(*, actor, meeting):
    """Reads of child protection meetings are audited, as safeguarding records are."""
    if meeting.is_cp:
        audit.record("pastoral.meeting.viewed", actor=actor, obj=meeting, pupil=meeting.pupil)


def report_downloaded(*, actor, meeting):
    audit.record("pastoral.meeting.report_downloaded", actor=actor, obj=meeting, pupil=meeting.pupil)


def action_done(*, actor, action):
    if not access.has_school_perm(actor, action.meeting.school_id, RECORD):
        raise PermissionDenied
    if action.done_at:
        raise ValidationError("This action is already done.")
    with transaction.atomic():
        action.done_at = timezone.now()
        action.done_by = actor
        action.save(update_fields=["done_at", "done_by"])
        audit.record("pastoral.meeting.action_done", actor=actor, obj=action.meeting, pupil=action.meeting.pupil)
    return action
