"""The suspension list's filters, shared by the page and its CSV export."""

import django_filters
from django import forms
from django.db.models import Count, Prefetch, Q

from pastoral.lists import StyledFilterForm, TypedChoiceFilter
from pastoral.models import Term

from . import selectors
from .models import ExclusionReasonCode, Suspension

VOIDED = "voided"


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} {obj.academic_year.name}"


class TermFilter(django_filters.Filter):
    """Suspensions overlapping the term: started by its end and not ended before it began."""

    field_class = TermChoiceField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(start_date__lte=value.end).filter(
            Q(end_date__gte=value.start) | Q(end_date__isnull=True, start_date__gte=value.start)
        )


class SuspensionFilterSet(django_filters.FilterSet):
    status = TypedChoiceFilter(
        label="Status",
        choices=[("", "Any status"), *Suspension.Status.choices, (VOIDED, "Voided")],
        method="filter_status",
    )
    kind = TypedChoiceFilter(field_name="kind", label="Type", choices=[("", "Any type"), *Suspension.Kind.choices])
    term = TermFilter(label="Term", queryset=None, to_field_name="code", empty_label="Any term")

    class Meta:
        form = StyledFilterForm

    def __init__(self, data=None, queryset=None, *, school, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["term"].extra["queryset"] = (
            Term.objects.filter(academic_year__school=school).select_related("academic_year").order_by("-start")
        )

    def filter_status(self, queryset, _name, value):
        if value == VOIDED:
            return queryset.filter(voided_at__isnull=False)
        return queryset.filter(status=value, voided_at__isnull=True)


def suspension_filter(user, school, data):
    """The suspension list's filters over what the user may see; voided records for those who record or decide."""
    suspensions = selectors.suspensions_visible_to(user).filter(school=school)
    if not selectors.sees_voided(user, school):
        suspensions = suspensions.filter(voided_at__isnull=True)
    return SuspensionFilterSet(data or None, suspensions, school=school)


def with_list_columns(suspensions):
    """What the list and its CSV show, newest first (the open task count follows the filters)."""
    return (
        suspensions.select_related("pupil", "decided_by")
        .prefetch_related(Prefetch("reasons", queryset=ExclusionReasonCode.objects.order_by("census_code")))
        .annotate(open_tasks=Count("governor_tasks", filter=Q(governor_tasks__done_at__isnull=True)))
        .order_by("-start_date", "-pk")
    )
