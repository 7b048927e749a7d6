"""Retention forms: validation only; the services write."""

from django import forms

from ..widgets import DateInput
from . import registry


class ExtendForm(forms.Form):
    keep_until = forms.DateField(label="Keep until", widget=DateInput(), help_text="They come back for review then.")
    reason = forms.CharField(label="Why they are kept longer", widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(forms.Form):
    record_type = forms.ChoiceField(label="Record type", required=False)
    upn = forms.CharField(
        label="Pupil's UPN (optional)",
        max_length=13,
        required=False,
        help_text="To hold one pupil's records only. Leave empty for every pupil.",
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 2}), help_text="e.g. a public inquiry, litigation"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Every record type"), *registry.choices()]


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="Why the hold is released", widget=forms.Textarea(attrs={"rows": 2}))
