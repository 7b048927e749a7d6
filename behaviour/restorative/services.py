"""Writes for restorative meetings: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.voiding import void_record

from ..events.selectors import events_visible_to
from ..services import _once, _require, _require_pupils
from .models import RestorativeMeeting


def restorative_meeting_record(*, actor, submission_key=None, **fields):
    """A meeting; sending the same form twice (same submission_key) returns the first meeting."""
    return _once(
        RestorativeMeeting,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _restorative_meeting_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _restorative_meeting_create(
    *,
    actor,
    submission_key,
    school,
    incidents,
    agreed,
    repair_happened,
    held_on=None,
    other_pupils=(),
    people_present="",
    follow_up_on=None,
):
    """The meeting covers every pupil in its incidents, plus anyone else named as taking part."""
    _require(actor, school, "behaviour.record_event")
    incident_ids = {event.pk for event in incidents}
    if not incident_ids:
        raise PastoralError("Choose at least one incident.")
    usable = events_visible_to(actor).filter(pk__in=incident_ids, school=school, voided_at__isnull=True)
    if usable.count() != len(incident_ids):
        raise PastoralError("Every incident must be a current event at this school.")
    others = {pupil.pk for pupil in other_pupils}
    _require_pupils(actor, school, other_pupils)
    meeting = RestorativeMeeting(
        school=school,
        held_on=held_on or timezone.localdate(),
        people_present=people_present,
        agreed=agreed,
        repair_happened=repair_happened,
        follow_up_on=follow_up_on,
        recorded_by=actor,
        submission_key=submission_key,
    )
    meeting.full_clean()
    meeting.save()
    meeting.incidents.set(incident_ids)
    pupil_ids = set(usable.values_list("pupil_id", flat=True)) | others
    meeting.pupils.set(pupil_ids)
    audit.record(
        "behaviour.restorative.recorded",
        actor=actor,
        obj=meeting,
        school=school,
        data={
            "incidents": sorted(str(code) for code in usable.values_list("code", flat=True)),
            "pupils": len(pupil_ids),
            "repair": repair_happened,
        },
    )
    return meeting


@transaction.atomic
def restorative_meeting_void(*, actor, meeting, reason):
    _require(actor, meeting.school, "behaviour.void_event")
    return void_record(
        actor=actor, record=meeting, reason=reason, action="behaviour.restorative.voided", noun="meeting"
    )
