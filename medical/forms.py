"""What the medical sub-areas' forms share: the school's staff and pupils, and date widgets."""

from crispy_forms.helper import FormHelper
from django import forms

from pastoral.models import User
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput, DateTimeInput, TimeInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def staff_of(school):
    return (
        User.objects.filter(memberships__school=school, is_active=True).distinct().order_by("last_name", "first_name")
    )


def school_pupils(user, school):
    return on_roll(pupils_visible_to(user).filter(school=school)).order_by("legal_last_name", "legal_first_name")


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def datetime_field(label, required=True, **kwargs):
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimeInput(), input_formats=DATETIME_FORMATS, **kwargs
    )


def time_field(label, required=True, **kwargs):
    return forms.TimeField(label=label, required=required, widget=TimeInput(), **kwargs)


def helper(*layout):
    from crispy_forms.layout import Layout

    h = FormHelper()
    h.form_tag = False
    h.disable_csrf = True
    if layout:
        h.layout = Layout(*layout)
    return h
