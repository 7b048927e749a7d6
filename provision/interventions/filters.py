"""Filters of the intervention groups list, shared by the page and its CSV export."""

import django_filters
from django.db.models import Count

from pastoral.lists import StyledFilterForm

from . import selectors
from .models import InterventionGroup


class GroupFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=InterventionGroup.Status.choices, empty_label="Any status"
    )
    programme = django_filters.CharFilter(label="Programme", field_name="programme__name", lookup_expr="icontains")

    class Meta:
        model = InterventionGroup
        fields = ["status"]
        form = StyledFilterForm


def group_filter(user, school, data):
    rows = (
        selectors.groups_visible_to(user)
        .filter(school=school)
        .select_related("programme")
        .annotate(
            pupils=Count("members", distinct=True),
            sessions_held=Count("sessions", distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )
    return GroupFilterSet(data or None, rows)
