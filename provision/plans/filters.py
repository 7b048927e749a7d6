"""The plan list's filters, shared by the page and its CSV export."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from pastoral.lists import StyledFilterForm

from . import selectors
from .kinds import Kind
from .models import SupportPlan

REVIEW_CHOICES = [("overdue", "Overdue"), ("due", "Due now (today or overdue)"), ("soon", "Due in the next 30 days")]


class PlanFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=Kind.choices, empty_label="Every kind")
    status = django_filters.ChoiceFilter(
        label="Status", choices=SupportPlan.Status.choices, empty_label="Every status", method="filter_status"
    )
    review = django_filters.ChoiceFilter(
        label="Review", choices=REVIEW_CHOICES, empty_label="Any review date", method="filter_review"
    )

    class Meta:
        model = SupportPlan
        fields = ["kind"]
        form = StyledFilterForm

    def filter_status(self, rows, name, value):
        today = timezone.localdate()
        if value == SupportPlan.Status.REVIEW_DUE:
            # Review due is shown as soon as the date comes, whatever the stored status.
            return rows.filter(status__in=SupportPlan.IN_FORCE).filter(Q(status=value) | Q(review_date__lte=today))
        if value in (SupportPlan.Status.ACTIVE, SupportPlan.Status.REVIEWED):
            return rows.filter(status=value, review_date__gt=today)
        return rows.filter(status=value)

    def filter_review(self, rows, name, value):
        today = timezone.localdate()
        rows = rows.filter(status__in=SupportPlan.IN_FORCE)
        if value == "overdue":
            return rows.filter(review_date__lt=today)
        if value == "due":
            return rows.filter(review_date__lte=today)
        return rows.filter(review_date__lte=today + timezone.timedelta(days=30))


def plan_filter(user, school, data):
    rows = (
        selectors.plans_visible_to(user)
        .filter(school=school)
        .select_related("pupil", "created_by")
        .order_by("review_date", "pk")
    )
    return PlanFilterSet(data or None, rows)
