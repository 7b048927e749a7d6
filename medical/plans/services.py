"""Writes for individual healthcare plans: each change keeps the plan as it stood as a version."""

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.pupils.leavers import require_writable

from ..services import once, require, require_pupil
from .models import HealthcarePlan, HealthcarePlanVersion, default_review_date

M2M = ("conditions", "supporters", "copied_to")


def _snapshot(plan):
    data = model_to_dict(plan, exclude=["id", *M2M])
    for key, value in list(data.items()):
        if hasattr(value, "isoformat"):
            data[key] = value.isoformat()
    data["conditions"] = [c.name for c in plan.conditions.all()]
    data["supporters"] = [str(u) for u in plan.supporters.all()]
    data["copied_to"] = [str(u) for u in plan.copied_to.all()]
    return data


def _set_fields(plan, fields):
    changed = []
    for key, value in fields.items():
        if key in M2M or not hasattr(plan, key) or key in ("pupil", "school"):
            continue
        if getattr(plan, key) != value:
            changed.append(key)
            setattr(plan, key, value)
    return changed


def _set_m2m(plan, fields):
    changed = []
    for key in M2M:
        if key in fields:
            new = {obj.pk for obj in fields[key]}
            if set(getattr(plan, key).values_list("pk", flat=True)) != new:
                changed.append(key)
                getattr(plan, key).set(list(new))
    return changed


def plan_create(*, actor, submission_key=None, **fields):
    return once(
        HealthcarePlan,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _plan_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _plan_create(*, actor, submission_key, school, pupil, **fields):
    require(actor, school)
    require_pupil(actor, school, pupil)
    require_writable(actor, pupil)
    plan = HealthcarePlan(school=school, pupil=pupil, recorded_by=actor, submission_key=submission_key)
    if not fields.get("review_date"):
        fields["review_date"] = default_review_date(fields.get("plan_date"))
    _set_fields(plan, fields)
    plan.full_clean()
    plan.save()
    if "conditions" not in fields:
        fields["conditions"] = list(pupil.medical_conditions.filter(voided_at__isnull=True))
    _set_m2m(plan, fields)
    audit.record("medical.plan.created", actor=actor, obj=plan, pupil=pupil, data={"status": plan.status})
    return plan


@transaction.atomic
def plan_change(*, actor, plan, change_reason="", **fields):
    require(actor, plan.school)
    require_writable(actor, plan.pupil)
    plan = HealthcarePlan.objects.select_for_update().get(pk=plan.pk)
    before = _snapshot(plan)
    saved_by, saved_at = plan.recorded_by, plan.updated_at
    changed = _set_fields(plan, fields)
    plan.full_clean()
    changed += [
        key
        for key in M2M
        if key in fields and {o.pk for o in fields[key]} != set(getattr(plan, key).values_list("pk", flat=True))
    ]
    if not changed:
        raise PastoralError("Nothing has changed.")
    HealthcarePlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        data=before,
        saved_by=saved_by,
        saved_at=saved_at,
        replaced_by=actor,
        reason=change_reason,
    )
    plan.version += 1
    plan.recorded_by = actor
    plan.save()
    _set_m2m(plan, fields)
    audit.record(
        "medical.plan.changed",
        actor=actor,
        obj=plan,
        pupil=plan.pupil,
        data={"fields": changed, "version": plan.version},
    )
    return plan


@transaction.atomic
def plan_review(*, actor, plan, reviewed_on, next_review, notes=""):
    """A review with no change to the plan: the date moves on, and the plan as it stood is kept as a version."""
    require(actor, plan.school)
    if plan.status != HealthcarePlan.Status.ACTIVE:
        raise PastoralError("Only an active plan is reviewed.")
    if reviewed_on > timezone.localdate():
        from django.core.exceptions import ValidationError

        raise ValidationError({"reviewed_on": "This cannot be in the future."})
    return plan_change(
        actor=actor,
        plan=plan,
        change_reason=notes or "Reviewed",
        reviewed_on=reviewed_on,
        review_date=next_review,
    )
