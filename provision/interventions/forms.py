"""Forms for interventions: validation and layout only."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms

from pastoral.accounts.roles import PUPIL_READING_ROLES
from pastoral.pickers import pupils_field, staff_field
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to, staff_holding
from pastoral.widgets import DateInput
from provision import measures_registry

from .models import GroupMember, InterventionGroup, Programme, SessionAttendance


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ProgrammeForm(forms.ModelForm):
    measure_code = forms.ChoiceField(label="Entry and exit measure", required=False)

    class Meta:
        model = Programme
        fields = ["name", "description", "default_weeks", "session_count", "measure_code", "cost", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = measures_registry.choices()
        current = self.instance.measure_code if self.instance else ""
        if current and current not in dict(choices):
            choices.append((current, f"{current} (no longer available)"))
        self.fields["measure_code"].choices = choices
        self.fields["cost"].help_text = "Optional: what one group costs to run (materials, training, staff time)."
        self.helper = _helper()

    def clean_measure_code(self):
        code = self.cleaned_data.get("measure_code") or ""
        if code and code not in dict(measures_registry.choices()):
            raise forms.ValidationError("Choose one of the measures offered.")
        return code


class GroupStartForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=120, help_text="e.g. Year 4 ELSA, Tuesday")
    facilitators = staff_field(label="Facilitators")
    schedule = forms.CharField(max_length=200, help_text="e.g. Tuesdays 10:30 in the nurture room")
    starts_on = forms.DateField(label="Planned start", widget=DateInput())
    ends_on = forms.DateField(
        label="Planned end", widget=DateInput(), required=False, help_text="Leave empty for the programme's length."
    )
    pupils = pupils_field(required=False, label="Pupils")
    target = forms.CharField(
        label="Target for every pupil (optional)",
        max_length=300,
        required=False,
        help_text="Each pupil's own target can be changed on the group page.",
    )

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(school=school, active=True)
        self.fields["facilitators"].queryset = staff_holding(school, list(PUPIL_READING_ROLES))
        self.fields["pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school)).order_by(
            "year_group", "legal_last_name", "legal_first_name"
        )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        programme, starts_on = data.get("programme"), data.get("starts_on")
        if programme and starts_on and not data.get("ends_on"):
            data["ends_on"] = starts_on + datetime.timedelta(weeks=programme.default_weeks, days=-1)
        if data.get("ends_on") and starts_on and data["ends_on"] < starts_on:
            self.add_error("ends_on", "The planned end cannot be before the start.")
        return data


class AddMemberForm(forms.Form):
    pupil = PupilPickerField(search_url_name="behaviour:pupil_picker")
    target = forms.CharField(label="Individual target", max_length=300, required=False)

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.helper = _helper()


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput())
    note = forms.CharField(label="Session note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"p{member.pk}"] = forms.ChoiceField(
                label=member.pupil.display_name,
                choices=SessionAttendance.Status.choices,
                initial=SessionAttendance.Status.ATTENDED,
                widget=forms.RadioSelect,
            )

    def attendance_fields(self):
        return [self[f"p{member.pk}"] for member in self.members]

    def statuses(self):
        return {member.pupil_id: self.cleaned_data[f"p{member.pk}"] for member in self.members}


class RateForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="Rating at the end",
        choices=[("", "Not rated yet")] + GroupMember.RATINGS,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = GroupMember
        fields = ["target", "rating", "rating_note"]
        labels = {"rating_note": "Note on the rating"}


class FinishForm(forms.Form):
    finished_on = forms.DateField(label="Finished on", widget=DateInput())


STATUS_CHOICES = [("", "Any status")] + list(InterventionGroup.Status.choices)
