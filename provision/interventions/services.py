"""Writes for interventions: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.selectors import staff_holding

from . import selectors
from .models import (
    DEFAULT_PROGRAMMES,
    GroupMember,
    GroupSession,
    InterventionGroup,
    Programme,
    SessionAttendance,
)


def _require(actor, school, perm=selectors.RUN):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def programmes_ensure(school):
    """The default catalogue for a school: the programmes it does not have yet, by name."""
    have = set(Programme.objects.filter(school=school).values_list("name", flat=True))
    Programme.objects.bulk_create(
        [
            Programme(school=school, name=name, default_weeks=weeks, session_count=sessions, description=description)
            for name, weeks, sessions, description in DEFAULT_PROGRAMMES
            if name not in have
        ]
    )


def programmes_for_new_school(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        programmes_ensure(instance)


@transaction.atomic
def programme_save(*, actor, programme, changed=None):
    _require(actor, programme.school, selectors.MANAGE)
    programme.full_clean()
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError as exc:
        raise PastoralError("The school already has a programme of that name.") from exc
    audit.record("provision.programme.saved", actor=actor, obj=programme, data={"changed": changed or []})
    return programme


def _check_staff(school, users):
    from pastoral.accounts.roles import PUPIL_READING_ROLES

    staff = set(staff_holding(school, list(PUPIL_READING_ROLES)).values_list("pk", flat=True))
    for user in users:
        if user.pk not in staff:
            raise PastoralError(f"{user.get_full_name()} does not work at this school.")


@transaction.atomic
def group_start(*, actor, programme, name, facilitators, schedule, starts_on, ends_on, pupils=(), target=""):
    school = programme.school
    _require(actor, school)
    if ends_on < starts_on:
        raise PastoralError("The planned end cannot be before the start.")
    if not facilitators:
        raise PastoralError("Name at least one facilitator.")
    _check_staff(school, facilitators)
    status = InterventionGroup.Status.PLANNED if starts_on > timezone.localdate() else InterventionGroup.Status.RUNNING
    group = InterventionGroup(
        school=school,
        programme=programme,
        name=name,
        schedule=schedule,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        created_by=actor,
    )
    group.full_clean()
    group.save()
    group.facilitators.set(facilitators)
    for pupil in pupils:
        if pupil.school_id != school.pk:
            raise PastoralError("Every pupil must be on this school's roll.")
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, pupil=pupil, target=target, joined_on=starts_on) for pupil in pupils]
    )
    audit.record(
        "provision.group.started",
        actor=actor,
        obj=group,
        data={"programme": programme.name, "pupils": len(pupils)},
    )
    return group


@transaction.atomic
def member_add(*, actor, group, pupil, target=""):
    _require(actor, group.school)
    if group.status == InterventionGroup.Status.FINISHED:
        raise PastoralError("The group has finished.")
    if pupil.school_id != group.school_id:
        raise PastoralError("The pupil must be on this school's roll.")
    member = GroupMember(group=group, pupil=pupil, target=target, joined_on=max(timezone.localdate(), group.starts_on))
    member.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise PastoralError(f"{pupil.display_name} is already in this group.") from exc
    audit.record("provision.group.member_added", actor=actor, obj=group, pupil=pupil)
    return member


@transaction.atomic
def member_rate(*, actor, member, target, rating, rating_note=""):
    _require(actor, member.group.school)
    if rating is not None and not -2 <= rating <= 2:
        raise PastoralError("A rating is from −2 to +2.")
    member.target, member.rating, member.rating_note = target, rating, rating_note
    member.full_clean(validate_constraints=False)
    member.save(update_fields=["target", "rating", "rating_note"])
    audit.record(
        "provision.group.member_rated",
        actor=actor,
        obj=member.group,
        pupil=member.pupil,
        school=member.group.school,
        data={"rating": rating},
    )
    return member


@transaction.atomic
def session_record(*, actor, group, held_on, note, statuses):
    """A session of the group with each member's attendance ({pupil id: status})."""
    _require(actor, group.school)
    if held_on > timezone.localdate():
        raise PastoralError("A session cannot be recorded for a future date.")
    members = set(group.members.values_list("pupil_id", flat=True))
    if set(statuses) - members:
        raise PastoralError("Attendance can only be taken for the group's pupils.")
    valid = set(SessionAttendance.Status.values)
    if any(status not in valid for status in statuses.values()):
        raise PastoralError("Choose attended, absent, refused or not in school for each pupil.")
    session = GroupSession(group=group, held_on=held_on, note=note, recorded_by=actor)
    session.full_clean()
    session.save()
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session=session, pupil_id=pupil_id, status=status) for pupil_id, status in statuses.items()]
    )
    if group.status == InterventionGroup.Status.PLANNED:
        InterventionGroup.objects.filter(pk=group.pk).update(status=InterventionGroup.Status.RUNNING)
    audit.record(
        "provision.group_session.recorded",
        actor=actor,
        obj=group,
        data={"held_on": held_on.isoformat(), "attended": sum(1 for s in statuses.values() if s == "attended")},
    )
    return session


@transaction.atomic
def group_finish(*, actor, group, finished_on=None):
    _require(actor, group.school)
    group = InterventionGroup.objects.select_for_update().get(pk=group.pk)
    if group.status == InterventionGroup.Status.FINISHED:
        raise PastoralError("The group has already finished.")
    finished_on = finished_on or timezone.localdate()
    if finished_on < group.starts_on:
        raise PastoralError("A group cannot finish before it started.")
    group.status, group.finished_on = InterventionGroup.Status.FINISHED, finished_on
    group.save(update_fields=["status", "finished_on"])
    audit.record("provision.group.finished", actor=actor, obj=group, data={"finished_on": finished_on.isoformat()})
    return group


def impact_viewed(*, actor, obj):
    audit.record("provision.impact.viewed", actor=actor, obj=obj)
