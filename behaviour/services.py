"""Writes for behaviour: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import access, audit
from pastoral.exceptions import PastoralError
from pastoral.selectors import pupils_visible_to
from pastoral.voiding import void_record

from .models import (
    BehaviourCategory,
    BehaviourEvent,
    BehaviourEventRevision,
    Location,
    Removal,
    RestorativeMeeting,
    RewardMilestone,
)
from .selectors import events_visible_to

DEFAULT_CATEGORIES = [
    ("positive", "Excellent work", 2, 1),
    ("positive", "Helping others", 1, 1),
    ("positive", "Effort", 1, 1),
    ("positive", "Kindness", 1, 1),
    ("negative", "Disruption", 2, 2),
    ("negative", "Defiance", 3, 3),
    ("negative", "Lateness to lesson", 1, 1),
    ("negative", "Unkind words", 2, 2),
    ("negative", "Mobile phone", 1, 2),
    ("negative", "Fighting", 5, 5),
]
DEFAULT_MILESTONES = [
    ("Bronze certificate", 25),
    ("Silver certificate", 50),
    ("Gold certificate", 100),
    ("Platinum certificate", 200),
]
DEFAULT_LOCATIONS = ["Classroom", "Corridor", "Canteen", "Playground", "Field", "Toilets", "Bus"]

# Fields an edit may change, in the order the history shows them.
EDITABLE_FIELDS = ["category", "occurred_at", "location", "period", "description", "action_taken", "witnesses"]


def _require(actor, school, perm):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _require_pupils(actor, school, pupils):
    """Services re-check what the forms offered: every pupil must be one this actor sees, at this school."""
    ids = {pupil.pk for pupil in pupils}
    if pupils_visible_to(actor).filter(school=school, pk__in=ids).count() != len(ids):
        raise PastoralError("Every pupil must be one of this school's pupils that you can see.")


def _display(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def event_record_many(
    *,
    actor,
    school,
    pupils,
    category,
    occurred_at,
    location=None,
    period="",
    description,
    action_taken="",
    staff_involved=(),
    witnesses="",
    submission_key,
):
    """One linked event per pupil, all or none. A repeated submission_key returns the events it made before."""
    fields = {
        "category": category,
        "occurred_at": occurred_at,
        "location": location,
        "period": period,
        "description": description,
        "action_taken": action_taken,
        "witnesses": witnesses,
    }
    try:
        return _create_events(
            actor=actor,
            school=school,
            pupils=pupils,
            fields=fields,
            staff_involved=staff_involved,
            submission_key=submission_key,
        )
    except IntegrityError:
        # Two copies of the same form raced past the lookup; the first one won, so hand back its events.
        existing = list(BehaviourEvent.objects.filter(submission_key=submission_key, recorded_by=actor))
        if not existing:
            raise
        return existing


@transaction.atomic
def _create_events(*, actor, school, pupils, fields, staff_involved, submission_key):
    _require(actor, school, "behaviour.record_event")
    existing = list(BehaviourEvent.objects.filter(submission_key=submission_key, recorded_by=actor))
    if existing:
        return existing
    if not pupils:
        raise PastoralError("Choose at least one pupil.")
    _require_pupils(actor, school, pupils)
    category = fields["category"]
    group = uuid.uuid4()
    events = []
    for pupil in pupils:
        event = BehaviourEvent(
            school=school, pupil=pupil, recorded_by=actor, submission_key=submission_key, group=group, **fields
        )
        event.full_clean(exclude=["submission_key", "group"])
        event.save()
        event.staff_involved.set(staff_involved)
        audit.record(
            "behaviour.event.recorded",
            actor=actor,
            obj=event,
            pupil=pupil,
            data={"category": category.name, "group": str(group), "pupils": len(pupils)},
        )
        events.append(event)
    return events


@transaction.atomic
def event_update(*, actor, event, changes, staff_involved=None):
    """`changes` maps field name to new value; only real changes are saved, with a revision keeping old → new."""
    _require(actor, event.school, "behaviour.record_event")
    if event.voided_at:
        raise PastoralError("A voided event cannot be changed.")
    history = {}
    for name in EDITABLE_FIELDS:
        if name in changes and changes[name] != getattr(event, name):
            history[name] = [_display(getattr(event, name)), _display(changes[name])]
            setattr(event, name, changes[name])
    if staff_involved is not None:
        before = set(event.staff_involved.all())
        after = set(staff_involved)
        if before != after:
            history["staff_involved"] = [
                ", ".join(sorted(map(str, before))),
                ", ".join(sorted(map(str, after))),
            ]
            event.staff_involved.set(after)
    if not history:
        return event
    event.full_clean(exclude=["submission_key", "group"])
    event.save()
    BehaviourEventRevision.objects.create(event=event, changed_by=actor, changes=history)
    audit.record("behaviour.event.changed", actor=actor, obj=event, pupil=event.pupil, data=history)
    return event


@transaction.atomic
def event_void(*, actor, event, reason):
    """Wrong events are voided with a reason and stay visible to leads; nothing is deleted."""
    _require(actor, event.school, "behaviour.void_event")
    return void_record(actor=actor, record=event, reason=reason, action="behaviour.event.voided", noun="event")


@transaction.atomic
def category_save(*, actor, category, changed):
    _require(actor, category.school, "behaviour.manage_categories")
    created = category.pk is None
    category.full_clean()
    category.save()
    action = "behaviour.category.created" if created else "behaviour.category.changed"
    audit.record(action, actor=actor, obj=category, school=category.school, data=changed)
    return category


@transaction.atomic
def categories_seed_defaults(*, school, actor=None):
    """Give a new school the usual categories and locations; names it already has are left alone."""
    have = set(BehaviourCategory.objects.filter(school=school).values_list("name", flat=True))
    BehaviourCategory.objects.bulk_create(
        [
            BehaviourCategory(school=school, kind=kind, name=name, points=points, severity=severity, order=i)
            for i, (kind, name, points, severity) in enumerate(DEFAULT_CATEGORIES)
            if name not in have
        ]
    )
    have = set(Location.objects.filter(school=school).values_list("name", flat=True))
    Location.objects.bulk_create([Location(school=school, name=name) for name in DEFAULT_LOCATIONS if name not in have])
    if actor is not None:
        audit.record("behaviour.categories.seeded", actor=actor, school=school)


@transaction.atomic
def milestone_save(*, actor, milestone, changed):
    _require(actor, milestone.school, "behaviour.manage_categories")
    created = milestone.pk is None
    milestone.full_clean()
    milestone.save()
    action = "behaviour.milestone.created" if created else "behaviour.milestone.changed"
    audit.record(action, actor=actor, obj=milestone, school=milestone.school, data=changed)
    return milestone


@transaction.atomic
def milestones_seed(*, school, milestones=DEFAULT_MILESTONES):
    """Give a school its reward milestones as (name, points); thresholds it already has are left alone."""
    have = set(RewardMilestone.objects.filter(school=school).values_list("points", flat=True))
    RewardMilestone.objects.bulk_create(
        [RewardMilestone(school=school, name=name, points=points) for name, points in milestones if points not in have]
    )


@transaction.atomic
def rewards_export(*, actor, school, section, start, end, rows):
    """Downloads of pupils' points leave the system, so each one is on the audit log."""
    _require(actor, school, "behaviour.view_event")
    audit.record(
        "behaviour.rewards.exported",
        actor=actor,
        school=school,
        data={"section": section, "start": start.isoformat(), "end": end.isoformat(), "rows": rows},
    )


@transaction.atomic
def removal_record(
    *,
    actor,
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
):
    _require(actor, school, "behaviour.record_event")
    _require_pupils(actor, school, [pupil])
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
        recorded_by=actor,
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
def removal_void(*, actor, removal, reason):
    """Like events, a wrong removal is voided with a reason and stays on the record."""
    _require(actor, removal.school, "behaviour.void_event")
    return void_record(actor=actor, record=removal, reason=reason, action="behaviour.removal.voided", noun="removal")


@transaction.atomic
def restorative_meeting_record(
    *,
    actor,
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


@transaction.atomic
def analytics_export(*, actor, schools, filters, rows):
    """A download of analytics rows leaves the system, so it is on each covered school's audit log."""
    for school in schools:
        _require(actor, school, "behaviour.view_analytics")
    data = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "rows": rows,
        "schools": len(schools),
        "filters": {
            name: str(value)
            for name, value in (
                ("year_group", filters.year_group),
                ("form", filters.form),
                ("kind", filters.kind),
                ("category", filters.category),
                ("location", filters.location),
                ("staff", getattr(filters.staff, "code", None)),
                ("sen", filters.sen),
                ("pupil_premium", filters.pupil_premium),
                ("looked_after", filters.looked_after),
                ("gender", filters.gender),
            )
            if value not in (None, "")
        },
    }
    for school in schools:
        audit.record("behaviour.analytics.exported", actor=actor, school=school, data=data)
