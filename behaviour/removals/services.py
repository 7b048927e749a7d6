"""Writes for removals from class: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.voiding import void_record

from ..services import _once, _require, _require_pupils
from .models import Removal


def removal_record(*, actor, submission_key=None, **fields):
    """A removal; sending the same form twice (same submission_key) returns the first removal."""
    return _once(
        Removal,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _removal_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _removal_create(
    *,
    actor,
    submission_key,
    school,
    pupil,
    reason,
    removed_to,
    duration_minutes,
    removed_at=None,
    event=None,
    lesson="",
    parents_told=False,
    parents_told_at=None,
    parents_told_how="",
    parents_told_by=None,
    supervised_by=None,
):
    _require(actor, school, "behaviour.record_event")
    _require_pupils(actor, school, [pupil])
    if supervised_by is not None and not supervised_by.memberships.filter(school=school).exists():
        raise PastoralError("The member of staff supervising must work at this school.")
    if event is not None and event.voided_at:
        raise PastoralError("A voided event cannot have a removal linked to it.")
    if event is not None and (event.pupil_id != pupil.pk or event.school_id != school.pk):
        raise PastoralError("The linked event must be this pupil's, at this school.")
    removal = Removal(
        school=school,
        pupil=pupil,
        event=event,
        removed_at=removed_at or timezone.now(),
        lesson=lesson,
        reason=reason,
        removed_to=removed_to,
        duration_minutes=duration_minutes,
        parents_told=parents_told,
        # Details of telling home are kept only when home was told, so an unticked box leaves nothing stale.
        parents_told_at=parents_told_at if parents_told else None,
        parents_told_how=parents_told_how if parents_told else "",
        parents_told_by=parents_told_by if parents_told else None,
        supervised_by=supervised_by,
        recorded_by=actor,
        submission_key=submission_key,
    )
    removal.full_clean()
    removal.save()
    audit.record(
        "behaviour.removal.recorded",
        actor=actor,
        obj=removal,
        pupil=pupil,
        data={"removed_to": removed_to, "minutes": duration_minutes, "event": str(event.code) if event else ""},
    )
    return removal


@transaction.atomic
def removal_parents_told(*, actor, removal, parents_told_at, parents_told_how):
    """Home told after the removal was recorded: when, how and by whom (the actor)."""
    _require(actor, removal.school, "behaviour.record_event")
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    if removal.voided_at:
        raise PastoralError("A voided removal cannot be changed.")
    if removal.parents_told:
        raise PastoralError("Parents or carers are already recorded as told.")
    if parents_told_at < removal.removed_at:
        raise PastoralError("Parents cannot have been told before the removal.")
    removal.parents_told = True
    removal.parents_told_at = parents_told_at
    removal.parents_told_how = parents_told_how
    removal.parents_told_by = actor
    removal.full_clean()
    removal.save(update_fields=["parents_told", "parents_told_at", "parents_told_how", "parents_told_by"])
    audit.record(
        "behaviour.removal.parents_told",
        actor=actor,
        obj=removal,
        pupil=removal.pupil,
        data={"how": parents_told_how, "at": parents_told_at.isoformat()},
    )
    return removal


@transaction.atomic
def removal_void(*, actor, removal, reason):
    """Like events, a wrong removal is voided with a reason and stays on the record."""
    _require(actor, removal.school, "behaviour.void_event")
    return void_record(actor=actor, record=removal, reason=reason, action="behaviour.removal.voided", noun="removal")
