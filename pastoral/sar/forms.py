"""Subject access request forms: validation only; the services write."""

from django import forms

from ..widgets import DateInput
from .models import SubjectAccessRequest


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
