"""The part-time timetable form."""

from django import forms

from ..widgets import DateInput
from .models import WEEK_SESSIONS


class PartTimeTimetableForm(forms.Form):
    reason = forms.CharField(label="Reason, and the plan back to full time", widget=forms.Textarea(attrs={"rows": 3}))
    attends = forms.MultipleChoiceField(
        label="Sessions in school", choices=WEEK_SESSIONS, widget=forms.CheckboxSelectMultiple, required=False
    )
    start = forms.DateField(label="First day", widget=DateInput())
    review_on = forms.DateField(
        label="Review by", widget=DateInput(), error_messages={"required": "A part-time timetable needs a review date."}
    )
    end = forms.DateField(
        label="Last day",
        widget=DateInput(),
        error_messages={"required": "A part-time timetable is temporary: it needs an end date."},
    )
    agreed_with_parents = forms.BooleanField(label="Agreed with the parents", required=False)
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput(), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agreed_with_parents") and not cleaned.get("agreed_on"):
            self.add_error("agreed_on", "Give the date the parents agreed.")
        return cleaned
