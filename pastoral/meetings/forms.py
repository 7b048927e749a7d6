"""The meeting form: attendees from the school's staff and the professionals on the pupil's record."""

from django import forms

from ..accounts import access
from ..accounts.roles import Role
from ..pickers import STAFF, PickerField, staff_field
from ..selectors import professionals_visible_to, staff_holding
from ..widgets import DateInput
from .models import CP_KINDS, MeetingKind
from .permissions import VIEW_CP

ACTION_ROWS = 3


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Type of meeting")
    held_on = forms.DateField(label="Date", widget=DateInput())
    staff = staff_field(label="Staff attending", required=False)
    professionals = forms.ModelMultipleChoiceField(
        label="Professionals attending (from the pupil's record)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(label="Others attending", max_length=300, required=False, help_text="e.g. Mother, pupil")
    contribution = forms.CharField(
        label="The school's contribution", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    report = forms.FileField(label="Minutes or report received (PDF or photo)", required=False)
    next_meeting_on = forms.DateField(label="Next meeting", widget=DateInput(), required=False)

    def __init__(self, *args, user, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        may_see_cp = access.has_school_perm(user, pupil.school_id, VIEW_CP)
        self.fields["kind"].choices = [
            (value, label) for value, label in MeetingKind.choices if may_see_cp or value not in CP_KINDS
        ]
        self.fields["staff"].queryset = staff_holding(pupil.school, list(Role))
        self.fields["professionals"].queryset = professionals_visible_to(user).filter(pupil=pupil)
        for index in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{index}"] = forms.CharField(label=f"Action {index}", max_length=300, required=False)
            self.fields[f"owner_{index}"] = PickerField(
                STAFF, label=f"Action {index}: owner in school", queryset=self.fields["staff"].queryset, required=False
            )
            self.fields[f"owner_name_{index}"] = forms.CharField(
                label=f"Action {index}: or owner outside the school", max_length=120, required=False
            )
            self.fields[f"due_{index}"] = forms.DateField(
                label=f"Action {index}: due by", widget=DateInput(), required=False
            )

    def clean(self):
        cleaned = super().clean()
        for index in range(1, ACTION_ROWS + 1):
            text = cleaned.get(f"action_{index}")
            if not text:
                continue
            if not cleaned.get(f"due_{index}"):
                self.add_error(f"due_{index}", "An action needs a due date.")
            if not cleaned.get(f"owner_{index}") and not cleaned.get(f"owner_name_{index}"):
                self.add_error(f"owner_{index}", "An action needs an owner.")
        return cleaned

    def actions(self):
        data = self.cleaned_data
        return [
            (data[f"action_{i}"], data.get(f"owner_{i}"), data.get(f"owner_name_{i}", ""), data[f"due_{i}"])
            for i in range(1, ACTION_ROWS + 1)
            if data.get(f"action_{i}")
        ]

    def meeting_fields(self):
        names = ("kind", "held_on", "others", "contribution", "minutes", "next_meeting_on")
        return {name: self.cleaned_data[name] for name in names}
