"""Forms for cases about adults: they validate and lay out fields; the services decide."""

import uuid

from django import forms
from django.utils import timezone

from pastoral.widgets import DateInput

from ..forms import StaffChoiceField
from .models import AdultCase


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class RaiseForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is this", choices=AdultCase.Kind.choices, widget=forms.RadioSelect, initial=AdultCase.Kind.LOW_LEVEL
    )
    subject_user = StaffChoiceField(label="Member of staff", required=False, empty_label="Not on this list")
    subject_name = forms.CharField(
        label="Or their name", max_length=120, required=False, help_text="Supply staff, volunteers, contractors."
    )
    subject_category = forms.ChoiceField(label="They are", choices=AdultCase.SubjectCategory.choices)
    behaviour = forms.ChoiceField(label="What kind of behaviour", choices=AdultCase.Behaviour.choices)
    occurred_on = forms.DateField(label="When it happened", widget=DateInput())
    account = forms.CharField(
        label="What happened", widget=_text(5), help_text="What you saw or were told, in the words used."
    )
    children = forms.CharField(label="Children involved", required=False, max_length=2000, widget=_text(2))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, staff, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["subject_user"].queryset = staff

    def clean(self):
        data = super().clean()
        if not data.get("subject_user") and not (data.get("subject_name") or "").strip():
            self.add_error("subject_name", "Choose the member of staff or type the person's name.")
        if data.get("occurred_on") and data["occurred_on"] > timezone.localdate():
            self.add_error("occurred_on", "This cannot be in the future.")
        return data


class LadoForm(forms.Form):
    referred_on = forms.DateField(label="Referred to the LADO on", widget=DateInput())
    advice = forms.CharField(label="The LADO's advice", widget=_text())
    late_reason = forms.CharField(
        label="If later than one working day, why", required=False, widget=_text(2), max_length=2000
    )


class StrategyForm(forms.Form):
    meeting_on = forms.DateField(label="Strategy meeting on", widget=DateInput())
    notes = forms.CharField(label="What was agreed", widget=_text())


class SuspensionForm(forms.Form):
    suspended_from = forms.DateField(label="Suspended from", required=False, widget=DateInput())
    suspended_until = forms.DateField(label="Suspended until", required=False, widget=DateInput())
    reason = forms.CharField(label="Why suspension was (or was not) needed", widget=_text(2))


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "—")] + AdultCase.Outcome.choices, required=False)
    conclusion = forms.CharField(label="Reasons and action taken", widget=_text())
    pension_age_on = forms.DateField(
        label="Normal pension age reached on (if known)",
        required=False,
        widget=DateInput(),
        help_text="A kept record stays until this date or 10 years from the allegation, whichever is later.",
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DateInput())
    notes = forms.CharField(label="Patterns seen and what will be done", widget=_text(4))


class SettingsForm(forms.Form):
    dsl_shares_case_management = forms.BooleanField(
        label="DSL shares case management of adult allegations",
        required=False,
        help_text="The DSL and deputy DSLs then read and work these cases with you (never one about themselves).",
    )
