"""The behaviour lists' filters, shared by each page and its CSV export."""

import django_filters
from django.db.models import Count, Prefetch

from pastoral.accounts import access
from pastoral.lists import DateFilter, FlagFilter, ModelChoiceFilter, StyledFilterForm, TypedChoiceFilter
from pastoral.models import Pupil, User, YearGroup
from pastoral.widgets import DateInput

from . import selectors
from .models import BehaviourCategory
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


class IncidentFilterSet(django_filters.FilterSet):
    overdue = FlagFilter(field_name="overdue_actions", lookup_expr="gt", on_value=0)


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


def incident_filter(user, school, data):
    """The incident list's filters over what the user may see (the page and its CSV export)."""
    include_voided = access.has_school_perm(user, school, "behaviour.void_event")
    return IncidentFilterSet(data or None, selectors.incident_list_rows(user, school, include_voided=include_voided))


# Lists without filters yet: the FilterSet still carries what the user may see to the page and its CSV export.


class RemovalFilterSet(django_filters.FilterSet):
    pass


class RestorativeFilterSet(django_filters.FilterSet):
    pass


class BullyingFilterSet(django_filters.FilterSet):
    pass


def removal_filter(user, school, data):
    removals = selectors.removals_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.void_event"):
        removals = removals.filter(voided_at__isnull=True)
    return RemovalFilterSet(
        data or None, removals.select_related("pupil", "recorded_by").order_by("-removed_at", "-pk")
    )


def restorative_filter(user, school, data):
    meetings = selectors.restorative_meetings_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.void_event"):
        meetings = meetings.filter(voided_at__isnull=True)
    meetings = (
        meetings.select_related("recorded_by")
        .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("legal_last_name", "legal_first_name")))
        .annotate(incident_count=Count("incidents", distinct=True))
        .order_by("-held_on", "-pk")
    )
    return RestorativeFilterSet(data or None, meetings)


def bullying_filter(user, school, data):
    include_voided = access.has_school_perm(user, school, "behaviour.void_event")
    return BullyingFilterSet(data or None, selectors.bullying_list_rows(user, school, include_voided=include_voided))
