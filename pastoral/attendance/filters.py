"""The attendance lists' filters: which list, and the groups used in behaviour analytics."""

import django_filters
from django.utils import timezone

from ..filters import ChoiceFilter, TextFilter
from ..lists import StyledFilterForm, TypedChoiceFilter
from ..models import Pupil, YearGroup
from ..selectors import on_roll
from .absentees import KINDS, PERSISTENT
from .models import AttendanceAlert
from .selectors import alerts_visible_to, part_time_visible_to, pupils_visible_to

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
SEN = [("", "Any"), (Pupil.SEN.SUPPORT, "SEN support"), (Pupil.SEN.EHCP, "EHCP"), (Pupil.SEN.NONE, "No SEN")]


def _yes_no(field):
    def apply(queryset, _name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(**{field: value == "yes"})

    return apply


class AttendanceFilterSet(django_filters.FilterSet):
    # Read by the view (which list to draw), not a filter on the pupils.
    list = ChoiceFilter(label="List", choices=KINDS, method="filter_nothing")
    year_group = TypedChoiceFilter(
        field_name="year_group",
        label="Year",
        choices=[("", "All years"), *YearGroup.choices],
        coerce=int,
        empty_value=None,
    )
    form = TextFilter(field_name="form", lookup_expr="iexact", label="Form / class", max_length=20)
    sen = ChoiceFilter(label="SEN", choices=SEN, method="filter_sen")
    pupil_premium = ChoiceFilter(label="Pupil premium", choices=YES_NO, method="filter_pp")
    looked_after = ChoiceFilter(label="Looked after (CLA)", choices=YES_NO, method="filter_cla")
    gender = ChoiceFilter(label="Gender", choices=[("", "Any"), *Pupil.Gender.choices], method="filter_gender")

    class Meta:
        form = StyledFilterForm

    def filter_nothing(self, queryset, _name, _value):
        return queryset

    def filter_sen(self, queryset, _name, value):
        return queryset.filter(sen_status=value) if value else queryset

    def filter_pp(self, queryset, name, value):
        return _yes_no("pupil_premium")(queryset, name, value)

    def filter_cla(self, queryset, name, value):
        return _yes_no("looked_after")(queryset, name, value)

    def filter_gender(self, queryset, _name, value):
        return queryset.filter(gender=value) if value else queryset

    def kind(self):
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("list") or PERSISTENT
        return PERSISTENT


def attendance_filter(user, school, data):
    """Pupils on roll in `school` whose attendance the user may read, with the list filters."""
    pupils = on_roll(pupils_visible_to(user).filter(school=school))
    return AttendanceFilterSet(data or None, pupils)


class AlertFilterSet(django_filters.FilterSet):
    kind = ChoiceFilter(field_name="kind", label="Alert", choices=[("", "Any"), *AttendanceAlert.Kind.choices])
    status = ChoiceFilter(
        label="Status", choices=[("", "Open"), ("done", "Done"), ("all", "All")], method="filter_status"
    )

    class Meta:
        form = StyledFilterForm

    def filter_status(self, queryset, _name, value):
        if value == "all":
            return queryset
        return queryset.filter(done_at__isnull=value != "done")

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(done_at__isnull=True)
        return super().filter_queryset(queryset)

    def unfiltered(self):
        return self.queryset.filter(done_at__isnull=True)


def alert_filter(user, school, data):
    alerts = alerts_visible_to(user).filter(school=school).select_related("pupil")
    return AlertFilterSet(data or None, alerts)


class PartTimeFilterSet(django_filters.FilterSet):
    status = ChoiceFilter(
        label="Show",
        choices=[("", "Current"), ("review_overdue", "Review overdue"), ("all", "All, past included")],
        method="filter_status",
    )

    class Meta:
        form = StyledFilterForm

    def filter_status(self, queryset, _name, value):
        today = timezone.localdate()
        if value == "all":
            return queryset
        if value == "review_overdue":
            return queryset.filter(review_on__lt=today, end__gte=today)
        return queryset.filter(end__gte=today)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(end__gte=timezone.localdate())
        return super().filter_queryset(queryset)

    def unfiltered(self):
        return self.queryset.filter(end__gte=timezone.localdate())


def part_time_filter(user, school, data):
    return PartTimeFilterSet(data or None, part_time_visible_to(user).filter(school=school).select_related("pupil"))
