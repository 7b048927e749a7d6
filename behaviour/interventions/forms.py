"""Forms for physical interventions and staff training: validation and layout only."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.paper.forms import PaperEntryFormMixin
from pastoral.pickers import STAFF, PickerField, staff_field
from pastoral.pupils.picker import PupilPickerField
from pastoral.widgets import DateInput, TimeInput

from ..events.selectors import locations_for
from ..forms import DATETIME_FORMATS, _datetime_widget, _school_pupils, staff_of
from ..uploads import certificate_type
from .models import InterventionTechnique, RestrictiveIntervention, StaffTraining
from .selectors import techniques_for


def _date_widget():
    return DateInput()


def _time_widget():
    return TimeInput()


def _helper(*fieldsets):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fieldsets)
    return helper


class TechniqueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class InterventionForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    pupil = PupilPickerField(
        search_url_name="behaviour:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    occurred_on = forms.DateField(label="Date", widget=_date_widget())
    started_at = forms.TimeField(label="Start time", widget=_time_widget())
    ended_at = forms.TimeField(label="End time", widget=_time_widget(), help_text="The duration is worked out")
    location = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False, empty_label="Other")
    location_detail = forms.CharField(label="Where exactly", max_length=120, required=False)
    staff_involved = staff_field(
        label="Staff involved",
        error_messages={"required": "Name the staff involved."},
    )
    witnesses = staff_field(required=False, label="Staff witnesses")
    other_witnesses = forms.CharField(label="Other witnesses", max_length=300, required=False)
    antecedents = forms.CharField(label="What happened before", widget=forms.Textarea(attrs={"rows": 3}))
    deescalation = forms.MultipleChoiceField(
        label="De-escalation tried",
        choices=RestrictiveIntervention.DEESCALATION,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deescalation_notes = forms.CharField(
        label="De-escalation: more detail", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intervention_type = forms.ChoiceField(
        label="Type",
        choices=RestrictiveIntervention.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of intervention."},
    )
    technique = TechniqueChoiceField(
        queryset=None, to_field_name="code", required=False, label="Hold or technique", empty_label="None"
    )
    technique_notes = forms.CharField(label="How it was used", max_length=300, required=False)
    rationale = forms.CharField(
        label="Why it was necessary",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the intervention was necessary."},
    )
    injuries = forms.BooleanField(label="Was anyone injured?", required=False)
    injury_details = forms.CharField(
        label="Who was injured and how", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    first_aid = forms.CharField(label="First aid given", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    support_offered = forms.CharField(label="Support offered afterwards", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = _school_pupils(user, school)
        self.fields["location"].queryset = locations_for(school, active_only=True)
        self.fields["staff_involved"].queryset = staff_of(school)
        self.fields["witnesses"].queryset = staff_of(school)
        self.fields["technique"].queryset = techniques_for(school, active_only=True)
        self.fields["started_at"].input_formats = ["%H:%M", "%H:%M:%S"]
        self.fields["ended_at"].input_formats = ["%H:%M", "%H:%M:%S"]
        self.helper = _helper(
            "submission_key",
            Fieldset(
                "Pupil, time and place", "pupil", "occurred_on", "started_at", "ended_at", "location", "location_detail"
            ),
            Fieldset("People", "staff_involved", "witnesses", "other_witnesses"),
            Fieldset("Before", "antecedents", "deescalation", "deescalation_notes"),
            Fieldset("The intervention", "intervention_type", "technique", "technique_notes", "rationale"),
            Fieldset("Afterwards", "injuries", "injury_details", "first_aid", "support_offered"),
        )

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_at"), cleaned.get("ended_at")
        if start and end and RestrictiveIntervention.minutes_between(start, end) < 0:
            self.add_error("ended_at", "The end time must be after the start time.")
        if cleaned.get("intervention_type") == RestrictiveIntervention.Type.REASONABLE_FORCE and not cleaned.get(
            "technique"
        ):
            self.add_error("technique", "Choose the hold or technique used.")
        if cleaned.get("injuries") and not cleaned.get("injury_details", "").strip():
            self.add_error("injury_details", "Say who was injured and how.")
        if not cleaned.get("location") and not cleaned.get("location_detail", "").strip():
            self.add_error("location_detail", "Say where it happened.")
        return cleaned


class ParentReportForm(forms.Form):
    reported_at = forms.DateTimeField(label="When were they told?", widget=_datetime_widget())
    method = forms.ChoiceField(label="How", choices=RestrictiveIntervention.ReportMethod.choices)
    reported_to = forms.CharField(label="Who was told", max_length=120, help_text="e.g. Mum (Sarah Smith)")
    content = forms.CharField(
        label="What was said",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="When and where, how long, the type of force or restraint, any injuries and why it was needed",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["reported_at"].input_formats = DATETIME_FORMATS
        self.helper = _helper("reported_at", "method", "reported_to", "content")

    def clean_reported_at(self):
        value = self.cleaned_data["reported_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class WithholdForm(forms.Form):
    reason = forms.CharField(
        label="Why telling parents would put the pupil at risk of significant harm",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for withholding."},
    )


class DebriefForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=_date_widget())
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, kind, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if kind == "pupil":
            self.fields["notes"].label = "The pupil's view (in their words where possible)"

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    proportionate = forms.ChoiceField(label="Was it proportionate?", choices=YES_NO, widget=forms.RadioSelect)
    in_line_with_training = forms.ChoiceField(
        label="Was it in line with training?", choices=YES_NO, widget=forms.RadioSelect
    )
    learning_points = forms.CharField(label="Learning points", widget=forms.Textarea(attrs={"rows": 4}))
    support_plan_review = forms.ChoiceField(
        label="Does the pupil's behaviour support plan need review?", choices=YES_NO, widget=forms.RadioSelect
    )

    def cleaned(self):
        data = self.cleaned_data
        return {
            "proportionate": data["proportionate"] == "yes",
            "in_line_with_training": data["in_line_with_training"] == "yes",
            "learning_points": data["learning_points"],
            "support_plan_review": data["support_plan_review"] == "yes",
        }


class InterventionVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this record wrong?")


class OversightFilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=_date_widget())
    end = forms.DateField(label="To", required=False, widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "This must be on or after the start date.")
        return cleaned


class TechniqueForm(forms.ModelForm):
    class Meta:
        model = InterventionTechnique
        fields = ["name", "scheme", "active", "order"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = InterventionTechnique.objects.filter(school=self.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This school already has a technique with this name.")
        return name


class TrainingForm(forms.ModelForm):
    class Meta:
        model = StaffTraining
        fields = [
            "user",
            "course",
            "custom_name",
            "positive_handling",
            "completed_on",
            "expires_on",
            "tutor",
            "certificate",
        ]
        widgets = {"completed_on": _date_widget(), "expires_on": _date_widget()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = PickerField(STAFF, label="Member of staff", queryset=staff_of(school))
        if self.instance.pk:
            # The person, not their primary key: an unchanged choice is not recorded as a change.
            self.initial["user"] = self.instance.user
        self.fields["certificate"].help_text = "PDF, PNG or JPEG, 5 MB at most"
        self.fields["certificate"].widget.attrs["accept"] = "application/pdf,image/png,image/jpeg"

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # nothing new uploaded
        certificate_type(upload)  # checked again by the service, which records the type
        return upload


class TrainingVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this training record wrong?")


class PaperInterventionForm(PaperEntryFormMixin, InterventionForm):
    """The intervention record with the paper fields (reference, when and by whom written, the scan)."""

    paper_kind = "behaviour.intervention"
