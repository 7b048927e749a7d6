"""Reads for medical conditions and alerts."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pastoral.accounts import access

from ..selectors import VIEW, VIEW_ALERTS, get_or_refuse, reading_schools
from .models import DEFAULT_CONDITION_TYPES, ConditionType, MedicalCondition

ARRANGEMENTS_DAYS = 14


def conditions_visible_to(user):
    return MedicalCondition.objects.filter(school_id__in=reading_schools(user))


def current(queryset):
    return queryset.filter(voided_at__isnull=True)


def get_condition_for_user(user, code):
    rows = MedicalCondition.objects.select_related("pupil", "school", "condition_type", "recorded_by", "voided_by")
    return get_or_refuse(rows, user, code, "condition", "medical.condition.refused")


def condition_types_for(school, *, active_only=False):
    types = ConditionType.objects.filter(school=school)
    if not types.exists():
        ConditionType.objects.bulk_create(
            [ConditionType(school=school, name=name) for name in DEFAULT_CONDITION_TYPES], ignore_conflicts=True
        )
    return types.filter(active=True) if active_only else types


def alerts_for(user, pupil):
    """The pupil's one-line alerts, most severe first, for any member of staff of the school; [] for anyone else."""
    if not access.has_school_perm(user, pupil.school_id, VIEW_ALERTS):
        return []
    rows = current(MedicalCondition.objects.filter(pupil=pupil)).values_list("severity", "alert")
    return [alert for _severity, alert in sorted(rows, key=lambda r: MedicalCondition.SEVERITY_ORDER.get(r[0], 9))]


def arrangements_due(user, school, today=None):
    """Pupils with a condition needing a plan and no active plan yet: "arrangements due within 2 weeks" of the
    diagnosis or joining day. Each row carries `due_on` (identified + 14 days) and `overdue`."""
    from ..plans.models import HealthcarePlan

    today = today or timezone.localdate()
    active = HealthcarePlan.objects.filter(pupil=OuterRef("pupil"), status=HealthcarePlan.Status.ACTIVE)
    rows = list(
        current(conditions_visible_to(user).filter(school=school, needs_plan=True))
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=today))
        .filter(~Exists(active))
        .select_related("pupil", "condition_type")
        .order_by("identified_on", "pk")
    )
    for row in rows:
        row.due_on = row.identified_on + datetime.timedelta(days=ARRANGEMENTS_DAYS)
        row.overdue = row.due_on < today
    return rows


def can_see(user, school):
    return access.has_school_perm(user, school, VIEW)
