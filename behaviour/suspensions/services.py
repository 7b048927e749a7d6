"""Writes for suspensions and permanent exclusions: one transaction per action, audited in it."""

import datetime

from django.contrib.postgres.aggregates import BoolAnd
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from pastoral import audit, plan_hooks
from pastoral.exceptions import PastoralError
from pastoral.models import Pupil
from pastoral.selectors import pupils_visible_to
from pastoral.voiding import void_record

from ..events.selectors import events_visible_to
from ..services import _once, _require
from . import school_days
from .models import (
    ExclusionReasonCode,
    GovernorsReview,
    GovernorTask,
    ReintegrationMeeting,
    Suspension,
    SuspensionNotification,
)
from .selectors import assess, finalise_blockers


class SuspensionRefused(PastoralError):
    """The rules refuse the action; `problems` lists every reason."""

    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = list(problems)


FIELDS = [
    "kind",
    "start_date",
    "start_session",
    "length_units",
    "summary",
    "misses_public_exam",
    "exam_details",
    "work_set",
    "work_set_by",
    "provision",
    "provision_by",
    "provision_start",
]


SUBMISSION_KEY_CONSTRAINT = "behaviour_suspension_submission_key_key"


def _constraint(exc):
    """The name of the database constraint an IntegrityError broke, if the driver says."""
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)


def _check_links(actor, school, pupil, reasons, incidents, start_date):
    if not pupils_visible_to(actor).filter(school=school, pk=pupil.pk).exists():
        raise PastoralError("The pupil must be one of this school's pupils that you can see.")
    reason_ids = {reason.pk for reason in reasons}
    if not 1 <= len(reason_ids) <= 3:
        raise PastoralError("Choose one to three different reasons from the DfE list.")
    if ExclusionReasonCode.active_on(start_date).filter(pk__in=reason_ids).count() != len(reason_ids):
        raise PastoralError("Every reason must be on the DfE list in use on the first day.")
    incident_ids = {event.pk for event in incidents}
    usable = events_visible_to(actor).filter(pk__in=incident_ids, school=school, pupil=pupil, voided_at__isnull=True)
    if usable.count() != len(incident_ids):
        raise PastoralError("Every linked incident must be a current behaviour event of this pupil.")
    return reason_ids, incident_ids


def _normalise(values):
    if values.get("kind") == Suspension.Kind.PERMANENT:
        values["length_units"] = None
    elif not values.get("length_units"):
        raise PastoralError("Give the length of the suspension.")
    if values.get("kind") == Suspension.Kind.LUNCHTIME:
        values["start_session"] = Suspension.Session.PM
    if not values.get("misses_public_exam"):
        values["exam_details"] = ""
    return values


@transaction.atomic
def suspension_save_draft(
    *, actor, school, pupil, reasons, incidents=(), suspension=None, submission_key=None, **values
):
    """Create a draft (one per submission key) or change one. The 45-day limit is checked here too."""
    _require(actor, school, "behaviour.record_suspension")
    if submission_key and suspension is None:
        existing = Suspension.objects.filter(submission_key=submission_key, school=school).first()
        if existing is not None:
            return existing
    values = _normalise({name: values[name] for name in FIELDS if name in values})
    reason_ids, incident_ids = _check_links(actor, school, pupil, reasons, incidents, values["start_date"])
    # One pupil's suspensions are decided one at a time, so two drafts cannot both squeeze under 45 days.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if suspension is None:
        suspension = Suspension(school=school, pupil=pupil, recorded_by=actor)
        if submission_key:
            suspension.submission_key = submission_key
        creating = True
    else:
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if not suspension.is_draft or suspension.voided_at:
            raise PastoralError("Only a draft can be changed. A finalised decision is voided and recorded again.")
        if suspension.pupil_id != pupil.pk:
            raise PastoralError("A draft cannot be moved to another pupil.")
        creating = False
    before = {name: getattr(suspension, name) for name in FIELDS}
    for name, value in values.items():
        setattr(suspension, name, value)
    assessment = assess(suspension)
    if assessment.problems:
        raise SuspensionRefused(assessment.problems)
    suspension.end_date = assessment.end_date
    try:
        with transaction.atomic():
            suspension.save()
    except IntegrityError as exc:
        # Only a racing copy of this school's own form is answered with the draft it made; any other clash
        # (another school's record, another constraint) is never handed back.
        if not (creating and submission_key and _constraint(exc) == SUBMISSION_KEY_CONSTRAINT):
            raise
        existing = Suspension.objects.filter(submission_key=submission_key, school=school).first()
        if existing is None:
            raise PastoralError("This form has already been used. Open a new form and try again.") from exc
        return existing
    suspension.reasons.set(reason_ids)
    suspension.incidents.set(incident_ids)
    changed = {
        name: str(getattr(suspension, name)) for name in FIELDS if creating or before[name] != getattr(suspension, name)
    }
    audit.record(
        "behaviour.suspension.drafted" if creating else "behaviour.suspension.changed",
        actor=actor,
        obj=suspension,
        pupil=pupil,
        data={**changed, "reasons": sorted(r.census_code for r in reasons), "incidents": len(incident_ids)},
    )
    return suspension


@transaction.atomic
def suspension_finalise(*, actor, suspension):
    """The headteacher's decision: refused with every reason, or finalised with the governors' tasks."""
    _require(actor, suspension.school, "behaviour.decide_suspension")
    Pupil.objects.select_for_update().filter(pk=suspension.pupil_id).first()
    suspension = Suspension.objects.select_for_update().select_related("pupil", "school").get(pk=suspension.pk)
    if suspension.voided_at:
        raise PastoralError("This record has been voided.")
    if not suspension.is_draft:
        raise PastoralError("This decision has already been finalised.")
    today = timezone.localdate()
    assessment = assess(suspension, decided_on=today)
    problems = finalise_blockers(suspension, assessment)
    if problems:
        raise SuspensionRefused(problems)
    suspension.status = Suspension.Status.FINALISED
    suspension.decided_by = actor
    suspension.decided_at = timezone.now()
    suspension.end_date = assessment.end_date
    suspension.save(update_fields=["status", "decided_by", "decided_at", "end_date", "updated_at"])
    tasks = GovernorTask.objects.bulk_create(
        [
            GovernorTask(school=suspension.school, suspension=suspension, kind=kind, reason=reason, due_on=due)
            for kind, reason, due in assessment.tasks
        ]
    )
    audit.record(
        "behaviour.suspension.finalised",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={
            "year_days": str(assessment.year_days),
            "governor_tasks": [f"{task.kind} by {task.due_on.isoformat()}" for task in tasks],
        },
    )
    plan_hooks.review_needed(pupil=suspension.pupil, reason=f"{suspension.get_kind_display()} finalised", actor=actor)
    return suspension


@transaction.atomic
def suspension_cancel(*, actor, suspension, reason, returns_on, returns_session=Suspension.Session.AM):
    """The headteacher cancels a decision the governing board has not yet reviewed: the pupil comes back on
    `returns_on`, the days before it still count, and parents, the board, the LA (and any social worker or
    virtual school head) must be told with the reason (the page lists who is still to be told)."""
    _require(actor, suspension.school, "behaviour.decide_suspension")
    suspension = Suspension.objects.select_for_update().select_related("pupil", "school").get(pk=suspension.pk)
    if suspension.voided_at:
        raise PastoralError("This record has been voided.")
    if suspension.is_draft:
        raise PastoralError("A draft is not a decision yet: change or void it instead.")
    if suspension.cancelled_at:
        raise PastoralError("This decision has already been cancelled.")
    if not reason.strip():
        raise PastoralError("Give the reason: parents, the board and the local authority are told it.")
    reviewed = suspension.governor_tasks.filter(
        kind=GovernorTask.Kind.REINSTATEMENT_MEETING, done_at__isnull=False
    ).exists()
    if reviewed:
        raise PastoralError(
            "The governing board has reviewed this decision, so the headteacher can no longer cancel it."
        )
    today = timezone.localdate()
    if returns_on < today:
        raise PastoralError("The pupil cannot come back on a day already past: choose today or a later day.")
    if suspension.end_date and returns_on > suspension.end_date and suspension.kind != Suspension.Kind.PERMANENT:
        raise PastoralError("That is after the suspension ends anyway.")
    returns_on = max(returns_on, suspension.start_date)
    suspension.cancelled_at = timezone.now()
    suspension.cancelled_by = actor
    suspension.cancel_reason = reason
    suspension.returns_on = returns_on
    suspension.returns_session = returns_session
    suspension.save(
        update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "returns_on", "returns_session", "updated_at"]
    )
    audit.record(
        "behaviour.suspension.cancelled",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={"returns_on": returns_on.isoformat(), "session": returns_session},
    )
    return suspension


IRP_WITHIN_DAYS = 15  # school days from the governors' decision notice to ask for an independent review panel


@transaction.atomic
def governors_review_record(
    *, actor, suspension, met_on, outcome, attended="", reinstated_on=None, decision_sent_on=None, notes=""
):
    """The board's consideration (recorded for the clerk by the head or a lead): upheld or reinstated. It
    completes the open reinstatement and representations tasks, and a reinstatement ends the decision."""
    _require(actor, suspension.school, "behaviour.record_suspension")
    suspension = Suspension.objects.select_for_update().select_related("pupil", "school").get(pk=suspension.pk)
    if suspension.voided_at or suspension.is_draft:
        raise PastoralError("Only a finalised decision is considered by the governing board.")
    if GovernorsReview.objects.filter(suspension=suspension).exists():
        raise PastoralError("The board's consideration is already recorded.")
    today = timezone.localdate()
    if met_on > today or (decision_sent_on and decision_sent_on > today):
        raise PastoralError("The meeting and the letter cannot be in the future.")
    if met_on < suspension.start_date:
        raise PastoralError("The board cannot have met before the suspension began.")
    if outcome == GovernorsReview.Outcome.REINSTATE and reinstated_on is None:
        raise PastoralError("Give the day the pupil was reinstated from.")
    if outcome == GovernorsReview.Outcome.UPHOLD:
        reinstated_on = None
    review = GovernorsReview.objects.create(
        suspension=suspension,
        met_on=met_on,
        attended=attended,
        outcome=outcome,
        reinstated_on=reinstated_on,
        decision_sent_on=decision_sent_on,
        notes=notes,
        recorded_by=actor,
    )
    note = f"Governing board met on {met_on.isoformat()}: {review.get_outcome_display().lower()}"
    suspension.governor_tasks.filter(
        kind__in=[GovernorTask.Kind.REINSTATEMENT_MEETING, GovernorTask.Kind.REPRESENTATIONS], done_at__isnull=True
    ).update(done_at=timezone.now(), done_by=actor, done_note=note)
    audit.record(
        "behaviour.suspension.governors_review",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={"met_on": met_on.isoformat(), "outcome": outcome},
    )
    return review


@transaction.atomic
def review_panel_record(
    *,
    actor,
    suspension,
    panel_requested_on,
    panel_met_on=None,
    panel_outcome="",
    reconsidered_on=None,
    reconsidered_outcome="",
):
    """The independent review panel of an upheld permanent exclusion, and any reconsideration it asks for."""
    _require(actor, suspension.school, "behaviour.record_suspension")
    review = GovernorsReview.objects.select_for_update().filter(suspension=suspension).first()
    if (
        suspension.kind != Suspension.Kind.PERMANENT
        or review is None
        or review.outcome != GovernorsReview.Outcome.UPHOLD
    ):
        raise PastoralError("A review panel follows a permanent exclusion the governing board upheld.")
    today = timezone.localdate()
    for day in (panel_requested_on, panel_met_on, reconsidered_on):
        if day and day > today:
            raise PastoralError("These dates cannot be in the future.")
    if panel_requested_on < review.met_on:
        raise PastoralError("A review is asked for after the board's decision.")
    if reconsidered_outcome and not reconsidered_on:
        raise PastoralError("Give the day the governors reconsidered.")
    if reconsidered_on and panel_outcome not in (
        GovernorsReview.PanelOutcome.RECOMMEND,
        GovernorsReview.PanelOutcome.QUASH,
    ):
        raise PastoralError("The governors reconsider only when the panel recommends or directs it.")
    review.panel_requested_on = panel_requested_on
    review.panel_met_on = panel_met_on
    review.panel_outcome = panel_outcome
    review.reconsidered_on = reconsidered_on
    review.reconsidered_outcome = reconsidered_outcome
    review.save()
    audit.record(
        "behaviour.suspension.review_panel",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={
            "requested": panel_requested_on.isoformat(),
            "outcome": panel_outcome,
            "reconsidered": reconsidered_outcome,
        },
    )
    return review


def panel_deadline(review, terms):
    """The last day parents may ask for an independent review panel: 15 school days after the decision notice."""
    sent = review.decision_sent_on or review.met_on
    try:
        return school_days.add_school_days(sent, IRP_WITHIN_DAYS, terms)
    except school_days.CalendarError:
        return None


@transaction.atomic
def suspension_void(*, actor, suspension, reason):
    """Drafts are voided by whoever may draft; a decision only by the headteacher."""
    perm = "behaviour.record_suspension" if suspension.is_draft else "behaviour.decide_suspension"
    _require(actor, suspension.school, perm)
    return void_record(
        actor=actor, record=suspension, reason=reason, action="behaviour.suspension.voided", noun="suspension"
    )


def _open(suspension):
    if suspension.voided_at:
        raise PastoralError("This record has been voided.")


def notification_record(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) records one notification."""
    create = lambda: _notification_record(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(SuspensionNotification, actor=actor, submission_key=submission_key, create=create)


@transaction.atomic
def _notification_record(
    *, actor, suspension, recipient, notified_at, method, submission_key, recipient_name="", notes=""
):
    _require(actor, suspension.school, "behaviour.record_suspension")
    _open(suspension)
    if notified_at > timezone.now() + timezone.timedelta(minutes=5):
        raise PastoralError("The time told cannot be in the future.")
    notification = SuspensionNotification.objects.create(
        suspension=suspension,
        recipient=recipient,
        recipient_name=recipient_name,
        notified_at=notified_at,
        method=method,
        notes=notes,
        recorded_by=actor,
        submission_key=submission_key,
    )
    audit.record(
        "behaviour.suspension.notified",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={"recipient": recipient, "method": method, "at": notified_at.isoformat()},
    )
    return notification


def reintegration_record(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) records one meeting."""
    create = lambda: _reintegration_record(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(ReintegrationMeeting, actor=actor, submission_key=submission_key, create=create)


@transaction.atomic
def _reintegration_record(
    *, actor, suspension, held_on, attendees, agreed_support, submission_key, offered_on=None, plan_reference=""
):
    _require(actor, suspension.school, "behaviour.record_suspension")
    _open(suspension)
    if suspension.is_draft or suspension.kind == Suspension.Kind.PERMANENT:
        raise PastoralError("A reintegration meeting follows a finalised suspension.")
    if held_on < suspension.start_date:
        raise PastoralError("The meeting cannot be before the suspension started.")
    if held_on > timezone.localdate():
        raise PastoralError("The meeting cannot be in the future.")
    meeting = ReintegrationMeeting.objects.create(
        suspension=suspension,
        offered_on=offered_on,
        held_on=held_on,
        attendees=attendees,
        agreed_support=agreed_support,
        plan_reference=plan_reference,
        recorded_by=actor,
        submission_key=submission_key,
    )
    audit.record(
        "behaviour.suspension.reintegration",
        actor=actor,
        obj=suspension,
        pupil=suspension.pupil,
        data={"held_on": held_on.isoformat()},
    )
    return meeting


@transaction.atomic
def governor_task_complete(*, actor, task, note):
    _require(actor, task.school, "behaviour.decide_suspension")
    task = GovernorTask.objects.select_for_update().select_related("suspension__pupil").get(pk=task.pk)
    if task.done_at:
        raise PastoralError("This task is already done.")
    note = (note or "").strip()
    if not note:
        raise PastoralError("Say what was done (for example the meeting date and outcome).")
    task.done_at = timezone.now()
    task.done_by = actor
    task.done_note = note
    task.save(update_fields=["done_at", "done_by", "done_note"])
    audit.record(
        "behaviour.governor_task.done",
        actor=actor,
        obj=task,
        pupil=task.suspension.pupil,
        school=task.school,
        data={"kind": task.kind, "note": note[:200]},
    )
    return task


def reason_list_versions():
    """Every census reason list version with its dates, how many codes and whether it is confirmed."""
    return list(
        ExclusionReasonCode.objects.values("list_version")
        .annotate(
            codes=Count("pk"),
            valid_from=Min("valid_from"),
            valid_to=Max("valid_to"),
            confirmed=BoolAnd("confirmed"),
        )
        .order_by("valid_from", "list_version")
    )


@transaction.atomic
def confirm_reason_list(version, valid_from, *, operator=""):
    """Offer an unconfirmed census reason list from `valid_from`; the confirmed lists still open end the day
    before. Past suspensions keep their reasons: a reason row is never changed or removed. Returns the ended
    versions."""
    rows = ExclusionReasonCode.objects.select_for_update().filter(list_version=version)
    if not rows.exists():
        raise PastoralError(f"There is no reason list called {version!r}.")
    if not rows.filter(confirmed=False).exists():
        raise PastoralError(f"{version} is already confirmed.")
    day_before = valid_from - datetime.timedelta(days=1)
    open_lists = ExclusionReasonCode.objects.filter(confirmed=True, valid_to__isnull=True).exclude(list_version=version)
    if open_lists.filter(valid_from__gt=day_before).exists():
        raise PastoralError("The list in use starts after that date: choose a later one.")
    ended = sorted(set(open_lists.values_list("list_version", flat=True)))
    open_lists.update(valid_to=day_before)
    rows.update(confirmed=True, valid_from=valid_from)
    audit.record(
        "behaviour.reason_list.confirmed",
        actor_label=operator or "platform operator",
        data={"version": version, "valid_from": valid_from.isoformat(), "ended": ended},
    )
    return ended
