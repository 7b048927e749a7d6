"""The Star and SDQ lists' filters, shared by the pages and their CSV exports."""

import django_filters

from pastoral.lists import DateFilter, StyledFilterForm
from pastoral.models import YearGroup

from . import sdq, stars
from .models import SdqResponse, StarReading
from .selectors import readings_visible_to, sdq_visible_to


class StarFilterSet(django_filters.FilterSet):
    star = django_filters.ChoiceFilter(label="Star", choices=stars.choices(), empty_label="Every Star")
    completed_with = django_filters.ChoiceFilter(
        label="Completed", choices=StarReading.CompletedWith.choices, empty_label="Any way"
    )
    year_group = django_filters.ChoiceFilter(
        label="Year group", field_name="pupil__year_group", choices=YearGroup.choices, empty_label="Every year"
    )
    taken_from = DateFilter(label="From", field_name="taken_on", lookup_expr="gte")
    taken_to = DateFilter(label="To", field_name="taken_on", lookup_expr="lte")

    class Meta:
        model = StarReading
        fields = ["star", "completed_with"]
        form = StyledFilterForm


class SdqFilterSet(django_filters.FilterSet):
    informant = django_filters.ChoiceFilter(
        label="Completed by", choices=list(sdq.INFORMANTS.items()), empty_label="Every informant"
    )
    year_group = django_filters.ChoiceFilter(
        label="Year group", field_name="pupil__year_group", choices=YearGroup.choices, empty_label="Every year"
    )
    completed_from = DateFilter(label="From", field_name="completed_on", lookup_expr="gte")
    completed_to = DateFilter(label="To", field_name="completed_on", lookup_expr="lte")

    class Meta:
        model = SdqResponse
        fields = ["informant"]
        form = StyledFilterForm


def star_filter(user, school, data):
    rows = (
        readings_visible_to(user).filter(school=school).select_related("pupil", "worker").order_by("-taken_on", "-pk")
    )
    return StarFilterSet(data or None, rows)


def sdq_filter(user, school, data):
    rows = sdq_visible_to(user).filter(school=school).select_related("pupil").order_by("-completed_on", "-pk")
    return SdqFilterSet(data or None, rows)
