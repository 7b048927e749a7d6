"""The pupil list's filters, shared by the page and its CSV export."""

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from . import selectors
from .lists import DateFilter, ModelChoiceFilter, StyledFilterForm, TypedChoiceFilter
from .models import Pupil, User, YearGroup
from .widgets import DateInput

PUPIL_FLAG_FILTERS = {
    "sen_support": Q(sen_status=Pupil.SEN.SUPPORT),
    "ehcp": Q(sen_status=Pupil.SEN.EHCP),
    "pupil_premium": Q(pupil_premium=True),
    "looked_after": Q(looked_after=True),
    "young_carer": Q(young_carer=True),
    "eal": Q(eal=True),
    "medical": ~Q(medical_alert=""),
    "keyworker": Q(keyworker__isnull=False),
}


class TextFilter(django_filters.Filter):
    field_class = forms.CharField


class ChoiceFilter(django_filters.Filter):
    field_class = forms.ChoiceField


def by_status(pupils, status):
    today = timezone.localdate()
    if status == "on_roll":
        return selectors.on_roll(pupils, today)
    if status == "leavers":
        return pupils.filter(leaving_date__lt=today)
    if status == "leaving":
        return pupils.filter(leaving_date__gte=today, leaving_date__lte=today + datetime.timedelta(days=14))
    if status == "joining":
        return pupils.filter(admission_date__gt=today)
    return pupils


class PupilFilterSet(django_filters.FilterSet):
    STATUS = [
        ("on_roll", "On roll"),
        ("leavers", "Left"),
        ("leaving", "Leaving soon"),
        ("joining", "Joining soon"),
        ("all", "All"),
    ]
    FLAGS = [
        ("", "Any"),
        ("sen_support", "SEN support"),
        ("ehcp", "EHCP"),
        ("pupil_premium", "Pupil premium"),
        ("looked_after", "Looked after (CLA)"),
        ("young_carer", "Young carer"),
        ("eal", "EAL"),
        ("medical", "Medical alert"),
        ("keyworker", "Has a keyworker"),
    ]
    q = TextFilter(label="Name or UPN", method="filter_search")
    year_group = TypedChoiceFilter(
        field_name="year_group",
        label="Year",
        choices=[("", "All years"), *YearGroup.choices],
        coerce=int,
        empty_value=None,
    )
    form = TextFilter(field_name="form", lookup_expr="iexact", label="Form / class", max_length=20)
    flag = ChoiceFilter(label="Group", choices=FLAGS, method="filter_flag")
    # Applied in filter_queryset, since an empty status still means "on roll".
    status = ChoiceFilter(label="Status", choices=STATUS, initial="on_roll", method="filter_nothing")

    class Meta:
        form = StyledFilterForm

    def filter_queryset(self, queryset):
        return super().filter_queryset(by_status(queryset, self.form.cleaned_data.get("status") or "on_roll"))

    def unfiltered(self):
        """No filters asked for, or a bad value: the pupils on roll, as the form's status starts."""
        return by_status(self.queryset.all(), "on_roll")

    def filter_search(self, queryset, _name, value):
        return selectors.pupil_search(queryset, value)

    def filter_flag(self, queryset, _name, value):
        return queryset.filter(PUPIL_FLAG_FILTERS[value]) if value in PUPIL_FLAG_FILTERS else queryset

    def filter_nothing(self, queryset, _name, _value):
        return queryset


def pupil_filter(user, school, data):
    """The pupil list's filters over the school's pupils the user may see."""
    pupils = selectors.pupils_visible_to(user).filter(school=school).select_related("keyworker")
    return PupilFilterSet(data or None, pupils)


def in_list_order(pupils):
    return pupils.order_by("year_group", "form", "legal_last_name", "legal_first_name")


class AuditFilterSet(django_filters.FilterSet):
    # Actions are dotted lower-case names (pastoral.pupil.viewed); anything else cannot match, so say so
    # beside the field rather than showing an empty list.
    action = TextFilter(
        field_name="action",
        lookup_expr="startswith",
        label="Action starts with",
        max_length=100,
        strip=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_.]*$",
                "Type the start of an action name, e.g. pastoral.pupil: lower-case letters, digits, dots and "
                "underscores only.",
            )
        ],
        error_messages={"max_length": "Action names are at most 100 characters long."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. pastoral.pupil"}),
    )

    actor = ModelChoiceFilter(
        field_name="actor", label="Who", queryset=None, to_field_name="code", empty_label="Anyone"
    )
    pupil = TextFilter(method="filter_pupil", label="About the pupil", max_length=100, strip=True)
    start = DateFilter(method="filter_start", label="From", widget=DateInput())
    end = DateFilter(method="filter_end", label="To", widget=DateInput())

    class Meta:
        form = StyledFilterForm

    def __init__(self, data=None, queryset=None, *, user, school, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user, self.school = user, school
        # Everyone who has held a role in the school, so entries by leavers can still be found.
        staff = User.objects.filter(memberships__school=school).distinct().order_by("last_name", "first_name")
        self.filters["actor"].extra["queryset"] = staff
        self.filters["pupil"].extra["help_text"] = "A name or UPN"

    def filter_pupil(self, queryset, _name, value):
        pupils = selectors.pupil_search(selectors.pupils_visible_to(self.user).filter(school=self.school), value)
        return queryset.filter(pupil__in=pupils.values("pk")[:20])

    # Whole local days as ranges on `at`, so the (school, at) index still serves the page.
    def filter_start(self, queryset, _name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_end(self, queryset, _name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    def unfiltered(self):
        """A filter that cannot match lists nothing, so the page never passes off the whole log as its result."""
        return self.queryset.none() if self.is_bound else self.queryset.all()


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_filter(user, school, data):
    entries = selectors.audit_entries_visible_to(user).filter(school=school).select_related("actor", "pupil")
    return AuditFilterSet(data or None, entries.order_by("-at", "-id"), user=user, school=school)
