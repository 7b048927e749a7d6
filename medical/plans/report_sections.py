"""Healthcare plans' figures for the medical section of the termly report (medical/report_sections.py)."""

from django.db.models import Count, Q

from .models import HealthcarePlan


def plan_figures(school_ids, start, end, low, high):
    """Plans active at the end of the period, reviews on time (due on the last day counts) or overdue, reviews done."""
    plans = HealthcarePlan.objects.filter(school_id__in=school_ids, status=HealthcarePlan.Status.ACTIVE)
    return plans.aggregate(
        in_place=Count("pk", filter=Q(plan_date__lte=end)),
        on_time=Count("pk", filter=Q(plan_date__lte=end, review_date__gte=end)),
        overdue=Count("pk", filter=Q(plan_date__lte=end, review_date__lt=end)),
        reviewed=Count("pk", filter=Q(reviewed_on__gte=start, reviewed_on__lte=end)),
    )
