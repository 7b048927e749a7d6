"""Writes for behaviour points: events, categories and locations, reward milestones; keyword-only
`<entity>_<action>` functions, one transaction each, audited."""

import uuid

from django.db import IntegrityError, transaction

from pastoral import audit
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.pupils.leavers import require_writable
from pastoral.voiding import void_record

from ..rules.services import rules_after_events
from ..services import _display, _is_lead, _require, _require_pupils
from .models import (
    BehaviourCategory,
    BehaviourEvent,
    BehaviourEventRevision,
    BehaviourPhrase,
    Location,
    PupilRole,
    RewardMilestone,
)

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
EDITABLE_FIELDS += ["role"]


def can_change_event(user, event):
    """Whoever recorded the event, or a lead; a colleague who also logs behaviour may not rewrite it."""
    if not access.has_school_perm(user, event.school_id, "behaviour.record_event"):
        return False
    return event.recorded_by_id == user.pk or _is_lead(user, event.school_id)


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
    roles=None,
):
    """One linked event per pupil, all or none. A repeated submission_key returns the events it made before.

    `roles` maps a pupil's pk to their role (instigator, target, …); a pupil not in it is "involved"."""
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
            roles=roles or {},
        )
    except IntegrityError:
        # Two copies of the same form raced past the lookup; the first one won, so hand back its events.
        existing = list(BehaviourEvent.objects.filter(submission_key=submission_key, recorded_by=actor))
        if not existing:
            raise
        return existing


@transaction.atomic
def _create_events(*, actor, school, pupils, fields, staff_involved, submission_key, roles):
    _require(actor, school, "behaviour.record_event")
    existing = list(BehaviourEvent.objects.filter(submission_key=submission_key, recorded_by=actor))
    if existing:
        return existing
    if not pupils:
        raise PastoralError("Choose at least one pupil.")
    _require_pupils(actor, school, pupils)
    for pupil in pupils:
        require_writable(actor, pupil)
    if set(roles.values()) - set(PupilRole.values):
        raise PastoralError("Choose each pupil's role from the list.")
    category = fields["category"]
    group = uuid.uuid4()
    events = []
    for pupil in pupils:
        role = roles.get(pupil.pk) or PupilRole.INVOLVED
        event = BehaviourEvent(
            school=school,
            pupil=pupil,
            recorded_by=actor,
            submission_key=submission_key,
            group=group,
            role=role,
            **fields,
        )
        event.full_clean(exclude=["submission_key", "group"])
        event.save()
        event.staff_involved.set(staff_involved)
        audit.record(
            "behaviour.event.recorded",
            actor=actor,
            obj=event,
            pupil=pupil,
            data={"category": category.name, "group": str(group), "pupils": len(pupils), "role": role},
        )
        events.append(event)
    rules_after_events(school=school, events=events)
    return events


@transaction.atomic
def event_update(*, actor, event, changes, staff_involved=None, reason=""):
    """`changes` maps field name to new value; only real changes are saved, with a revision keeping old → new."""
    if not can_change_event(actor, event):
        raise PastoralError("Only whoever recorded this event, or a pastoral or safeguarding lead, can change it.")
    if event.voided_at:
        raise PastoralError("A voided event cannot be changed.")
    require_writable(actor, event.pupil)
    history = {}
    for name in EDITABLE_FIELDS:
        if name in changes and changes[name] != getattr(event, name):
            history[name] = [_shown(name, getattr(event, name)), _shown(name, changes[name])]
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
    BehaviourEventRevision.objects.create(event=event, changed_by=actor, changes=history, reason=reason)
    audit.record(
        "behaviour.event.changed", actor=actor, obj=event, pupil=event.pupil, data={**history, "reason": reason}
    )
    return event


def _shown(name, value):
    """A value as the history shows it: a choice by its label ("Target", not "target")."""
    choices = dict(BehaviourEvent._meta.get_field(name).choices or ())
    return str(choices.get(value, value)) if choices and value else _display(value)


@transaction.atomic
def event_void(*, actor, event, reason):
    """Wrong events are voided with a reason and stay visible to leads; nothing is deleted."""
    _require(actor, event.school, "behaviour.void_event")
    require_writable(actor, event.pupil)
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
def phrase_save(*, actor, phrase, changed):
    """Add or change a phrase of the school's phrase bank, audited like its categories."""
    _require(actor, phrase.school, "behaviour.manage_categories")
    created = phrase.pk is None
    phrase.full_clean()
    phrase.save()
    action = "behaviour.phrase.created" if created else "behaviour.phrase.changed"
    audit.record(action, actor=actor, obj=phrase, school=phrase.school, data=changed)
    return phrase


@transaction.atomic
def phrases_seed(*, school, phrases):
    """Give a school phrases as (category name or None, text); ones it already has are left alone."""
    categories = {category.name: category for category in BehaviourCategory.objects.filter(school=school)}
    have = set(BehaviourPhrase.objects.filter(school=school).values_list("category__name", "text"))
    BehaviourPhrase.objects.bulk_create(
        [
            BehaviourPhrase(school=school, category=categories.get(name) if name else None, text=text, order=i)
            for i, (name, text) in enumerate(phrases)
            if (name, text) not in have and (name is None or name in categories)
        ]
    )


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
