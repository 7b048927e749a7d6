"""Forms for medical conditions: validation and crispy layout only; writes happen in services."""

import uuid

from crispy_forms.layout import Fieldset
from django import forms
from django.utils import timezone

from pastoral.pupils.picker import PupilPickerField

from ..forms import date_field, helper, school_pupils
from .models import MedicalCondition
from .selectors import condition_types_for


class ConditionForm(forms.Form):
    pupil = PupilPickerField(
        search_url_name="medical:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    condition_type = forms.ModelChoiceField(queryset=None, required=False, label="Condition", to_field_name="code")
    other_name = forms.CharField(
        label="Other condition", max_length=120, required=False, help_text="When not on the list"
    )
    severity = forms.ChoiceField(label="Severity", choices=MedicalCondition.Severity.choices)
    alert = forms.CharField(
        label="One-line alert",
        max_length=200,
        help_text="Every member of staff sees this line, and nothing else of the record",
    )
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    medication_location = forms.CharField(label="Where the medication is", max_length=200, required=False)
    identified_on = date_field(
        "Diagnosed or joined on", help_text="Arrangements are due within 2 weeks of this day until a plan is active"
    )
    needs_plan = forms.BooleanField(label="Needs an individual healthcare plan", required=False, initial=True)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, school, editing=False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("identified_on", timezone.localdate())
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["condition_type"].queryset = condition_types_for(school, active_only=not editing)
        if editing:
            del self.fields["pupil"]
            del self.fields["submission_key"]
        else:
            self.fields["pupil"].queryset = school_pupils(user, school)
        who = [] if editing else ["submission_key", "pupil"]
        self.helper = helper(
            *who,
            Fieldset("Condition", "condition_type", "other_name", "severity", "identified_on", "needs_plan"),
            Fieldset("What staff need to know", "alert", "medication_location", "details"),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("condition_type") and not (cleaned.get("other_name") or "").strip():
            self.add_error("condition_type", "Choose a condition from the list, or name another one.")
        return cleaned


class ConditionTypeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    active = forms.BooleanField(label="On the list for new records", required=False, initial=True)


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this record wrong?")
