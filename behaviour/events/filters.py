"""The event list's filters, shared by the page and its CSV export."""

import django_filters
from django.db.models import Prefetch

from pastoral.accounts import access
from pastoral.lists import DateFilter, ModelChoiceFilter, StyledFilterForm, TypedChoiceFilter
from pastoral.models import User, YearGroup
from pastoral.widgets import DateInput

from . import selectors
from .models import BehaviourCategory, PupilRole
from .selectors import categories_for

_DATE = DateInput()


class EventFilterSet(django_filters.FilterSet):
    start = DateFilter(field_name="occurred_at", lookup_expr="date__gte", label="From", widget=_DATE)
    end = DateFilter(field_name="occurred_at", lookup_expr="date__lte", label="To", widget=_DATE)
    kind = TypedChoiceFilter(
        field_name="category__kind", label="Kind", choices=[("", "Any"), *BehaviourCategory.Kind.choices]
    )
    category = ModelChoiceFilter(
        field_name="category", label="Category", queryset=None, to_field_name="code", empty_label="Any"
    )
    role = TypedChoiceFilter(field_name="role", label="Role", choices=[("", "Any"), *PupilRole.choices])
    year_group = TypedChoiceFilter(
        field_name="pupil__year_group",
        label="Year",
        choices=[("", "All years"), *YearGroup.choices],
        coerce=int,
        empty_value=None,
    )

    class Meta:
        form = StyledFilterForm

    def __init__(self, data=None, queryset=None, *, school, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["category"].extra["queryset"] = categories_for(school)


def event_filter(user, school, data):
    """The event list's filters over the school's events the user may see, newest first.

    Voided events only for those who may void them; the page and its CSV export both start here.
    """
    events = selectors.events_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.void_event"):
        events = events.filter(voided_at__isnull=True)
    events = (
        events.select_related("pupil", "category", "location", "recorded_by")
        .prefetch_related(Prefetch("staff_involved", queryset=User.objects.only("first_name", "last_name")))
        .order_by("-occurred_at", "-pk")
    )
    return EventFilterSet(data or None, events, school=school)
