"""The rule alerts list's filter."""

import django_filters

from . import selectors


class HitFilterSet(django_filters.FilterSet):
    show = django_filters.ChoiceFilter(
        label="Show",
        choices=[("letters", "Letters waiting to be sent"), ("tasks", "Tasks not done")],
        empty_label="Every alert",
        method="filter_show",
    )

    def filter_show(self, queryset, name, value):
        if value == "letters":
            return queryset.filter(letter__isnull=False, letter__sent_at__isnull=True)
        if value == "tasks":
            return queryset.filter(task__isnull=False, task__done_at__isnull=True)
        return queryset


def hit_filter(user, school, data):
    hits = selectors.hits_visible_to(user).filter(school=school)
    rows = hits.select_related("pupil", "rule", "letter", "task").order_by("-fired_at", "-pk")
    return HitFilterSet(data or None, rows)
