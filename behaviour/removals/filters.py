"""The removals list's filters, shared by the page and its CSV export."""

import django_filters

from pastoral.accounts import access

from . import selectors


class RemovalFilterSet(django_filters.FilterSet):
    """Carries the removals the user may see to the page and its CSV export."""

    parents = django_filters.ChoiceFilter(
        label="Parents / carers",
        choices=[("untold", "Not told yet"), ("told", "Told")],
        empty_label="Told or not",
        method="filter_parents",
    )

    def filter_parents(self, queryset, name, value):
        return queryset.filter(parents_told=value == "told") if value else queryset


def removal_filter(user, school, data):
    removals = selectors.removals_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.void_event"):
        removals = removals.filter(voided_at__isnull=True)
    return RemovalFilterSet(
        data or None, removals.select_related("pupil", "recorded_by").order_by("-removed_at", "-pk")
    )
