"""The intervention and training lists' filters, shared by each page and its CSV export."""

import django_filters
from django import forms

from pastoral.accounts import access

from . import selectors


class TabFilter(django_filters.Filter):
    field_class = forms.CharField


class InterventionFilterSet(django_filters.FilterSet):
    """`?show=` picks one of the list's tabs; an unknown tab shows every record."""

    show = TabFilter(method="filter_show")

    def __init__(self, data=None, queryset=None, *, calendar=None, **kwargs):
        # The page passes the school's debrief calendar it has already loaded for its own use.
        self.calendar = calendar
        super().__init__(data, queryset, **kwargs)

    def filter_show(self, queryset, _name, value):
        if value == "debriefs" and self.calendar is not None:
            return selectors.overdue_debriefs(selectors.current(queryset), calendar=self.calendar)
        if value in selectors.FILTERS:
            return selectors.FILTERS[value][1](selectors.current(queryset))
        return queryset


def intervention_filter(user, school, data, *, calendar=None):
    """The intervention list over what the user may see, newest first; voided records for reviewers only."""
    records = selectors.restrictive_interventions_visible_to(user).filter(school=school)
    if not selectors.can_review(user, school):
        records = records.filter(voided_at__isnull=True)
    return InterventionFilterSet(data or None, records, calendar=calendar)


def with_list_columns(records):
    """What the list and its CSV show, newest first (the untrained count follows the filters)."""
    return (
        selectors.with_untrained_count(records)
        .select_related("pupil", "technique", "recorded_by")
        .order_by("-occurred_on", "-started_at", "-pk")
    )


class TrainingFilterSet(django_filters.FilterSet):
    """No filters yet: it carries the training records the user may see to the page and its CSV export."""


def training_filter(user, school, data):
    # Staff who may record interventions see their own training; leads see everyone's.
    records = selectors.training_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.view_training"):
        records = records.filter(user=user)
    if not access.has_school_perm(user, school, "behaviour.manage_training"):
        records = records.filter(voided_at__isnull=True)
    records = records.select_related("user").order_by("user__last_name", "user__first_name", "-completed_on", "pk")
    return TrainingFilterSet(data or None, records)
