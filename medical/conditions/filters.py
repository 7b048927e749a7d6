"""The conditions list's filters, shared by the page and its CSV export."""

import django_filters
from django.db.models import Q

from pastoral.lists import StyledFilterForm
from pastoral.models import YearGroup

from . import selectors
from .models import MedicalCondition


class ConditionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Pupil or condition")
    severity = django_filters.ChoiceFilter(
        field_name="severity", choices=MedicalCondition.Severity.choices, label="Severity", empty_label="Any severity"
    )
    year_group = django_filters.ChoiceFilter(
        field_name="pupil__year_group", choices=YearGroup.choices, label="Year", empty_label="Any year"
    )
    form_name = django_filters.CharFilter(field_name="pupil__form", lookup_expr="iexact", label="Form / class")

    class Meta:
        form = StyledFilterForm
        model = MedicalCondition
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(pupil__legal_last_name__icontains=value)
            | Q(pupil__legal_first_name__icontains=value)
            | Q(pupil__preferred_first_name__icontains=value)
            | Q(other_name__icontains=value)
            | Q(condition_type__name__icontains=value)
        )


def condition_filter(user, school, data):
    rows = selectors.current(selectors.conditions_visible_to(user).filter(school=school))
    return ConditionFilterSet(
        data or None, rows.select_related("pupil", "condition_type").order_by("-created_at", "-pk")
    )
