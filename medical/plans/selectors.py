"""Reads for individual healthcare plans."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pastoral import breakglass, staff_training
from pastoral.accounts import access

from ..selectors import SHARED_PLANS, reading_schools
from .models import HealthcarePlan

Supporter = HealthcarePlan.supporters.through
CopiedTo = HealthcarePlan.copied_to.through


# The break-glass record kind (pastoral.breakglass): one healthcare plan, opened read-only in an emergency.
KIND = "medical.healthcare_plan"


def _named(user):
    return Exists(Supporter.objects.filter(healthcareplan_id=OuterRef("pk"), user_id=user.pk)) | Exists(
        CopiedTo.objects.filter(healthcareplan_id=OuterRef("pk"), user_id=user.pk)
    )


def plans_visible_to(user):
    """Every plan of the schools where the user reads medical records; elsewhere in their schools, the plans they
    support or that were copied to them (teachers of the pupil); and a plan opened in an emergency (break-glass)."""
    shared = access.schools_with_perm(user, SHARED_PLANS)
    condition = Q(school_id__in=reading_schools(user))
    if shared and user.is_authenticated:
        condition |= Q(school_id__in=shared) & Q(_named(user))
    glass = breakglass.granted(user, KIND)
    if glass is not None:
        condition |= glass
    return HealthcarePlan.objects.filter(condition)


def can_read_plan(user, plan):
    """On the plan's access list (without any break-glass opening)."""
    if plan.school_id in reading_schools(user):
        return True
    if not access.has_school_perm(user, plan.school_id, SHARED_PLANS):
        return False
    return HealthcarePlan.objects.filter(_named(user), pk=plan.pk).exists()


def get_plan_for_user(user, code):
    rows = HealthcarePlan.objects.select_related("pupil", "school", "recorded_by")
    plan = plans_visible_to(user).select_related("pupil", "school", "recorded_by").filter(code=code).first()
    if plan is not None:
        breakglass.note_read(user, KIND, plan)
        return plan
    record = rows.filter(code=code).first()
    known = record is not None and access.is_member_of(user, record.school_id)
    breakglass.refuse(user, record, code, "medical.plan.refused", allowed_to_know=known, noun="plan", kind_name=KIND)


def active(queryset):
    return queryset.filter(status=HealthcarePlan.Status.ACTIVE)


def overdue_reviews(queryset, today=None):
    """Active plans whose review date has passed (a review due today is not yet overdue)."""
    return active(queryset).filter(review_date__lt=today or timezone.localdate())


def supporters_with_training(plan, day=None):
    """[(user, in_date)] for the plan's named supporters, against the training records of the plan's school."""
    day = day or timezone.localdate()
    people = list(plan.supporters.order_by("last_name", "first_name"))
    trained = staff_training.trained_user_ids(plan.school, [p.pk for p in people], [plan.training_course], day)
    return [(person, person.pk in trained) for person in people]
