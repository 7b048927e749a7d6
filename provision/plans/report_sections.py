"""Support plans' section of the termly report: counts only (trust leaders read it too)."""

from django.db.models import Count, F, Q

from pastoral.files.reports import Section, Table

from .kinds import SHORT_LABELS, Kind
from .models import PlanReview, SupportPlan
from .selectors import plans_counted_for


def build_plans(user, schools, start, end, previous_start, previous_end):
    plans = plans_counted_for(user).filter(school_id__in=[school.pk for school in schools])
    in_force_at_end = plans.filter(activated_at__date__lte=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__date__gt=end)
    )
    by_kind = dict(in_force_at_end.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    reviews = PlanReview.objects.filter(plan__in=plans, reviewed_on__gte=start, reviewed_on__lte=end).aggregate(
        done=Count("pk"), on_time=Count("pk", filter=Q(reviewed_on__lte=F("due_on")))
    )
    overdue = plans.filter(status__in=SupportPlan.IN_FORCE, review_date__lt=end).count()
    reintegration = plans.filter(kind=Kind.REINTEGRATION, created_at__date__gte=start, created_at__date__lte=end)
    return Section(
        title="Support plans",
        headlines=[
            ("Plans in place at the end of the period", sum(by_kind.values())),
            ("Reviews done", reviews["done"]),
            ("Reviews done on time", reviews["on_time"]),
            ("Reviews overdue", overdue),
            ("Reintegration plans after suspensions", reintegration.count()),
        ],
        tables=[
            Table(
                "Plans in place by kind",
                ["Kind", "Plans"],
                [[SHORT_LABELS[kind], by_kind.get(kind.value, 0)] for kind in Kind],
            )
        ],
        notes=["Counts only: no pupil is named. Overdue means in force with its review date before the period's end."],
    )
