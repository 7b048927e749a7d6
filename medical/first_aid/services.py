"""Writes for the accident and first-aid log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.voiding import void_record

from ..emergency.models import settings_for
from ..selectors import RIDDOR
from ..services import once, require, require_pupil
from .models import HEAD_PARTS, Accident

FIELDS = [
    "person_kind",
    "pupil",
    "person_name",
    "occurred_at",
    "location",
    "what_happened",
    "injury",
    "body_part",
    "treatment",
    "treated_by",
    "outcome",
    "parents_informed",
    "parents_informed_at",
    "parents_informed_how",
    "parents_informed_by",
    "head_injury",
    "head_letter_given",
    "riddor_possible",
    "possibly_non_accidental",
]


def accident_record(*, actor, submission_key=None, **fields):
    return once(
        Accident,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _accident_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _accident_create(*, actor, submission_key, school, **fields):
    require(actor, school)
    values = {k: v for k, v in fields.items() if k in FIELDS}
    if values.get("person_kind", Accident.Person.PUPIL) == Accident.Person.PUPIL:
        if values.get("pupil") is None:
            raise ValidationError({"pupil": "Choose the pupil."})
        require_pupil(actor, school, values["pupil"])
        values["person_name"] = ""
    else:
        if not settings_for(school).adult_accidents:
            raise ValidationError({"person_kind": "This school's log is for pupils only."})
        values["pupil"] = None
    # A bump to the head or face is a head injury, whatever box was ticked.
    if values.get("body_part") in HEAD_PARTS:
        values["head_injury"] = True
    # Taken from the scene to hospital may be reportable: flagged for the headteacher to decide.
    if values.get("outcome") in (Accident.Outcome.HOSPITAL, Accident.Outcome.AMBULANCE):
        values["riddor_possible"] = True
    if not values.get("parents_informed"):
        values.update(parents_informed_at=None, parents_informed_how="", parents_informed_by=None)
    accident = Accident(school=school, recorded_by=actor, submission_key=submission_key, **values)
    accident.full_clean()
    accident.save()
    audit.record(
        "medical.accident.recorded",
        actor=actor,
        obj=accident,
        pupil=accident.pupil,
        data={"injury": accident.injury, "head": accident.head_injury, "riddor": accident.riddor_possible},
    )
    return accident


@transaction.atomic
def accident_parents_informed(*, actor, accident, informed_at, how, letter_given=False):
    require(actor, accident.school)
    if accident.voided_at:
        raise PastoralError("This record has been voided.")
    accident.parents_informed = True
    accident.parents_informed_at, accident.parents_informed_how, accident.parents_informed_by = informed_at, how, actor
    if letter_given:
        accident.head_letter_given = True
    accident.full_clean()
    accident.save()
    audit.record(
        "medical.accident.parents_informed",
        actor=actor,
        obj=accident,
        pupil=accident.pupil,
        data={"how": how, "letter": letter_given},
    )
    return accident


@transaction.atomic
def accident_riddor_decide(*, actor, accident, decision):
    require(actor, accident.school, RIDDOR)
    if decision not in (Accident.Riddor.REPORTED, Accident.Riddor.NOT_REPORTABLE):
        raise PastoralError("Choose whether it was reported.")
    accident.riddor_decision, accident.riddor_decided_by, accident.riddor_decided_at = decision, actor, timezone.now()
    accident.save(update_fields=["riddor_decision", "riddor_decided_by", "riddor_decided_at"])
    audit.record(
        "medical.accident.riddor_decided", actor=actor, obj=accident, pupil=accident.pupil, data={"decision": decision}
    )
    return accident


@transaction.atomic
def accident_void(*, actor, accident, reason):
    require(actor, accident.school)
    return void_record(actor=actor, record=accident, reason=reason, action="medical.accident.voided", noun="record")
