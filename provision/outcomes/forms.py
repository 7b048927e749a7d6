"""Forms for outcome measures: validation and layout only. Scores only: no item wording is shown (licensing gate)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.widgets import DateInput

from . import sdq, stars
from .models import StarReading


def _helper(layout=None):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return value


class StarReadingForm(forms.Form):
    taken_on = forms.DateField(label="Date of the reading", widget=DateInput())
    completed_with = forms.ChoiceField(
        label="How it was completed", choices=StarReading.CompletedWith.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, spec, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("taken_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.spec = spec
        area_fields = []
        for key, label in spec.areas:
            self.fields[f"score_{key}"] = forms.IntegerField(
                label=f"{label}: score",
                required=False,
                help_text=f"A whole number from {spec.low} to {spec.high}.",
                widget=forms.NumberInput(attrs={"min": spec.low, "max": spec.high, "inputmode": "numeric"}),
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=f"{label}: note", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
            )
            area_fields.append(Fieldset(label, Div(f"score_{key}", f"note_{key}", css_class="star-area")))
        self.helper = _helper(Layout("taken_on", "completed_with", *area_fields))

    def clean_taken_on(self):
        return _not_future(self.cleaned_data["taken_on"])

    def clean(self):
        data = super().clean()
        scores = {key: self.data.get(f"score_{key}", "").strip() for key, _label in self.spec.areas}
        for key, message in stars.check_scores(self.spec, scores).items():
            if f"score_{key}" in self.fields and f"score_{key}" not in self.errors:
                self.add_error(f"score_{key}", message)
        return data

    def scores(self):
        return {key: self.cleaned_data[f"score_{key}"] for key, _label in self.spec.areas}

    def notes(self):
        return {key: self.cleaned_data.get(f"note_{key}", "") for key, _label in self.spec.areas}


RESPONSES = [("", "Not answered"), ("0", "0 (first column)"), ("1", "1 (middle column)"), ("2", "2 (last column)")]
IMPACT_CHOICES = [("", "Not answered")] + [(str(value), label) for value, label in sdq.IMPACT_ANSWERS]
ALL_IMPACT_ITEMS = {key: label for items in sdq.IMPACT_ITEMS.values() for key, label in items}


class SdqForm(forms.Form):
    informant = forms.ChoiceField(label="Who completed it", choices=[("", "Choose…"), *sdq.INFORMANTS.items()])
    completed_on = forms.DateField(label="Completed on", widget=DateInput())
    respondent = forms.CharField(
        label="Completed by", required=False, max_length=200, help_text="e.g. Ms Khan, form tutor; Mum; the pupil"
    )
    follow_up = forms.BooleanField(label="Follow-up version (rates the last month)", required=False)
    difficulties = forms.ChoiceField(
        label="Did the respondent say the pupil has difficulties?",
        required=False,
        choices=[("", "Not answered"), ("no", "No"), ("yes", "Yes (minor, definite or severe)")],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("completed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        for number in range(1, sdq.ITEM_COUNT + 1):
            self.fields[f"item_{number}"] = forms.ChoiceField(label=f"Item {number}", required=False, choices=RESPONSES)
        for key, label in ALL_IMPACT_ITEMS.items():
            asked = [name for name, items in sdq.IMPACT_ITEMS.items() if key in dict(items)]
            forms_asking = " and ".join(sdq.INFORMANTS[name].lower() for name in asked)
            self.fields[f"impact_{key}"] = forms.ChoiceField(
                label=f"Impact: {label.lower()}",
                required=False,
                choices=IMPACT_CHOICES,
                help_text=""
                if len(asked) == 3
                else f"Asked on the {forms_asking} form{'s' if len(asked) > 1 else ''} only.",
            )
        items = [f"item_{number}" for number in range(1, sdq.ITEM_COUNT + 1)]
        self.helper = _helper(
            Layout(
                "informant",
                "completed_on",
                "respondent",
                "follow_up",
                Fieldset(
                    "Responses, in the form's order (the column ticked: the app reverses the reverse-scored items)",
                    Div(*items, css_class="sdq-items"),
                ),
                Fieldset("Impact", "difficulties", *[f"impact_{key}" for key in ALL_IMPACT_ITEMS]),
            )
        )

    def clean_completed_on(self):
        return _not_future(self.cleaned_data["completed_on"])

    def clean(self):
        data = super().clean()
        informant = data.get("informant")
        if informant in sdq.INFORMANTS:
            asked = dict(sdq.IMPACT_ITEMS[informant])
            for key, label in ALL_IMPACT_ITEMS.items():
                if key not in asked and data.get(f"impact_{key}"):
                    self.add_error(
                        f"impact_{key}",
                        f"The {sdq.INFORMANTS[informant].lower()} form does not ask about {label.lower()}: "
                        "leave it unanswered.",
                    )
        if not any(data.get(f"item_{number}") for number in range(1, sdq.ITEM_COUNT + 1)):
            self.add_error(None, "Enter the responses: none of the 25 items has an answer.")
        return data

    def items(self):
        values = [self.cleaned_data.get(f"item_{number}") for number in range(1, sdq.ITEM_COUNT + 1)]
        return [int(value) if value not in (None, "") else None for value in values]

    def impact(self):
        informant = self.cleaned_data["informant"]
        values = {key: self.cleaned_data.get(f"impact_{key}") for key, _label in sdq.IMPACT_ITEMS[informant]}
        return {key: int(value) for key, value in values.items() if value not in (None, "")}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why it is withdrawn", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
