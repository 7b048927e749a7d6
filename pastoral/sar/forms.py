"""Subject access request forms: validation only; the services write."""

from django import forms

from ..widgets import DateInput
from .models import Exemption, SarRedaction, SubjectAccessRequest


class SarForm(forms.Form):
    requester_name = forms.CharField(label="Requester", max_length=200)
    relationship = forms.ChoiceField(label="Relationship to the pupil", choices=SubjectAccessRequest.Relationship)
    relationship_detail = forms.CharField(label="Relationship detail", max_length=200, required=False)
    received_on = forms.DateField(label="Received on", widget=DateInput())
    identity_checked_on = forms.DateField(label="Identity checked on", widget=DateInput(), required=False)
    identity_checked_how = forms.CharField(
        label="How identity was checked", max_length=200, required=False, help_text="e.g. Passport seen at reception"
    )


class IdentityForm(forms.Form):
    checked_on = forms.DateField(label="Identity checked on", widget=DateInput())
    how = forms.CharField(label="How", max_length=200)


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(label="Extend by", choices=[(1, "One month"), (2, "Two months")], coerce=int)
    reason = forms.CharField(label="Why the request is complex or numerous", widget=forms.Textarea(attrs={"rows": 2}))
    requester_told_on = forms.DateField(label="Requester told on", widget=DateInput())


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[
            (SubjectAccessRequest.Status.COMPLETED, "Completed: the response was sent"),
            (SubjectAccessRequest.Status.WITHDRAWN, "Withdrawn by the requester"),
        ],
    )
    closed_on = forms.DateField(label="On", widget=DateInput())
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithholdForm(forms.Form):
    # Both forms are on the record's page: prefixes keep their fields' ids apart.
    prefix = "withhold"
    reason = forms.ChoiceField(label="Exemption", choices=Exemption.choices)
    detail = forms.CharField(
        label="Which exemption (for “Other”)", max_length=200, required=False, help_text="Shown in the released pack"
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Exemption.OTHER and not (data.get("detail") or "").strip():
            self.add_error("detail", "Say which exemption applies.")
        return data


class RedactForm(WithholdForm):
    prefix = "redact"
    part = forms.ChoiceField(label="In the record's", choices=SarRedaction.Part.choices, initial="text")
    passage = forms.CharField(
        label="Passage to redact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy the words exactly; every place they appear is redacted.",
    )
    start = forms.IntegerField(label="Or from character", min_value=0, required=False)
    end = forms.IntegerField(label="to character", min_value=1, required=False)

    field_order = ["part", "passage", "start", "end", "reason", "detail"]

    def clean(self):
        data = super().clean()
        has_range = data.get("start") is not None or data.get("end") is not None
        if not (data.get("passage") or "").strip() and not has_range:
            self.add_error("passage", "Copy the passage to redact, or give a range of characters.")
        if has_range and (data.get("start") is None or data.get("end") is None):
            self.add_error("end", "Give both ends of the range.")
        return data
