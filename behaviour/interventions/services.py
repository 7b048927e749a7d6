"""Writes for physical interventions and staff training: one transaction each, audited, access re-checked."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit, plan_hooks
from pastoral.exceptions import PastoralError
from pastoral.selectors import pupils_visible_to
from pastoral.voiding import void_record

from ..services import _require
from ..uploads import certificate_type
from . import selectors
from .models import InterventionTechnique, RestrictiveIntervention

DEFAULT_TECHNIQUES = [
    ("team_teach", "Caring C guide"),
    ("team_teach", "Friendly hold"),
    ("team_teach", "Single elbow"),
    ("team_teach", "Figure of four"),
    ("team_teach", "Double elbow"),
    ("team_teach", "Wrap"),
    ("team_teach", "Seated double elbow"),
    ("norfolk_steps", "Open mitten escort"),
    ("norfolk_steps", "Closed mitten escort"),
    ("norfolk_steps", "Turn and guide"),
    ("norfolk_steps", "Caring C"),
    ("other", "Blocking (no contact)"),
    ("other", "Door held (seclusion)"),
]


def _require_visible(actor, intervention):
    if not selectors.restrictive_interventions_visible_to(actor).filter(pk=intervention.pk).exists():
        raise PastoralError("You cannot see this record.")
    if intervention.voided_at:
        raise PastoralError("This record has been voided and cannot be changed.")


def _staff_of_school(school, users):
    from pastoral.models import User

    ids = {user.pk for user in users}
    found = User.objects.filter(pk__in=ids, is_active=True, memberships__school=school).distinct().count()
    if found != len(ids):
        raise PastoralError("Every member of staff named must work at this school.")


def intervention_record(*, actor, school, pupil, staff_involved, witnesses=(), event=None, submission_key, **fields):
    """Save a new record. A repeated submission_key returns the record it made before."""
    try:
        return _create(
            actor=actor,
            school=school,
            pupil=pupil,
            staff_involved=staff_involved,
            witnesses=witnesses,
            event=event,
            submission_key=submission_key,
            fields=fields,
        )
    except IntegrityError:
        existing = RestrictiveIntervention.objects.filter(submission_key=submission_key, recorded_by=actor).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _create(*, actor, school, pupil, staff_involved, witnesses, event, submission_key, fields):
    _require(actor, school, "behaviour.record_intervention")
    existing = RestrictiveIntervention.objects.filter(submission_key=submission_key, recorded_by=actor).first()
    if existing is not None:
        return existing
    if not pupils_visible_to(actor).filter(pk=pupil.pk, school=school).exists():
        raise PastoralError("Choose one of this school's pupils that you can see.")
    if not staff_involved:
        raise PastoralError("Name the staff involved.")
    _staff_of_school(school, list(staff_involved) + list(witnesses))
    if event is not None and (event.voided_at or event.pupil_id != pupil.pk or event.school_id != school.pk):
        raise PastoralError("The linked event must be a current event about this pupil.")
    occurred_on = fields.get("occurred_on")
    intervention = RestrictiveIntervention(
        school=school,
        pupil=pupil,
        event=event,
        sen_status=pupil.sen_status,
        age=pupil.age_on(occurred_on) if occurred_on else 0,
        recorded_by=actor,
        recorded_at=timezone.now(),
        submission_key=submission_key,
        duration_minutes=0,
        **fields,
    )
    intervention.full_clean(exclude=["submission_key"])
    intervention.save()
    intervention.staff_involved.set(staff_involved)
    intervention.witnesses.set(witnesses)
    audit.record(
        "behaviour.intervention.recorded",
        actor=actor,
        obj=intervention,
        pupil=pupil,
        data={
            "type": intervention.intervention_type,
            "minutes": intervention.duration_minutes,
            "late": intervention.recorded_late,
            "event": str(event.code) if event else "",
        },
    )
    return intervention


@transaction.atomic
def intervention_report_to_parents(*, actor, intervention, reported_at, method, reported_to, content):
    """The report is kept as it was given: once recorded it cannot be rewritten."""
    _require(actor, intervention.school, "behaviour.record_intervention")
    _require_visible(actor, intervention)
    intervention = RestrictiveIntervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.parent_reported_at or intervention.withheld:
        raise PastoralError("Telling parents has already been recorded for this intervention.")
    if reported_at > timezone.now() + timezone.timedelta(minutes=5):
        raise PastoralError("The report cannot be in the future.")
    if not (content or "").strip():
        raise PastoralError("Record what parents were told.")
    intervention.parent_reported_at = reported_at
    intervention.parent_report_method = method
    intervention.parent_reported_to = reported_to
    intervention.parent_report_content = content
    intervention.parent_reported_by = actor
    intervention.save(
        update_fields=[
            "parent_reported_at",
            "parent_report_method",
            "parent_reported_to",
            "parent_report_content",
            "parent_reported_by",
        ]
    )
    audit.record(
        "behaviour.intervention.parents_reported",
        actor=actor,
        obj=intervention,
        pupil=intervention.pupil,
        data={"method": method, "same_day": intervention.reported_same_day},
    )
    return intervention


@transaction.atomic
def intervention_withhold(*, actor, intervention, reason):
    """A lead's recorded decision that telling parents would put the pupil at risk of significant harm."""
    _require(actor, intervention.school, "behaviour.review_intervention")
    _require_visible(actor, intervention)
    intervention = RestrictiveIntervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.parent_reported_at or intervention.withheld:
        raise PastoralError("Telling parents has already been recorded for this intervention.")
    reason = (reason or "").strip()
    if not reason:
        raise PastoralError("Give the reason for withholding.")
    intervention.withheld = True
    intervention.withhold_reason = reason
    intervention.withhold_decided_by = actor
    intervention.withhold_decided_at = timezone.now()
    intervention.full_clean(exclude=["submission_key"])
    intervention.save(update_fields=["withheld", "withhold_reason", "withhold_decided_by", "withhold_decided_at"])
    audit.record("behaviour.intervention.withheld", actor=actor, obj=intervention, pupil=intervention.pupil)
    return intervention


@transaction.atomic
def intervention_debrief(*, actor, intervention, kind, held_on, notes):
    """kind is "pupil" or "staff"; each debrief is recorded once."""
    if kind not in ("pupil", "staff"):
        raise ValueError(kind)
    _require(actor, intervention.school, "behaviour.record_intervention")
    _require_visible(actor, intervention)
    intervention = RestrictiveIntervention.objects.select_for_update().get(pk=intervention.pk)
    if getattr(intervention, f"{kind}_debrief_on"):
        raise PastoralError(f"The {kind} debrief has already been recorded.")
    if held_on > timezone.localdate():
        raise PastoralError("The debrief cannot be in the future.")
    if held_on < intervention.occurred_on:
        raise PastoralError("The debrief cannot be before the incident.")
    if not (notes or "").strip():
        raise PastoralError("Record what was said.")
    setattr(intervention, f"{kind}_debrief_on", held_on)
    setattr(intervention, f"{kind}_debrief_notes", notes)
    setattr(intervention, f"{kind}_debrief_by", actor)
    intervention.save(update_fields=[f"{kind}_debrief_on", f"{kind}_debrief_notes", f"{kind}_debrief_by"])
    audit.record(
        "behaviour.intervention.debriefed",
        actor=actor,
        obj=intervention,
        pupil=intervention.pupil,
        data={"kind": kind, "held_on": held_on.isoformat()},
    )
    return intervention


@transaction.atomic
def intervention_review(
    *, actor, intervention, proportionate, in_line_with_training, learning_points, support_plan_review
):
    _require(actor, intervention.school, "behaviour.review_intervention")
    _require_visible(actor, intervention)
    intervention = RestrictiveIntervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.reviewed_at:
        raise PastoralError("This intervention has already been signed off.")
    intervention.proportionate = proportionate
    intervention.in_line_with_training = in_line_with_training
    intervention.learning_points = learning_points
    intervention.support_plan_review = support_plan_review
    intervention.reviewed_by = actor
    intervention.reviewed_at = timezone.now()
    intervention.save(
        update_fields=[
            "proportionate",
            "in_line_with_training",
            "learning_points",
            "support_plan_review",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    audit.record(
        "behaviour.intervention.reviewed",
        actor=actor,
        obj=intervention,
        pupil=intervention.pupil,
        data={
            "proportionate": proportionate,
            "in_line_with_training": in_line_with_training,
            "support_plan_review": support_plan_review,
        },
    )
    if support_plan_review:
        plan_hooks.review_needed(
            pupil=intervention.pupil, reason="A physical intervention was signed off: plan needs review", actor=actor
        )
    return intervention


@transaction.atomic
def intervention_void(*, actor, intervention, reason):
    _require(actor, intervention.school, "behaviour.review_intervention")
    return void_record(
        actor=actor, record=intervention, reason=reason, action="behaviour.intervention.voided", noun="record"
    )


@transaction.atomic
def interventions_export(*, actor, school, start, end, rows):
    _require(actor, school, "behaviour.view_intervention")
    audit.record(
        "behaviour.interventions.exported",
        actor=actor,
        school=school,
        data={"start": start.isoformat(), "end": end.isoformat(), "rows": rows},
    )


# -- techniques ----------------------------------------------------------------


@transaction.atomic
def technique_save(*, actor, technique, changed):
    _require(actor, technique.school, "behaviour.manage_techniques")
    created = technique.pk is None
    technique.full_clean()
    technique.save()
    action = "behaviour.technique.created" if created else "behaviour.technique.changed"
    audit.record(action, actor=actor, obj=technique, school=technique.school, data=changed)
    return technique


@transaction.atomic
def techniques_seed_defaults(*, school, actor=None):
    """The common Team Teach and Norfolk Steps holds; names the school already has are left alone."""
    if actor is not None:
        _require(actor, school, "behaviour.manage_techniques")
    have = set(InterventionTechnique.objects.filter(school=school).values_list("name", flat=True))
    InterventionTechnique.objects.bulk_create(
        [
            InterventionTechnique(school=school, scheme=scheme, name=name, order=index)
            for index, (scheme, name) in enumerate(DEFAULT_TECHNIQUES)
            if name not in have
        ]
    )
    if actor is not None:
        audit.record("behaviour.techniques.seeded", actor=actor, school=school)


# -- training ------------------------------------------------------------------


@transaction.atomic
def training_save(*, actor, record, changed):
    """Add or change a training record; the audit entry keeps what changed."""
    _require(actor, record.school, "behaviour.manage_training")
    if record.voided_at:
        raise PastoralError("A voided training record cannot be changed.")
    _staff_of_school(record.school, [record.user])
    created = record.pk is None
    if created:
        record.recorded_by = actor
    if not record.certificate:
        record.certificate_type = ""
    elif not record.certificate._committed:  # a new file: its checked type names and serves it
        record.certificate_type = certificate_type(record.certificate.file)
    record.full_clean()
    record.save()
    action = "behaviour.training.created" if created else "behaviour.training.changed"
    audit.record(action, actor=actor, obj=record, school=record.school, data={"staff": str(record.user), **changed})
    return record


@transaction.atomic
def training_void(*, actor, record, reason):
    _require(actor, record.school, "behaviour.manage_training")
    return void_record(actor=actor, record=record, reason=reason, action="behaviour.training.voided", noun="record")


@transaction.atomic
def training_certificate_opened(*, actor, record):
    audit.record("behaviour.training.certificate_viewed", actor=actor, obj=record, school=record.school, data={})
