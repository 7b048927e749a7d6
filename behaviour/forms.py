"""What the behaviour sub-areas' forms share: date and time widgets, and the school's staff and pupils."""

from django import forms

from pastoral.models import User
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput, DateTimeInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _datetime_widget():
    return DateTimeInput()


def staff_of(school):
    return User.objects.filter(memberships__school=school, is_active=True).distinct().order_by("last_name")


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=DateInput())


def _school_pupils(user, school):
    return on_roll(pupils_visible_to(user).filter(school=school)).order_by("legal_last_name", "legal_first_name")
