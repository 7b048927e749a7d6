"""Writes for incidents, follow-up actions, attachments and bullying records: keyword-only
`<entity>_<action>` functions, one transaction each, audited."""

from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import display_name
from pastoral.models import User
from pastoral.pupils.leavers import require_all_writable, require_writable
from pastoral.voiding import void_record

from ..events.models import BehaviourCategory, PupilRole
from ..events.selectors import events_visible_to
from ..services import _display, _is_lead, _once, _require, _require_pupils
from ..uploads import attachment_kind
from .models import (
    BullyingIncident,
    BullyingInvolvement,
    BullyingRevision,
    BullyingType,
    FollowUpAction,
    Incident,
    IncidentAttachment,
    IncidentPupil,
    IncidentRevision,
)

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


def _require_staff(school, users):
    ids = {user.pk for user in users if user is not None}
    if User.objects.filter(pk__in=ids, memberships__school=school, is_active=True).distinct().count() != len(ids):
        raise PastoralError("Staff named must work at this school.")


def _check_roles(roles):
    if set((roles or {}).values()) - set(PupilRole.values):
        raise PastoralError("Choose each pupil's role from the list.")


def _roles_text(roles_by_pupil):
    """ "Amy Bell: target; Sam Cole: instigator" for {pupil: role}, by name, for the history."""
    return "; ".join(sorted(f"{pupil}: {PupilRole(role).label.lower()}" for pupil, role in roles_by_pupil.items()))


def incident_record(*, actor, event, submission_key, other_pupils=(), roles=None, **fields):
    """Detail for the events logged with `event`; sending the same form twice returns the first incident.

    `roles` maps a pupil's pk to their role in the incident; an event's pupil not in it takes their event's role,
    any other pupil is "involved"."""
    return _once(
        Incident,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _incident_create(
            actor=actor,
            event=event,
            submission_key=submission_key,
            other_pupils=other_pupils,
            roles=roles or {},
            fields=fields,
        ),
    )


@transaction.atomic
def _incident_create(*, actor, event, submission_key, other_pupils, roles, fields):
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
    _check_roles(roles)
    for pupil in [event.pupil, *other_pupils]:
        require_writable(actor, pupil)
    events = events_visible_to(actor).filter(group=event.group, school=school, voided_at__isnull=True)
    incident = Incident(school=school, group=event.group, recorded_by=actor, submission_key=submission_key, **fields)
    incident.full_clean(exclude=["submission_key", "group"])
    incident.save()
    incident.events.set(events)
    # Each pupil once: their event's role unless the form chose another; other pupils "involved" by default.
    pupil_roles = dict(events.values_list("pupil_id", "role"))
    pupil_roles.update({pupil.pk: PupilRole.INVOLVED for pupil in other_pupils if pupil.pk not in pupil_roles})
    pupil_roles.update({pk: role for pk, role in roles.items() if pk in pupil_roles})
    pupil_ids = set(pupil_roles)
    IncidentPupil.objects.bulk_create(
        [IncidentPupil(incident=incident, pupil_id=pk, role=role) for pk, role in sorted(pupil_roles.items())]
    )
    audit.record(
        "behaviour.incident.recorded",
        actor=actor,
        obj=incident,
        pupil=event.pupil,
        data={"events": sorted(str(code) for code in events.values_list("code", flat=True)), "pupils": len(pupil_ids)},
    )
    return incident


@transaction.atomic
def incident_update(*, actor, incident, changes, other_pupils=None, roles=None, reason=""):
    """Only real changes are saved, each with a revision keeping old → new, as event edits do.

    `roles` ({pupil pk: role}) changes the role of pupils on the incident; new pupils not in it are "involved"."""
    if not can_change_incident(actor, incident):
        raise PastoralError("Only whoever recorded this incident, or a pastoral or safeguarding lead, can change it.")
    if incident.voided_at:
        raise PastoralError("A voided incident cannot be changed.")
    require_all_writable(actor, incident.pupils.all(), incident.school_id)
    changes = _informed_fields({name: changes[name] for name in INCIDENT_FIELDS if name in changes})
    _require_staff(incident.school, [changes.get("parents_informed_by")])
    history = {}
    for name, value in changes.items():
        old = getattr(incident, name)
        if value != old:
            history[name] = [_display_value(incident, name, old), _display_value(incident, name, value)]
            setattr(incident, name, value)
    _check_roles(roles)
    involvements = {item.pupil_id: item for item in incident.involvements.select_related("pupil")}
    roles_before = {item.pupil: item.role for item in involvements.values()}
    if other_pupils is not None:
        _require_pupils(actor, incident.school, other_pupils)
        event_pupils = set(incident.events.values_list("pupil_id", flat=True))
        before = {item.pupil for item in involvements.values()}
        after = {item.pupil for item in involvements.values() if item.pupil_id in event_pupils} | set(other_pupils)
        if before != after:
            history["pupils"] = [", ".join(sorted(map(str, before))), ", ".join(sorted(map(str, after)))]
            gone = [pk for pk in involvements if pk not in {pupil.pk for pupil in after}]
            IncidentPupil.objects.filter(incident=incident, pupil_id__in=gone).delete()
            added = [pupil for pupil in after if pupil.pk not in involvements]
            made = IncidentPupil.objects.bulk_create(
                [IncidentPupil(incident=incident, pupil=pupil, role=PupilRole.INVOLVED) for pupil in added]
            )
            involvements = {pk: item for pk, item in involvements.items() if pk not in gone}
            involvements.update({item.pupil_id: item for item in made})
    if roles:
        changed = [item for pk, item in involvements.items() if roles.get(pk) and roles[pk] != item.role]
        for item in changed:
            item.role = roles[item.pupil_id]
        IncidentPupil.objects.bulk_update(changed, ["role"])
    roles_after = {item.pupil: item.role for item in involvements.values()}
    if roles_after != roles_before:
        history["roles"] = [_roles_text(roles_before), _roles_text(roles_after)]
    if not history:
        return incident
    incident.full_clean(exclude=["submission_key", "group"])
    incident.save()
    IncidentRevision.objects.create(incident=incident, changed_by=actor, changes=history, reason=reason)
    audit.record("behaviour.incident.changed", actor=actor, obj=incident, data={**history, "reason": reason})
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
    return _once(
        FollowUpAction,
        actor=actor,
        submission_key=submission_key,
        by="created_by",
        create=lambda: _follow_up_create(
            actor=actor, incident=incident, description=description, owner=owner, due_on=due_on, key=submission_key
        ),
    )


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

    return _once(IncidentAttachment, actor=actor, submission_key=submission_key, by="uploaded_by", create=create)


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
def bullying_update_outcome(*, actor, record, outcome, outcome_notes="", reason=""):
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
    BullyingRevision.objects.create(bullying=record, changed_by=actor, changes=history, reason=reason)
    audit.record("behaviour.bullying.changed", actor=actor, obj=record, data={**history, "reason": reason})
    return record
