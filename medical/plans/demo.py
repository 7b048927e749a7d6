"""Demo healthcare plans for the demo conditions that need one: the first is overdue for review, and the pupil
with a new diagnosis has none yet."""

import datetime

from django.utils import timezone

from ..conditions.models import MedicalCondition
from ..demo import code, medic_of
from .models import HealthcarePlan, default_review_date


def seed_plans(school, staff_by_role, pupils, rng, term):
    medic = medic_of(staff_by_role)
    if medic is None:
        return
    today = timezone.localdate()
    # Pupils diagnosed or joined in the last two weeks are still waiting for their arrangements.
    conditions = list(
        MedicalCondition.objects.filter(school=school, voided_at__isnull=True)
        .exclude(identified_on__gt=today - datetime.timedelta(days=14))
        .select_related("pupil", "condition_type")
        .order_by("pk")
    )
    plans = []
    for index, condition in enumerate(conditions):
        if not condition.needs_plan:
            continue
        overdue = index == 0
        plan_date = today - datetime.timedelta(days=375 if overdue else rng.randint(20, 300))
        plans.append(
            HealthcarePlan(
                code=code(rng),
                school=school,
                pupil=condition.pupil,
                status=HealthcarePlan.Status.ACTIVE,
                plan_date=plan_date,
                review_date=today - datetime.timedelta(days=10) if overdue else default_review_date(plan_date),
                ehcp_linked=condition.pupil.sen_status == "E",
                diagnosis=condition.name,
                symptoms="See the school nurse's notes",
                medication=condition.medication_location,
                emergency_signs="Breathing difficulty, collapse, or a seizure lasting more than 5 minutes",
                emergency_action="Call 999, give the emergency medicine as trained, then call parents",
                emergency_responsible="Medical lead or the nearest first aider",
                developed_with_parents=True,
                developed_with_parent_names="Parents",
                developed_with_professional="Kerry Lomas, school nurse",
                recorded_by=medic,
            )
        )
    HealthcarePlan.objects.bulk_create(plans)
    for plan in plans:
        plan.supporters.add(medic)
