"""The healthcare plans list's filters, shared by the page and its CSV export."""

import django_filters
from django.utils import timezone

from pastoral.lists import FlagFilter, StyledFilterForm

from . import selectors
from .models import HealthcarePlan


class PlanFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=HealthcarePlan.Status.choices, label="Status", empty_label="Any status"
    )
    overdue = FlagFilter(method="filter_overdue", label="Review overdue only")

    class Meta:
        form = StyledFilterForm
        model = HealthcarePlan
        fields = []

    def filter_overdue(self, queryset, _name, value):
        return selectors.overdue_reviews(queryset, timezone.localdate()) if value else queryset


def plan_filter(user, school, data):
    rows = selectors.plans_visible_to(user).filter(school=school)
    return PlanFilterSet(data or None, rows.select_related("pupil").order_by("-created_at", "-pk"))
