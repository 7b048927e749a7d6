"""Writes for outcome measures: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError

from . import access, sdq, stars
from .models import SdqResponse, StarReading


def _require_record(actor, pupil):
    if not access.can_record(actor, pupil):
        raise PastoralError("You do not have permission to record outcome measures for this pupil.")


def _not_future(day, field):
    if day > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})


@transaction.atomic
def star_reading_record(*, actor, pupil, star, edition, taken_on, completed_with, scores, notes=None, worker=None):
    """A Star reading. Every area of the star's edition needs a whole-number score within its range."""
    _require_record(actor, pupil)
    spec = stars.edition(star, edition)
    if spec is None:
        raise ValidationError({"star": "Choose one of the Stars and editions listed."})
    _not_future(taken_on, "taken_on")
    problems = stars.check_scores(spec, scores)
    if problems:
        raise ValidationError({f"score_{key}": message for key, message in problems.items()})
    notes = {key: (notes or {}).get(key, "").strip() for key, _label in spec.areas}
    notes = {key: text for key, text in notes.items() if text}
    reading = StarReading(
        school=pupil.school,
        pupil=pupil,
        star=star,
        edition=edition,
        taken_on=taken_on,
        completed_with=completed_with,
        scores={key: int(scores[key]) for key, _label in spec.areas},
        notes=notes,
        worker=worker or actor,
        recorded_by=actor,
    )
    reading.full_clean()
    reading.save()
    audit.record(
        "provision.star.recorded",
        actor=actor,
        obj=reading,
        pupil=pupil,
        data={"star": star, "edition": edition, "taken_on": taken_on.isoformat()},
    )
    return reading


@transaction.atomic
def sdq_record(
    *, actor, pupil, informant, completed_on, items, difficulties="", impact=None, respondent="", follow_up=False
):
    """An SDQ: the 25 responses as entered (0, 1, 2 or None) and the impact answers (0..3 or None)."""
    _require_record(actor, pupil)
    if informant not in sdq.INFORMANTS:
        raise ValidationError({"informant": "Choose who completed the questionnaire."})
    _not_future(completed_on, "completed_on")
    items = list(items)
    problems = sdq.check_responses(items)
    if problems:
        raise ValidationError({f"item_{n}" if n else "__all__": message for n, message in problems.items()})
    impact = {key: value for key, value in (impact or {}).items() if value is not None}
    problems = sdq.check_impact(informant, difficulties or "", impact)
    if problems:
        raise ValidationError({f"impact_{key}" if key != "difficulties" else key: m for key, m in problems.items()})
    if all(item is None for item in items):
        raise ValidationError("Enter the responses: none of the 25 items has an answer.")
    response = SdqResponse(
        school=pupil.school,
        pupil=pupil,
        informant=informant,
        form_version=sdq.FORM_VERSION[informant],
        follow_up=follow_up,
        completed_on=completed_on,
        respondent=respondent,
        items=items,
        difficulties=difficulties or "",
        impact={key: impact[key] for key, _label in sdq.IMPACT_ITEMS[informant] if key in impact},
        recorded_by=actor,
    )
    response.full_clean()
    response.save()
    audit.record(
        "provision.sdq.recorded",
        actor=actor,
        obj=response,
        pupil=pupil,
        data={"informant": informant, "completed_on": completed_on.isoformat()},
    )
    return response


@transaction.atomic
def measure_withdraw(*, actor, record, reason):
    """Withdraw a reading or questionnaire entered in error: kept, shown as withdrawn, left out of every chart."""
    _require_record(actor, record.pupil)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.voided_at:
        raise PastoralError("This has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is withdrawn."})
    record.voided_at, record.voided_by, record.void_reason = timezone.now(), actor, reason.strip()
    record.save(update_fields=["voided_at", "voided_by", "void_reason"])
    action = "provision.star.withdrawn" if isinstance(record, StarReading) else "provision.sdq.withdrawn"
    audit.record(action, actor=actor, obj=record, pupil=record.pupil, data={"reason": record.void_reason})
    return record


def measures_viewed(*, actor, pupil):
    audit.record("provision.outcomes.viewed", actor=actor, obj=pupil, pupil=pupil)


def reading_viewed(*, actor, record):
    action = "provision.star.viewed" if isinstance(record, StarReading) else "provision.sdq.viewed"
    audit.record(action, actor=actor, obj=record, pupil=record.pupil)


def list_viewed(*, actor, school, what):
    audit.record(f"provision.{what}_list.viewed", actor=actor, school=school)
