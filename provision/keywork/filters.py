"""Filters of the keywork sessions list, shared by the page and its CSV export."""

import django_filters

from pastoral.lists import DateFilter, StyledFilterForm

from .models import KeyworkSession
from .selectors import sessions_visible_to


class SessionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Type", choices=KeyworkSession.Kind.choices, empty_label="Any type")
    held_from = DateFilter(field_name="held_on", lookup_expr="gte", label="From")
    held_to = DateFilter(field_name="held_on", lookup_expr="lte", label="To")

    class Meta:
        model = KeyworkSession
        fields = ["kind"]
        form = StyledFilterForm


def session_filter(user, school, data):
    rows = sessions_visible_to(user).filter(school=school).select_related("pupil", "author").order_by("-held_on", "-pk")
    return SessionFilterSet(data or None, rows)
