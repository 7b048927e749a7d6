"""Forms for removals from class: validation and crispy layout only; writes happen in services."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.pickers import STAFF, PickerField
from pastoral.pupils.picker import PupilPickerField

from ..forms import DATETIME_FORMATS, _datetime_widget, _school_pupils, staff_of
from .models import Removal


class RemovalForm(forms.Form):
    pupil = PupilPickerField(
        search_url_name="behaviour:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    removed_at = forms.DateTimeField(label="When", widget=_datetime_widget())
    lesson = forms.CharField(label="From lesson / period", max_length=80, required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    removed_to = forms.CharField(label="Removed to", max_length=80, help_text="e.g. Reflection room")
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=1, max_value=480)
    supervised_by = PickerField(
        STAFF,
        required=False,
        label="Supervised by",
        help_text=f"Who looked after the pupil while they were out of the lesson. {STAFF.hint}",
    )
    parents_told = forms.BooleanField(label="Parents / carers told", required=False)
    parents_told_at = forms.DateTimeField(label="Told when", required=False, widget=_datetime_widget())
    parents_told_how = forms.ChoiceField(
        label="Told how", choices=[("", "---------"), *Removal.ParentsToldHow.choices], required=False
    )
    parents_told_by = PickerField(STAFF, required=False, label="Told by")
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("removed_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = _school_pupils(user, school)
        self.fields["parents_told_by"].queryset = staff_of(school)
        self.fields["supervised_by"].queryset = staff_of(school)
        for name in ("removed_at", "parents_told_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("Who and when", "pupil", "removed_at", "lesson"),
            Fieldset("Removal", "reason", "removed_to", "duration_minutes", "supervised_by"),
            Fieldset("Home", "parents_told", "parents_told_at", "parents_told_how", "parents_told_by"),
        )

    def clean_removed_at(self):
        value = self.cleaned_data["removed_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parents_told"):
            if not cleaned.get("parents_told_at") and "parents_told_at" not in self.errors:
                self.add_error("parents_told_at", "Say when parents or carers were told.")
            if not cleaned.get("parents_told_how"):
                self.add_error("parents_told_how", "Say how parents or carers were told.")
        return cleaned


class ParentsToldForm(forms.Form):
    """Telling home after the removal was recorded (the end-of-day reminder leads here)."""

    parents_told_at = forms.DateTimeField(label="Told when", widget=_datetime_widget())
    parents_told_how = forms.ChoiceField(label="Told how", choices=[("", "---------"), *Removal.ParentsToldHow.choices])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "parents_told_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)
        self.fields["parents_told_at"].input_formats = DATETIME_FORMATS

    def clean_parents_told_at(self):
        value = self.cleaned_data["parents_told_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class RemovalVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this removal wrong?")
