"""Forms for keywork: validation and layout only. The session form is laid out for a tablet: big radio buttons
for the type, the mood faces and the Zones colours."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pastoral.accounts.roles import PUPIL_READING_ROLES
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to, staff_holding
from pastoral.widgets import DateInput

from .models import KeyworkAssignment, KeyworkSession
from .roles import KEYWORKER_ROLES

FACES = {1: "😢", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
MOOD_CHOICES = [("", "Not asked")] + [
    (str(n), f"{FACES[n]} {n} – {label}") for n, label in KeyworkSession.MOODS.items()
]
ZONE_CHOICES = [("", "Not used")] + list(KeyworkSession.Zone.choices)


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class AssignForm(forms.Form):
    pupil = PupilPickerField(search_url_name="behaviour:pupil_picker")
    keyworker = StaffChoiceField(label="Keyworker", queryset=None)
    starts_on = forms.DateField(label="Starts on", widget=DateInput(), initial=timezone.localdate)
    frequency_days = forms.TypedChoiceField(
        label="Agreed contact",
        choices=KeyworkAssignment.Frequency.choices,
        coerce=int,
        initial=KeyworkAssignment.Frequency.WEEKLY,
        help_text="The caseload flags the pupil when nobody has seen them for longer than this.",
    )

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.fields["keyworker"].queryset = staff_holding(school, KEYWORKER_ROLES)
        self.helper = _helper()


class FrequencyForm(forms.Form):
    frequency_days = forms.TypedChoiceField(
        label="Agreed contact", choices=KeyworkAssignment.Frequency.choices, coerce=int
    )


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)
    minutes = forms.IntegerField(
        label="Length (minutes)", min_value=1, max_value=480, initial=15, widget=forms.NumberInput(attrs={"step": 5})
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=KeyworkSession.Kind.choices,
        initial=KeyworkSession.Kind.CHECK_IN,
        widget=forms.RadioSelect,
    )
    mood = forms.TypedChoiceField(
        label="How the pupil rated their mood",
        choices=MOOD_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    zone = forms.ChoiceField(label="Zones colour", choices=ZONE_CHOICES, required=False, widget=forms.RadioSelect)
    discussion = forms.CharField(
        label="What was discussed", required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_on = forms.DateField(label="Next session (optional)", required=False, widget=DateInput())

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("A session cannot be logged for a future date.")
        return held_on

    def clean(self):
        data = super().clean()
        if data.get("next_on") and data.get("held_on") and data["next_on"] < data["held_on"]:
            self.add_error("next_on", "The next session cannot be before this one.")
        return data


class ActionForm(forms.Form):
    text = forms.CharField(label="Agreed action", max_length=300, required=False)
    owner = StaffChoiceField(label="Who does it", queryset=None, required=False)
    due_on = forms.DateField(label="By", widget=DateInput(), required=False)

    def __init__(self, *args, school=None, default_owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school is not None:
            self.fields["owner"].queryset = staff_holding(school, list(PUPIL_READING_ROLES))
        if default_owner is not None and not self.is_bound:
            self.initial.setdefault("owner", default_owner.pk)

    def clean(self):
        data = super().clean()
        if data.get("text"):
            if not data.get("owner"):
                self.add_error("owner", "Say who does it.")
            if not data.get("due_on"):
                self.add_error("due_on", "Give a date.")
        return data

    def action(self):
        data = self.cleaned_data
        if not data.get("text"):
            return None
        return {"text": data["text"], "owner": data["owner"], "due_on": data["due_on"]}


ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=10, absolute_max=10)


def action_formset(data=None, *, school, owner):
    formset = ActionFormSet(data, prefix="actions", form_kwargs={"school": school, "default_owner": owner})
    # One staff query for all the rows.
    choices = list(staff_holding(school, list(PUPIL_READING_ROLES)))
    for form in formset.forms:
        form.fields["owner"].queryset = staff_holding(school, list(PUPIL_READING_ROLES))
        form.fields["owner"].choices = [("", "---------")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in choices
        ]
    return formset


class ConcernForm(forms.Form):
    copy = forms.BooleanField(
        label="Copy what was discussed into the concern",
        required=False,
        help_text="Leave this unticked to write the concern yourself; nothing from the session is copied.",
    )
