"""The medicines and dose lists' filters, shared by each page and its CSV export."""

import django_filters
from django.utils import timezone

from pastoral.lists import DateFilter, FlagFilter, StyledFilterForm

from . import selectors
from .models import DoseAdministration, MedicineAgreement

ALERTS = [("expiring", "Expiring within 30 days"), ("expired", "Expired"), ("low", "Low stock")]


class AgreementFilterSet(django_filters.FilterSet):
    alert = django_filters.ChoiceFilter(choices=ALERTS, method="filter_alert", label="Alert", empty_label="Any")
    status = django_filters.ChoiceFilter(choices=MedicineAgreement.Status.choices, label="Agreement", empty_label="Any")

    class Meta:
        form = StyledFilterForm
        model = MedicineAgreement
        fields = []

    def filter_alert(self, queryset, _name, value):
        today = timezone.localdate()
        if value == "expiring":
            return selectors.expiring(queryset, today)
        if value == "expired":
            return selectors.expired(queryset, today)
        if value == "low":
            return selectors.low_stock(queryset, today)
        return queryset


def agreement_filter(user, school, data):
    rows = selectors.with_stock(selectors.agreements_visible_to(user).filter(school=school))
    return AgreementFilterSet(data or None, rows.select_related("pupil").order_by("-created_at", "-pk"))


class DoseFilterSet(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(
        choices=DoseAdministration.Outcome.choices, label="Outcome", empty_label="Any"
    )
    parents = FlagFilter(method="filter_parents", label="Parents still to be told")
    start = DateFilter(field_name="given_at__date", lookup_expr="gte", label="From")
    end = DateFilter(field_name="given_at__date", lookup_expr="lte", label="To")

    class Meta:
        form = StyledFilterForm
        model = DoseAdministration
        fields = []

    def filter_parents(self, queryset, _name, value):
        return selectors.parents_to_tell(queryset) if value else queryset


def dose_filter(user, school, data):
    rows = selectors.doses_visible_to(user).filter(school=school)
    return DoseFilterSet(
        data or None, rows.select_related("pupil", "agreement", "given_by", "witness").order_by("-given_at", "-pk")
    )
