"""Writes for behaviour: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import display_name
from pastoral.selectors import pupils_visible_to
from pastoral.voiding import void_record

from .models import (
    BehaviourCategory,
    BehaviourEvent,
    BehaviourEventRevision,
    BullyingIncident,
    BullyingInvolvement,
    BullyingRevision,
    BullyingType,
    FollowUpAction,
    Incident,
    IncidentAttachment,
    IncidentRevision,
    Location,
    Removal,
    RestorativeMeeting,
    RewardMilestone,
)
from .selectors import events_visible_to
from .uploads import attachment_kind

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


def _is_lead(user, school):
    # Leads (headteacher, pastoral lead, DSL and deputy) are the roles that may void behaviour records.
    return access.has_school_perm(user, school, "behaviour.void_event")


def can_change_event(user, event):
    """Whoever recorded the event, or a lead; a colleague who also logs behaviour may not rewrite it."""
    if not access.has_school_perm(user, event.school_id, "behaviour.record_event"):
        return False
    return event.recorded_by_id == user.pk or _is_lead(user, event.school_id)


def can_change_incident(user, incident):
    """Whoever recorded the incident detail, or a lead."""
    if not access.has_school_perm(user, incident.school_id, "behaviour.record_event"):
        return False
    return incident.recorded_by_id == user.pk or _is_lead(user, incident.school_id)


def can_complete_action(user, action, school_id):
    """The action's owner, or a lead: closing someone else's task would hide that it was never done."""
    if not access.has_school_perm(user, school_id, "behaviour.record_event"):
        return False
    return action.owner_id == user.pk or _is_lead(user, school_id)


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
    if not can_change_event(actor, event):
        raise PastoralError("Only whoever recorded this event, or a pastoral or safeguarding lead, can change it.")
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


def _once(model, *, actor, submission_key, create):
    """create() unless this form's submission key already made a record; a racing copy gets the first one's."""

    def earlier():
        if submission_key is None:
            return None
        return model.objects.filter(submission_key=submission_key, recorded_by=actor).first()

    existing = earlier()
    if existing is not None:
        return existing
    try:
        return create()
    except IntegrityError:
        existing = earlier()
        if existing is None:
            raise
        return existing


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
def removal_void(*, actor, removal, reason):
    """Like events, a wrong removal is voided with a reason and stays on the record."""
    _require(actor, removal.school, "behaviour.void_event")
    return void_record(actor=actor, record=removal, reason=reason, action="behaviour.removal.voided", noun="removal")


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


# Incidents with detail, follow-up actions, attachments and bullying records.

INCIDENT_FIELDS = [
    "antecedent",
    "behaviour",
    "consequence",
    "deescalation",
    "dysregulated",
    "injuries",
    "injury_details",
    "parents_informed",
    "parents_informed_at",
    "parents_informed_how",
    "parents_informed_by",
]


def _informed_fields(fields):
    """Details of telling home are kept only when home was told, and injury details only with injuries."""
    fields = dict(fields)
    if not fields.get("parents_informed"):
        fields.update(parents_informed_at=None, parents_informed_how="", parents_informed_by=None)
    if not fields.get("injuries"):
        fields["injury_details"] = ""
    return fields


def _require_staff(school, users):
    from pastoral.models import User

    ids = {user.pk for user in users if user is not None}
    if User.objects.filter(pk__in=ids, memberships__school=school, is_active=True).distinct().count() != len(ids):
        raise PastoralError("Staff named must work at this school.")


def incident_record(*, actor, event, submission_key, other_pupils=(), **fields):
    """Detail for the events logged with `event`; sending the same form twice returns the first incident."""
    return _once(
        Incident,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _incident_create(
            actor=actor, event=event, submission_key=submission_key, other_pupils=other_pupils, fields=fields
        ),
    )


@transaction.atomic
def _incident_create(*, actor, event, submission_key, other_pupils, fields):
    school = event.school
    _require(actor, school, "behaviour.record_event")
    if event.voided_at:
        raise PastoralError("A voided event cannot have incident detail.")
    if event.category.kind != BehaviourCategory.Kind.NEGATIVE:
        raise PastoralError("Incident detail is for negative events.")
    if Incident.objects.filter(group=event.group, voided_at__isnull=True).exists():
        raise PastoralError("These events already have incident detail; change that record instead.")
    fields = _informed_fields({name: fields.get(name) for name in INCIDENT_FIELDS if name in fields})
    _require_staff(school, [fields.get("parents_informed_by")])
    _require_pupils(actor, school, other_pupils)
    events = events_visible_to(actor).filter(group=event.group, school=school, voided_at__isnull=True)
    incident = Incident(school=school, group=event.group, recorded_by=actor, submission_key=submission_key, **fields)
    incident.full_clean(exclude=["submission_key", "group"])
    incident.save()
    incident.events.set(events)
    pupil_ids = set(events.values_list("pupil_id", flat=True)) | {pupil.pk for pupil in other_pupils}
    incident.pupils.set(pupil_ids)
    audit.record(
        "behaviour.incident.recorded",
        actor=actor,
        obj=incident,
        pupil=event.pupil,
        data={"events": sorted(str(code) for code in events.values_list("code", flat=True)), "pupils": len(pupil_ids)},
    )
    return incident


@transaction.atomic
def incident_update(*, actor, incident, changes, other_pupils=None):
    """Only real changes are saved, each with a revision keeping old → new, as event edits do."""
    if not can_change_incident(actor, incident):
        raise PastoralError("Only whoever recorded this incident, or a pastoral or safeguarding lead, can change it.")
    if incident.voided_at:
        raise PastoralError("A voided incident cannot be changed.")
    changes = _informed_fields({name: changes[name] for name in INCIDENT_FIELDS if name in changes})
    _require_staff(incident.school, [changes.get("parents_informed_by")])
    history = {}
    for name, value in changes.items():
        old = getattr(incident, name)
        if value != old:
            history[name] = [_display_value(incident, name, old), _display_value(incident, name, value)]
            setattr(incident, name, value)
    if other_pupils is not None:
        _require_pupils(actor, incident.school, other_pupils)
        event_pupils = set(incident.events.values_list("pupil_id", flat=True))
        before = set(incident.pupils.all())
        after = set(incident.pupils.filter(pk__in=event_pupils)) | set(other_pupils)
        if before != after:
            history["pupils"] = [", ".join(sorted(map(str, before))), ", ".join(sorted(map(str, after)))]
            incident.pupils.set(after)
    if not history:
        return incident
    incident.full_clean(exclude=["submission_key", "group"])
    incident.save()
    IncidentRevision.objects.create(incident=incident, changed_by=actor, changes=history)
    audit.record("behaviour.incident.changed", actor=actor, obj=incident, data=history)
    return incident


def _display_value(incident, name, value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    field = Incident._meta.get_field(name)
    if field.choices and value:
        return dict(field.choices).get(value, value)
    return _display(value)


@transaction.atomic
def incident_void(*, actor, incident, reason):
    _require(actor, incident.school, "behaviour.void_event")
    return void_record(
        actor=actor, record=incident, reason=reason, action="behaviour.incident.voided", noun="incident", pupil=None
    )


def follow_up_add(*, actor, incident, description, owner, due_on, submission_key):
    """One action per submitted form, however often it is sent."""
    existing = FollowUpAction.objects.filter(submission_key=submission_key, created_by=actor).first()
    if existing is not None:
        return existing
    try:
        return _follow_up_create(
            actor=actor, incident=incident, description=description, owner=owner, due_on=due_on, key=submission_key
        )
    except IntegrityError:
        existing = FollowUpAction.objects.filter(submission_key=submission_key, created_by=actor).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _follow_up_create(*, actor, incident, description, owner, due_on, key):
    _require(actor, incident.school, "behaviour.record_event")
    if incident.voided_at:
        raise PastoralError("A voided incident cannot have new actions.")
    _require_staff(incident.school, [owner])
    action = FollowUpAction(
        incident=incident, description=description, owner=owner, due_on=due_on, created_by=actor, submission_key=key
    )
    action.full_clean(exclude=["submission_key"])
    action.save()
    audit.record(
        "behaviour.follow_up.added",
        actor=actor,
        obj=action,
        school=incident.school,
        data={"incident": str(incident.code), "owner": str(owner), "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def follow_up_complete(*, actor, action):
    incident = action.incident
    if not can_complete_action(actor, action, incident.school_id):
        raise PastoralError("Only the action's owner, or a pastoral or safeguarding lead, can mark it done.")
    if incident.voided_at:
        raise PastoralError("The actions of a voided incident cannot be changed.")
    if action.done_at:
        return action
    action.done_at = timezone.now()
    action.done_by = actor
    action.save(update_fields=["done_at", "done_by"])
    audit.record(
        "behaviour.follow_up.completed",
        actor=actor,
        obj=action,
        school=incident.school,
        data={"incident": str(incident.code), "overdue": action.due_on < timezone.localdate()},
    )
    return action


def attachment_add(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) stores one attachment."""

    def create():
        # The file is written before the row's transaction commits: if that transaction fails, delete the
        # file too, so a rollback never leaves a child's photo on disk with no record pointing at it.
        written = []
        try:
            return _attachment_add(actor=actor, submission_key=submission_key, written=written, **fields)
        except BaseException:
            for stored in written:
                stored.storage.delete(stored.name)
            raise

    return _once_uploaded(actor=actor, submission_key=submission_key, create=create)


def _once_uploaded(*, actor, submission_key, create):
    def earlier():
        if submission_key is None:
            return None
        return IncidentAttachment.objects.filter(submission_key=submission_key, uploaded_by=actor).first()

    existing = earlier()
    if existing is not None:
        return existing
    try:
        return create()
    except IntegrityError:
        existing = earlier()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _attachment_add(*, actor, incident, upload, submission_key, written, description=""):
    """The file's type is decided by its content (checked again here, whatever the form said)."""
    _require(actor, incident.school, "behaviour.record_event")
    if incident.voided_at:
        raise PastoralError("A voided incident cannot have new attachments.")
    kind = attachment_kind(upload)
    attachment = IncidentAttachment(
        incident=incident,
        original_name=display_name(upload.name),
        kind=kind,
        size=upload.size,
        description=description,
        uploaded_by=actor,
        submission_key=submission_key,
    )
    attachment.file.save("upload", upload, save=False)
    written.append(attachment.file)
    attachment.save()
    audit.record(
        "behaviour.attachment.uploaded",
        actor=actor,
        obj=attachment,
        school=incident.school,
        data={"incident": str(incident.code), "kind": kind, "bytes": upload.size},
    )
    return attachment


@transaction.atomic
def attachment_downloaded(*, actor, attachment):
    """Every download of an attachment is on the audit log."""
    incident = attachment.incident
    _require(actor, incident.school, "behaviour.view_event")
    if attachment.uploaded_by_id != actor.pk:
        _require(actor, incident.school, "behaviour.view_attachments")
    audit.record(
        "behaviour.attachment.downloaded",
        actor=actor,
        obj=attachment,
        school=incident.school,
        data={"incident": str(incident.code)},
    )


def bullying_record(*, actor, school, submission_key, **fields):
    """A bullying record with its victims and perpetrators; the same form sent twice makes one record."""
    return _once(
        BullyingIncident,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _bullying_create(actor=actor, school=school, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _bullying_create(
    *,
    actor,
    school,
    submission_key,
    types,
    description,
    victims,
    perpetrators=(),
    occurred_on=None,
    outcome=BullyingIncident.Outcome.INVESTIGATING,
    outcome_notes="",
    incident=None,
    events=(),
):
    _require(actor, school, "behaviour.record_event")
    victims, perpetrators = list(victims), list(perpetrators)
    if not victims:
        raise PastoralError("Name at least one pupil who was bullied.")
    if {pupil.pk for pupil in victims} & {pupil.pk for pupil in perpetrators}:
        raise PastoralError("A pupil cannot be both a victim and a perpetrator in one record.")
    _require_pupils(actor, school, victims + perpetrators)
    if incident is not None and (incident.school_id != school.pk or incident.voided_at):
        raise PastoralError("The linked incident must be a current incident at this school.")
    event_ids = {event.pk for event in events}
    if event_ids and events_visible_to(actor).filter(
        pk__in=event_ids, school=school, voided_at__isnull=True
    ).count() != len(event_ids):
        raise PastoralError("Every linked event must be a current event at this school.")
    record = BullyingIncident(
        school=school,
        occurred_on=occurred_on or timezone.localdate(),
        types=sorted(set(types), key=BullyingType.values.index),
        description=description,
        outcome=outcome,
        outcome_notes=outcome_notes,
        incident=incident,
        recorded_by=actor,
        submission_key=submission_key,
    )
    record.full_clean(exclude=["submission_key"])
    record.save()
    record.events.set(event_ids)
    roles = [(pupil, BullyingInvolvement.Role.VICTIM) for pupil in victims]
    roles += [(pupil, BullyingInvolvement.Role.PERPETRATOR) for pupil in perpetrators]
    BullyingInvolvement.objects.bulk_create(
        [BullyingInvolvement(bullying=record, pupil=pupil, role=role) for pupil, role in roles]
    )
    audit.record(
        "behaviour.bullying.recorded",
        actor=actor,
        obj=record,
        pupil=victims[0],
        data={"types": record.types, "victims": len(victims), "perpetrators": len(perpetrators)},
    )
    return record


@transaction.atomic
def bullying_void(*, actor, record, reason):
    _require(actor, record.school, "behaviour.void_event")
    return void_record(
        actor=actor, record=record, reason=reason, action="behaviour.bullying.voided", noun="record", pupil=None
    )


def bullying_viewed(*, actor, record):
    """Reading who bullied whom is itself on the audit log."""
    audit.record("behaviour.bullying.viewed", actor=actor, obj=record, school=record.school)


def bullying_patterns_viewed(*, actor, school, start, end):
    _require(actor, school, "behaviour.view_bullying_patterns")
    audit.record(
        "behaviour.bullying.patterns_viewed",
        actor=actor,
        school=school,
        data={"start": start.isoformat(), "end": end.isoformat()},
    )


@transaction.atomic
def bullying_update_outcome(*, actor, record, outcome, outcome_notes=""):
    """The outcome moves on as the case does (investigating → monitoring → resolved); each change is kept."""
    _require(actor, record.school, "behaviour.view_bullying")
    _require(actor, record.school, "behaviour.record_event")
    if record.voided_at:
        raise PastoralError("A voided record cannot be changed.")
    history = {}
    if outcome != record.outcome:
        history["outcome"] = [record.get_outcome_display(), BullyingIncident.Outcome(outcome).label]
        record.outcome = outcome
    if outcome_notes != record.outcome_notes:
        history["outcome_notes"] = [record.outcome_notes, outcome_notes]
        record.outcome_notes = outcome_notes
    if not history:
        return record
    record.full_clean(exclude=["submission_key"])
    record.save(update_fields=["outcome", "outcome_notes"])
    BullyingRevision.objects.create(bullying=record, changed_by=actor, changes=history)
    audit.record("behaviour.bullying.changed", actor=actor, obj=record, data=history)
    return record
