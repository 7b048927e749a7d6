"""Forms for restorative meetings: validation and crispy layout only; writes happen in services."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.pickers import PUPILS, pupils_field
from pastoral.widgets import DateInput

from ..events.selectors import events_visible_to
from ..forms import _school_pupils
from ..pickers import incidents_field
from .models import RestorativeMeeting


class RestorativeMeetingForm(forms.Form):
    incidents = incidents_field(
        error_messages={
            "required": "Choose at least one incident.",
            "invalid_choice": "One of the chosen incidents is not a current event at this school.",
            "invalid_pk_value": "One of the chosen incidents is not a current event at this school.",
        },
    )
    other_pupils = pupils_field(
        required=False,
        label="Other pupils who took part",
        help_text=f"The pupils in the chosen incidents are included already. {PUPILS.hint}",
    )
    held_on = forms.DateField(label="Held on", widget=DateInput())
    people_present = forms.CharField(label="People present", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.CharField(label="What was agreed", widget=forms.Textarea(attrs={"rows": 3}))
    repair_happened = forms.ChoiceField(
        label="Did repair happen?", choices=RestorativeMeeting.Repair.choices, widget=forms.RadioSelect
    )
    follow_up_on = forms.DateField(
        label="Follow up on",
        required=False,
        widget=DateInput(),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        # Any current event of the school the user reads may be chosen (the picker searches the same rows).
        self.fields["incidents"].queryset = events_visible_to(user).filter(school=school, voided_at__isnull=True)
        self.fields["other_pupils"].queryset = _school_pupils(user, school)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("Incidents", "incidents", "other_pupils"),
            Fieldset("The meeting", "held_on", "people_present", "agreed", "repair_happened", "follow_up_on"),
        )

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        held_on, follow_up_on = cleaned.get("held_on"), cleaned.get("follow_up_on")
        if held_on and follow_up_on and follow_up_on < held_on:
            self.add_error("follow_up_on", "This must be on or after the day of the meeting.")
        return cleaned


class RestorativeVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this meeting record wrong?")
