"""Writes for detentions: keyword-only `<entity>_<action>` functions, one transaction each, audited.

`set_detention(...)` and `suggest_url(event)` are the two entry points other areas (a behaviour rule that suggests
a detention) use: the first sets one, the second links to the form that sets one from an event."""

import datetime
import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.calendar.school_days import SchoolCalendar
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.selectors import staff_holding
from pastoral.voiding import void_record

from ..events.selectors import events_visible_to
from ..services import _once, _require, _require_pupils
from . import selectors
from .models import Detention, DetentionNotice, DetentionPolicy, DetentionSession, DetentionType

NOTICE_EMAIL_TASK = "behaviour.tasks.send_detention_notice_email_task"
MISSED_TASK = "behaviour.tasks.send_detention_missed_task"
# Sessions made at a time by "make sessions": two school weeks.
SESSION_DAYS = 10
# Marks a marker may give; "rescheduled" comes from moving the pupil to another session.
MARKS = [Detention.Status.ATTENDED, Detention.Status.MISSED, Detention.Status.EXCUSED]


def suggest_url(event):
    """The page that sets a detention for this event's pupil, linked to the event."""
    return f"{reverse('behaviour:detention_create')}?event={event.code}"


def can_mark(user, session):
    """The pastoral team and leads mark any session of their school; whoever runs a session marks that one."""
    if access.has_school_perm(user, session.school_id, "behaviour.manage_detentions"):
        return True
    return session.run_by_id == user.pk and access.has_school_perm(user, session.school_id, selectors.READ)


# --- types, sessions and the school's policy ----------------------------------------------------------------------


@transaction.atomic
def detention_policy_save(*, actor, school, notice_hours, email_notice):
    _require(actor, school, "behaviour.manage_detentions")
    policy, _ = DetentionPolicy.objects.get_or_create(school=school)
    policy.notice_hours = notice_hours
    policy.email_notice = email_notice
    policy.full_clean()
    policy.save()
    audit.record(
        "behaviour.detention_policy.changed",
        actor=actor,
        obj=policy,
        school=school,
        data={"notice_hours": notice_hours, "email_notice": email_notice},
    )
    return policy


TYPE_FIELDS = [
    "name",
    "kind",
    "start_time",
    "duration_minutes",
    "capacity",
    "location",
    "run_by",
    "notice_required",
    "weekdays",
    "escalate_to",
    "escalate_category",
    "notify_pastoral_lead",
    "notify_setter",
    "active",
]


@transaction.atomic
def detention_type_save(*, actor, school, detention_type=None, **fields):
    """A new type (or changes to one). `notice_required` left out follows the kind: on for after school."""
    _require(actor, school, "behaviour.manage_detentions")
    if detention_type is None:
        detention_type = DetentionType(school=school)
        if fields.get("notice_required") is None:
            fields["notice_required"] = fields.get("kind") == DetentionType.Kind.AFTER_SCHOOL
    elif detention_type.school_id != school.pk:
        raise PastoralError("This detention type is another school's.")
    if fields.get("notice_required") is None:
        fields.pop("notice_required", None)
    run_by = fields.get("run_by")
    if run_by is not None and not run_by.memberships.filter(school=school).exists():
        raise PastoralError("The member of staff running it must work at this school.")
    created = detention_type.pk is None
    for name, value in fields.items():
        if name not in TYPE_FIELDS:
            raise TypeError(f"unknown detention type field {name}")
        setattr(detention_type, name, value)
    detention_type.full_clean()
    detention_type.save()
    audit.record(
        "behaviour.detention_type.created" if created else "behaviour.detention_type.changed",
        actor=actor,
        obj=detention_type,
        school=school,
        data={"name": detention_type.name, "kind": detention_type.kind},
    )
    return detention_type


@transaction.atomic
def sessions_generate(*, actor, detention_type, start=None, days=SESSION_DAYS, calendar=None):
    """Sessions of the type on its weekdays for the next `days` school days from `start` (today), from the school
    calendar (a school without term dates counts every weekday that is not a closure). Existing ones are kept."""
    school = detention_type.school
    _require(actor, school, "behaviour.manage_detentions")
    start = start or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(school, weekdays_without_terms=True)
    wanted = []
    for index, day in enumerate(calendar.school_days_from(start)):
        if index >= days:
            break
        if str(day.weekday()) in detention_type.weekdays:
            wanted.append(day)
    existing = set(DetentionSession.objects.filter(type=detention_type, date__in=wanted).values_list("date", flat=True))
    made = DetentionSession.objects.bulk_create(
        [
            DetentionSession(
                school=school,
                type=detention_type,
                date=day,
                start_time=detention_type.start_time,
                duration_minutes=detention_type.duration_minutes,
                capacity=detention_type.capacity,
                location=detention_type.location,
                run_by=detention_type.run_by,
            )
            for day in wanted
            if day not in existing
        ]
    )
    if made:
        audit.record(
            "behaviour.detention_sessions.made",
            actor=actor,
            obj=detention_type,
            school=school,
            data={"count": len(made), "from": start.isoformat()},
        )
    return made


@transaction.atomic
def session_update(*, actor, session, run_by, location, capacity):
    _require(actor, session.school, "behaviour.manage_detentions")
    session = DetentionSession.objects.select_for_update().get(pk=session.pk)
    if run_by is not None and not run_by.memberships.filter(school=session.school_id).exists():
        raise PastoralError("The member of staff running it must work at this school.")
    taken = selectors.with_taken(DetentionSession.objects.filter(pk=session.pk)).get().taken
    if capacity < taken:
        raise PastoralError(f"{taken} pupils are already set this session: the capacity cannot be less.")
    session.run_by, session.location, session.capacity = run_by, location, capacity
    session.full_clean()
    session.save(update_fields=["run_by", "location", "capacity"])
    audit.record(
        "behaviour.detention_session.changed",
        actor=actor,
        obj=session,
        school=session.school,
        data={"location": location, "capacity": capacity, "run_by": run_by.pk if run_by else None},
    )
    return session


# --- setting a detention ------------------------------------------------------------------------------------------


def set_detention(*, actor, pupil, session, event=None, reason="", submission_key=None, now=None):
    """Set `pupil` a detention in `session` (linked to `event` if given, else with a reason). Refuses a full
    session, one too soon for the notice its type needs, and a second place in the same session. Where notice is
    required and the school emails families, the email (which names no child) goes through the outbox.
    Sending the same form twice (same submission_key) returns the first detention."""
    return _once(
        Detention,
        actor=actor,
        submission_key=submission_key,
        by="set_by",
        create=lambda: _set(
            actor=actor,
            pupil=pupil,
            session=session,
            event=event,
            reason=reason,
            submission_key=submission_key,
            now=now,
        ),
    )


@transaction.atomic
def _set(*, actor, pupil, session, event, reason, submission_key, now):
    school = session.school
    _require(actor, school, "behaviour.set_detention")
    _require_pupils(actor, school, [pupil])
    if event is not None:
        if event.voided_at:
            raise PastoralError("A voided event cannot have a detention set from it.")
        if event.pupil_id != pupil.pk or event.school_id != school.pk:
            raise PastoralError("The event must be this pupil's, at this school.")
        if not events_visible_to(actor).filter(pk=event.pk).exists():
            raise PastoralError("You cannot read this event.")
    elif not reason.strip():
        raise PastoralError("Give the reason for a detention that is not set from an event.")
    return _place(
        actor=actor,
        pupil=pupil,
        session=session,
        event=event,
        reason=reason.strip(),
        now=now,
        submission_key=submission_key,
    )


def _place(*, actor, pupil, session, event=None, reason="", now=None, submission_key=None, **links):
    """The checks every new detention passes (space, notice, once a session), then the record and its notice."""
    now = now or timezone.now()
    session = DetentionSession.objects.select_for_update().select_related("type", "school").get(pk=session.pk)
    policy = selectors.policy_for(session.school)
    if session.school_id != pupil.school_id:
        raise PastoralError("This session is another school's.")
    if not selectors.allowed(session, policy.notice_hours, now):
        if session.type.notice_required and session.starts_at > now:
            raise PastoralError(
                f"Parents need {policy.notice_hours} hours' notice of this detention: choose a later session."
            )
        raise PastoralError("This session has already started.")
    live = session.detentions.filter(voided_at__isnull=True, status__in=Detention.TAKES_A_PLACE)
    if live.filter(pupil=pupil).exists():
        raise PastoralError("This pupil is already set this session.")
    if live.count() >= session.capacity:
        raise PastoralError("This session is full: choose another.")
    detention = Detention(
        school=session.school,
        pupil=pupil,
        session=session,
        starts_at=session.starts_at,
        event=event,
        reason=reason,
        notice_required=session.type.notice_required,
        set_by=actor,
        set_at=now,
        submission_key=submission_key,
        **links,
    )
    detention.full_clean()
    detention.save()
    audit.record(
        "behaviour.detention.set",
        actor=actor,
        obj=detention,
        pupil=pupil,
        data={"session": str(session.code), "event": str(event.code) if event else "", "type": session.type.name},
    )
    if detention.notice_required and policy.email_notice:
        _email_family(actor, detention)
    return detention


def _email_family(actor, detention):
    """The email nudge to the first family contact with an email address and no recorded restriction."""
    contact = (
        detention.pupil.contacts.exclude(email="")
        .filter(restrictions="")
        .order_by("-parental_responsibility", "priority")
    ).first()
    if contact is None:
        return None
    notice = DetentionNotice.objects.create(
        detention=detention, method=DetentionNotice.Method.EMAIL, contact=contact, recorded_by=actor
    )
    outbox.enqueue(NOTICE_EMAIL_TASK, notice.pk, key=f"detention-notice:{notice.pk}")
    return notice


@transaction.atomic
def detention_notice_record(*, actor, detention, method, sent_at, note=""):
    """Notice sent home by hand (the letter, the planner, a call), with when it was sent."""
    _require(actor, detention.school, "behaviour.set_detention")
    detention = Detention.objects.select_for_update().get(pk=detention.pk)
    if detention.voided_at:
        raise PastoralError("A voided detention cannot be changed.")
    if sent_at > timezone.now() + datetime.timedelta(minutes=5):
        raise PastoralError("Notice cannot be recorded as sent in the future.")
    notice = DetentionNotice.objects.create(
        detention=detention, method=method, sent_at=sent_at, note=note, recorded_by=actor
    )
    audit.record(
        "behaviour.detention.notice",
        actor=actor,
        obj=detention,
        pupil=detention.pupil,
        data={"method": method, "sent_at": sent_at.isoformat()},
    )
    return notice


def notice_given(detention, notices):
    """Whether written notice (a letter or the planner) was sent in time: before the start less the notice hours."""
    if not detention.notice_required:
        return True
    hours = selectors.policy_for(detention.school).notice_hours
    deadline = detention.starts_at - datetime.timedelta(hours=hours)
    return any(n.method in DetentionNotice.WRITTEN and n.sent_at and n.sent_at <= deadline for n in notices)


# --- marking, rescheduling, voiding --------------------------------------------------------------------------------


@transaction.atomic
def detention_mark(*, actor, detention, status, note=""):
    """Attended, missed or excused. A missed detention escalates as its type says (once)."""
    detention = (
        Detention.objects.select_for_update().select_related("session__type", "school", "pupil").get(pk=detention.pk)
    )
    if not can_mark(actor, detention.session):
        raise PastoralError("You cannot mark this session.")
    if status not in MARKS:
        raise PastoralError("Mark attended, missed or excused.")
    if detention.voided_at:
        raise PastoralError("A voided detention cannot be marked.")
    if detention.status == Detention.Status.RESCHEDULED:
        raise PastoralError("This detention was moved to another session: mark that one.")
    if detention.session.starts_at > timezone.now():
        raise PastoralError("This session has not started yet.")
    if detention.escalation_note and status != Detention.Status.MISSED:
        raise PastoralError("This missed detention has already been escalated; void what it set to undo it.")
    previous = detention.status
    detention.status = status
    detention.mark_note = note
    detention.marked_by = actor
    detention.marked_at = timezone.now()
    detention.save(update_fields=["status", "mark_note", "marked_by", "marked_at"])
    audit.record(
        "behaviour.detention.marked",
        actor=actor,
        obj=detention,
        pupil=detention.pupil,
        data={"status": status, "was": previous},
    )
    if status == Detention.Status.MISSED and not detention.escalation_note:
        _escalate(actor, detention)
    return detention


def _escalate(actor, detention):
    """The type's rule for a missed detention: set the longer one, log an event, tell whom it names."""
    from ..events.services import event_record_many

    rule = detention.session.type
    school = detention.school
    notes = []
    if rule.escalate_to_id:
        already = set(
            Detention.objects.filter(
                pupil=detention.pupil, voided_at__isnull=True, status__in=Detention.TAKES_A_PLACE
            ).values_list("session_id", flat=True)
        )
        choices = [s for s in selectors.sessions_with_space(school, types=[rule.escalate_to_id]) if s.pk not in already]
        if choices:
            later = _place(
                actor=actor,
                pupil=detention.pupil,
                session=choices[0],
                event=detention.event,
                reason=f"Missed the {rule.name} detention on {uk_date(detention.session.date)}.",
                escalated_from=detention,
            )
            notes.append(f"Set {rule.escalate_to.name} on {uk_date(later.session.date)}")
        else:
            notes.append(f"No {rule.escalate_to.name} session with space: set one by hand")
    if rule.escalate_category_id:
        events = event_record_many(
            actor=actor,
            school=school,
            pupils=[detention.pupil],
            category=rule.escalate_category,
            occurred_at=min(detention.session.ends_at, timezone.now()),
            description=f"Missed the {rule.name} detention on {uk_date(detention.session.date)}.",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"detention-missed:{detention.code}"),
        )
        detention.escalation_event = events[0]
        notes.append(f"Logged {rule.escalate_category.name}")
    recipients = set()
    if rule.notify_pastoral_lead:
        recipients |= set(staff_holding(school, [Role.PASTORAL_LEAD]).values_list("id", flat=True))
    if rule.notify_setter:
        recipients.add(detention.set_by_id)
    recipients.discard(actor.pk)
    for user_id in sorted(recipients):
        outbox.enqueue(MISSED_TASK, detention.pk, user_id, key=f"detention-missed:{detention.pk}:{user_id}")
    if recipients:
        notes.append(f"Told {len(recipients)} member{'s' if len(recipients) != 1 else ''} of staff")
    if not notes:
        # Nothing to do for this type: the mark can still be corrected.
        return
    detention.escalation_note = "; ".join(notes)
    detention.save(update_fields=["escalation_event", "escalation_note"])
    audit.record(
        "behaviour.detention.escalated",
        actor=actor,
        obj=detention,
        pupil=detention.pupil,
        data={"note": detention.escalation_note},
    )


@transaction.atomic
def detention_reschedule(*, actor, detention, session, reason):
    """Move the pupil to another session (a clash, an absence): the old one is kept as rescheduled."""
    detention = Detention.objects.select_for_update().select_related("session", "school", "pupil").get(pk=detention.pk)
    if not (
        access.has_school_perm(actor, detention.school, "behaviour.set_detention") or can_mark(actor, detention.session)
    ):
        raise PastoralError("You cannot move this detention.")
    if detention.voided_at or detention.status != Detention.Status.SET:
        raise PastoralError("Only a detention still to be sat can be moved.")
    if session.pk == detention.session_id:
        raise PastoralError("Choose a different session.")
    detention.status = Detention.Status.RESCHEDULED
    detention.marked_by = actor
    detention.marked_at = timezone.now()
    detention.mark_note = reason
    detention.save(update_fields=["status", "marked_by", "marked_at", "mark_note"])
    moved = _place(
        actor=actor,
        pupil=detention.pupil,
        session=session,
        event=detention.event,
        reason=detention.reason,
        rescheduled_from=detention,
    )
    audit.record(
        "behaviour.detention.rescheduled",
        actor=actor,
        obj=detention,
        pupil=detention.pupil,
        data={"to": str(moved.code), "reason": reason},
    )
    return moved


@transaction.atomic
def detention_void(*, actor, detention, reason):
    _require(actor, detention.school, "behaviour.manage_detentions")
    return void_record(
        actor=actor, record=detention, reason=reason, action="behaviour.detention.voided", noun="detention"
    )


# --- the end-of-session check ---------------------------------------------------------------------------------------


@transaction.atomic
def flag_unmarked_sessions(now=None):
    """Sessions that ended with pupils still unmarked: each flagged once, its runner told (ids for the outbox)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    unmarked = Detention.objects.filter(session=OuterRef("pk"), status=Detention.Status.SET, voided_at__isnull=True)
    candidates = DetentionSession.objects.select_for_update(skip_locked=True).filter(
        Exists(unmarked),
        date__gte=today - datetime.timedelta(days=7),
        date__lte=today,
        unmarked_flagged_at__isnull=True,
        run_by__isnull=False,
    )
    flagged = []
    for session in candidates.order_by("date", "start_time"):
        if session.ends_at <= now:
            flagged.append(session)
    DetentionSession.objects.filter(pk__in=[s.pk for s in flagged]).update(unmarked_flagged_at=now)
    for session in flagged:
        outbox.enqueue(
            "behaviour.tasks.send_detention_unmarked_task",
            session.pk,
            session.run_by_id,
            key=f"detention-unmarked:{session.pk}",
        )
    return flagged
