"""The accident log's filters, shared by the page and its CSV export."""

import django_filters

from pastoral.lists import DateFilter, FlagFilter, StyledFilterForm

from . import selectors
from .models import Accident


class AccidentFilterSet(django_filters.FilterSet):
    person_kind = django_filters.ChoiceFilter(choices=Accident.Person.choices, label="Who", empty_label="Anyone")
    injury = django_filters.ChoiceFilter(choices=Accident.Injury.choices, label="Injury", empty_label="Any")
    head = FlagFilter(field_name="head_injury", label="Head injuries only")
    riddor = FlagFilter(field_name="riddor_possible", label="RIDDOR flags only")
    start = DateFilter(field_name="occurred_at__date", lookup_expr="gte", label="From")
    end = DateFilter(field_name="occurred_at__date", lookup_expr="lte", label="To")

    class Meta:
        form = StyledFilterForm
        model = Accident
        fields = []


def accident_filter(user, school, data):
    rows = selectors.current(selectors.accidents_visible_to(user).filter(school=school))
    return AccidentFilterSet(data or None, rows.select_related("pupil", "treated_by").order_by("-occurred_at", "-pk"))
