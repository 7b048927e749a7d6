"""Writes for keywork: keyword-only `<entity>_<action>` functions, one transaction each, audited.

The pupil record's `keyworker` field is kept in step with the assignments: it names the longest-standing current
keyworker, so the pupil list, filters and profile badge read the same answer as the caseloads.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.accounts.roles import PUPIL_READING_ROLES
from pastoral.exceptions import PastoralError
from pastoral.models import Pupil
from pastoral.pupils.leavers import require_writable
from pastoral.selectors import staff_holding

from . import selectors
from .models import KeyworkAction, KeyworkAssignment, KeyworkSession
from .roles import KEYWORKER_ROLES


def _require(actor, school, perm):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _sync_pupil_keyworker(pupil):
    Pupil.objects.filter(pk=pupil.pk).update(keyworker_id=selectors.lead_keyworker_id(pupil.pk))


@transaction.atomic
def assignment_create(*, actor, pupil, keyworker, starts_on=None, frequency_days=KeyworkAssignment.Frequency.WEEKLY):
    school = pupil.school
    _require(actor, school, selectors.MANAGE)
    if not staff_holding(school, KEYWORKER_ROLES).filter(pk=keyworker.pk).exists():
        raise PastoralError("A keyworker must be on the school's pastoral team, SENCo or safeguarding team.")
    if starts_on is not None and starts_on > timezone.localdate():
        # The pupil record names the current keyworker, so keywork starts today or earlier.
        raise PastoralError("Keywork starts today or on an earlier day.")
    assignment = KeyworkAssignment(
        school=school,
        pupil=pupil,
        keyworker=keyworker,
        starts_on=starts_on or timezone.localdate(),
        frequency_days=frequency_days,
        created_by=actor,
    )
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise PastoralError(f"{keyworker.get_full_name()} already keyworks {pupil.display_name}.") from exc
    _sync_pupil_keyworker(pupil)
    audit.record(
        "provision.keywork.assigned",
        actor=actor,
        obj=assignment,
        pupil=pupil,
        data={"keyworker": keyworker.get_username(), "frequency_days": int(frequency_days)},
    )
    return assignment


@transaction.atomic
def assignment_change(*, actor, assignment, frequency_days):
    _require(actor, assignment.school, selectors.MANAGE)
    assignment = KeyworkAssignment.objects.select_for_update().get(pk=assignment.pk)
    before = assignment.frequency_days
    assignment.frequency_days = frequency_days
    assignment.full_clean(validate_constraints=False)
    assignment.save(update_fields=["frequency_days"])
    audit.record(
        "provision.keywork.frequency_changed",
        actor=actor,
        obj=assignment,
        pupil=assignment.pupil,
        data={"from": before, "to": int(frequency_days)},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment, ends_on=None):
    _require(actor, assignment.school, selectors.MANAGE)
    assignment = KeyworkAssignment.objects.select_for_update().select_related("pupil").get(pk=assignment.pk)
    if assignment.ends_on is not None:
        raise PastoralError("This keywork has already ended.")
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise PastoralError("Keywork cannot end before it started.")
    assignment.ends_on, assignment.ended_by = ends_on, actor
    assignment.save(update_fields=["ends_on", "ended_by"])
    _sync_pupil_keyworker(assignment.pupil)
    audit.record(
        "provision.keywork.ended",
        actor=actor,
        obj=assignment,
        pupil=assignment.pupil,
        data={"keyworker": assignment.keyworker.get_username(), "ends_on": ends_on.isoformat()},
    )
    return assignment


@transaction.atomic
def session_log(*, actor, pupil, held_on, minutes, kind, mood=None, zone="", discussion="", next_on=None, actions=()):
    """A session or check-in with its agreed actions ({text, owner, due_on}). Only the pupil's keyworkers and the
    leads who read every note log one."""
    if not selectors.may_read_notes(actor, pupil):
        raise PastoralError("Only the pupil's keyworkers and the pastoral and safeguarding leads log keywork.")
    require_writable(actor, pupil)
    if held_on > timezone.localdate():
        raise PastoralError("A session cannot be logged for a future date.")
    if next_on is not None and next_on < held_on:
        raise PastoralError("The next session cannot be before this one.")
    session = KeyworkSession(
        school=pupil.school,
        pupil=pupil,
        held_on=held_on,
        minutes=minutes,
        kind=kind,
        mood=mood,
        zone=zone or "",
        discussion=discussion,
        next_on=next_on,
        author=actor,
    )
    session.full_clean()
    session.save()
    staff = set(staff_holding(pupil.school, list(PUPIL_READING_ROLES)).values_list("pk", flat=True))
    made = []
    for item in actions:
        if item["owner"].pk not in staff:
            raise PastoralError(f"{item['owner']} does not work at this school.")
        action = KeyworkAction(
            session=session, pupil=pupil, text=item["text"], owner=item["owner"], due_on=item["due_on"]
        )
        action.full_clean()
        made.append(action)
    KeyworkAction.objects.bulk_create(made)
    audit.record(
        "provision.keywork_session.logged",
        actor=actor,
        obj=session,
        pupil=pupil,
        data={"kind": kind, "minutes": minutes, "actions": len(made)},
    )
    return session


@transaction.atomic
def action_done(*, actor, action):
    action = KeyworkAction.objects.select_for_update().select_related("pupil").get(pk=action.pk)
    if not selectors.may_read_notes(actor, action.pupil) and action.owner_id != actor.pk:
        raise PastoralError("You cannot close this action.")
    if action.done_at is not None:
        return action
    action.done_at, action.done_by = timezone.now(), actor
    action.save(update_fields=["done_at", "done_by"])
    audit.record(
        "provision.keywork_action.done", actor=actor, obj=action, pupil=action.pupil, school=action.pupil.school
    )
    return action


def session_viewed(*, actor, session):
    audit.record("provision.keywork_session.viewed", actor=actor, obj=session, pupil=session.pupil)


def notes_viewed(*, actor, pupil):
    audit.record("provision.keywork.viewed", actor=actor, obj=pupil, pupil=pupil)
