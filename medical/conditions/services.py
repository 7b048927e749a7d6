"""Writes for medical conditions: keyword-only `<entity>_<action>` functions, one transaction each, audited.

The pupil's one-line `medical_alert` (the core field every member of staff sees on the profile, the pupil
list and the picker) is rebuilt from the current conditions' alerts whenever a condition changes.
"""

from django.db import transaction

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.pupils.leavers import require_writable
from pastoral.voiding import void_record

from ..selectors import MANAGE
from ..services import once, require, require_pupil
from .models import ConditionType, MedicalCondition

ALERT_MAX = 200
FIELDS = (
    "condition_type",
    "other_name",
    "severity",
    "alert",
    "details",
    "medication_location",
    "identified_on",
    "needs_plan",
)


def pupil_alert_text(pupil):
    rows = MedicalCondition.objects.filter(pupil=pupil, voided_at__isnull=True).values_list("severity", "alert")
    alerts = [a for _s, a in sorted(rows, key=lambda r: MedicalCondition.SEVERITY_ORDER.get(r[0], 9))]
    text = "; ".join(alerts)
    return text if len(text) <= ALERT_MAX else text[: ALERT_MAX - 1] + "…"


def _sync_alert(pupil):
    text = pupil_alert_text(pupil)
    if pupil.medical_alert != text:
        pupil.medical_alert = text
        pupil.save(update_fields=["medical_alert", "updated_at"])


def condition_record(*, actor, submission_key=None, **fields):
    return once(
        MedicalCondition,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _condition_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _condition_create(*, actor, submission_key, school, pupil, **fields):
    require(actor, school)
    require_pupil(actor, school, pupil)
    require_writable(actor, pupil)
    condition = MedicalCondition(
        school=school, pupil=pupil, recorded_by=actor, submission_key=submission_key, **_known(fields)
    )
    condition.full_clean()
    condition.save()
    _sync_alert(pupil)
    audit.record(
        "medical.condition.recorded",
        actor=actor,
        obj=condition,
        pupil=pupil,
        data={"condition": condition.name, "severity": condition.severity},
    )
    return condition


def _known(fields):
    return {key: value for key, value in fields.items() if key in FIELDS}


@transaction.atomic
def condition_change(*, actor, condition, **fields):
    require(actor, condition.school)
    require_writable(actor, condition.pupil)
    if condition.voided_at:
        raise PastoralError("A voided condition cannot be changed.")
    changed = {}
    for key, value in _known(fields).items():
        old = getattr(condition, key)
        if old != value:
            changed[key] = [str(old or ""), str(value or "")]
            setattr(condition, key, value)
    condition.full_clean()
    condition.save()
    _sync_alert(condition.pupil)
    audit.record("medical.condition.changed", actor=actor, obj=condition, pupil=condition.pupil, data=changed)
    return condition


@transaction.atomic
def condition_void(*, actor, condition, reason):
    require(actor, condition.school)
    void_record(actor=actor, record=condition, reason=reason, action="medical.condition.voided", noun="condition")
    _sync_alert(condition.pupil)
    return condition


@transaction.atomic
def condition_type_save(*, actor, school, name, active=True, condition_type=None):
    require(actor, school, MANAGE)
    name = (name or "").strip()
    if not name:
        raise PastoralError("Give the condition a name.")
    clash = ConditionType.objects.filter(school=school, name__iexact=name)
    if condition_type is not None:
        clash = clash.exclude(pk=condition_type.pk)
    if clash.exists():
        from django.core.exceptions import ValidationError

        raise ValidationError({"name": "This school's list already has that condition."})
    if condition_type is None:
        condition_type = ConditionType(school=school)
        action = "medical.condition_type.created"
    else:
        action = "medical.condition_type.changed"
    condition_type.name, condition_type.active = name, active
    condition_type.full_clean()
    condition_type.save()
    audit.record(action, actor=actor, obj=condition_type, school=school, data={"name": name, "active": active})
    return condition_type
