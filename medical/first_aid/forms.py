"""Forms for the accident and first-aid log: validation and crispy layout only."""

import uuid

from crispy_forms.layout import Fieldset
from django import forms
from django.utils import timezone

from pastoral.paper.forms import PaperEntryFormMixin
from pastoral.pickers import STAFF, PickerField
from pastoral.pupils.picker import PupilPickerField

from ..emergency.models import settings_for
from ..forms import datetime_field, helper, school_pupils, staff_of
from .models import BODY_PARTS, Accident


class AccidentForm(forms.Form):
    person_kind = forms.ChoiceField(label="Who was hurt", choices=Accident.Person.choices)
    pupil = PupilPickerField(search_url_name="medical:pupil_picker", required=False)
    person_name = forms.CharField(label="Name (staff or visitor)", max_length=200, required=False)
    occurred_at = datetime_field("When")
    location = forms.CharField(label="Where", max_length=120, help_text="e.g. Playground, PE hall, Science lab 2")
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    injury = forms.ChoiceField(label="Injury", choices=Accident.Injury.choices)
    body_part = forms.ChoiceField(label="Part of the body", choices=BODY_PARTS)
    treatment = forms.CharField(label="Treatment given", widget=forms.Textarea(attrs={"rows": 2}))
    treated_by = PickerField(STAFF, label="Treated by")
    outcome = forms.ChoiceField(label="Outcome", choices=Accident.Outcome.choices)
    head_injury = forms.BooleanField(label="Head injury", required=False)
    parents_informed = forms.BooleanField(label="Parents or carers informed", required=False)
    parents_informed_at = datetime_field("Informed when", required=False)
    parents_informed_how = forms.ChoiceField(
        label="Informed how", choices=[("", "---------"), *Accident.ToldHow.choices], required=False
    )
    parents_informed_by = PickerField(STAFF, label="Informed by", required=False)
    head_letter_given = forms.BooleanField(label="Head-injury letter given", required=False)
    riddor_possible = forms.BooleanField(label="May be reportable under RIDDOR", required=False)
    possibly_non_accidental = forms.BooleanField(label="The injury may not be accidental", required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("treated_by", user)
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = school_pupils(user, school)
        if not settings_for(school).adult_accidents:
            self.fields["person_kind"].choices = [(Accident.Person.PUPIL, Accident.Person.PUPIL.label)]
        self.fields["treated_by"].queryset = staff_of(school)
        self.fields["parents_informed_by"].queryset = staff_of(school)
        self.helper = helper(
            "submission_key",
            Fieldset("Who", "person_kind", "pupil", "person_name"),
            Fieldset("What happened", "occurred_at", "location", "what_happened"),
            Fieldset(
                "Injury and treatment", "injury", "body_part", "head_injury", "treatment", "treated_by", "outcome"
            ),
            Fieldset(
                "Parents",
                "parents_informed",
                "parents_informed_at",
                "parents_informed_how",
                "parents_informed_by",
                "head_letter_given",
            ),
            Fieldset("Flags", "riddor_possible", "possibly_non_accidental"),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("person_kind") == Accident.Person.PUPIL
            and not cleaned.get("pupil")
            and "pupil" not in self.errors
        ):
            self.add_error("pupil", "Choose the pupil.")
        if cleaned.get("person_kind") in (Accident.Person.STAFF, Accident.Person.VISITOR) and not cleaned.get(
            "person_name"
        ):
            self.add_error("person_name", "Give the name of the person hurt.")
        if cleaned.get("parents_informed"):
            if not cleaned.get("parents_informed_at") and "parents_informed_at" not in self.errors:
                self.add_error("parents_informed_at", "Say when parents were informed.")
            if not cleaned.get("parents_informed_how"):
                self.add_error("parents_informed_how", "Say how parents were informed.")
        return cleaned


class InformedForm(forms.Form):
    informed_at = datetime_field("Informed when")
    how = forms.ChoiceField(label="Informed how", choices=Accident.ToldHow.choices)
    letter_given = forms.BooleanField(label="Head-injury letter given", required=False)


class RiddorForm(forms.Form):
    decision = forms.ChoiceField(
        label="RIDDOR decision", choices=[c for c in Accident.Riddor.choices if c[0]], widget=forms.RadioSelect
    )


class TrendsForm(forms.Form):
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from pastoral.widgets import DateInput

        for field in self.fields.values():
            field.widget = DateInput(attrs={"class": "form-control"})


class PaperAccidentForm(PaperEntryFormMixin, AccidentForm):
    """The accident form with the paper fields (reference, when and by whom written, the scan)."""

    paper_kind = "medical.accident"
