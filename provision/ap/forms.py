"""Forms for alternative provision: validation and layout only."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pastoral.attendance.models import WEEK_SESSIONS
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput

from ..plans.models import SupportPlan as SupportPlanRef
from .models import AttendanceReturn, DueDiligenceCheck, Placement, PlacementReview, Provider

TEXT = {"rows": 3}


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class HelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ProviderForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "name",
            "address",
            "registration",
            "urn",
            "ofsted_grade",
            "ofsted_date",
            "contact_name",
            "phone",
            "email",
            "offer",
            "ages",
            "cost_per_session",
            "cost_per_day",
        ]
        widgets = {
            "address": forms.Textarea(attrs=TEXT),
            "offer": forms.Textarea(attrs=TEXT),
            "ofsted_date": DateInput(),
        }


class SiteForm(HelperMixin, forms.Form):
    name = forms.CharField(label="Site name", max_length=200)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs=TEXT))


class CheckForm(HelperMixin, forms.Form):
    kind = forms.ChoiceField(label="Check", choices=DueDiligenceCheck.Kind.choices)
    checked_on = forms.DateField(label="Date of the check or visit", widget=DateInput(), initial=timezone.localdate)
    covers = forms.MultipleChoiceField(
        label="The written confirmation covers",
        choices=DueDiligenceCheck.SAFEGUARDING_ITEMS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For the safeguarding confirmation: every check must be covered.",
    )
    document = forms.FileField(
        label="Document",
        required=False,
        help_text="PDF, PNG or JPEG, 10 MB. Required for the safeguarding confirmation.",
    )
    visitor = forms.CharField(label="Visitor (QA visits)", max_length=200, required=False)
    findings = forms.CharField(label="Findings or notes", widget=forms.Textarea(attrs=TEXT), required=False)


class AccountForm(HelperMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    username = forms.CharField(max_length=150)


class PlacementForm(HelperMixin, forms.Form):
    pupil = PupilPickerField(search_url_name="behaviour:pupil_picker")
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.none())
    commissioner = forms.ChoiceField(label="Commissioned by", choices=Placement.Commissioner.choices)
    reason = forms.CharField(label="Why alternative provision", widget=forms.Textarea(attrs=TEXT))
    sessions = forms.MultipleChoiceField(
        label="Sessions each week", choices=WEEK_SESSIONS, widget=forms.CheckboxSelectMultiple
    )
    full_time = forms.BooleanField(label="Full-time place", required=False)
    cost_per_session = forms.DecimalField(label="Cost per session (£)", max_digits=8, decimal_places=2, required=False)
    start = forms.DateField(label="First day", widget=DateInput())
    planned_end = forms.DateField(label="Planned last day", widget=DateInput(), required=False)
    review_weeks = forms.IntegerField(label="Weeks between reviews", min_value=1, max_value=26)
    attendance_code = forms.ChoiceField(label="Register code", choices=Placement.Code.choices)
    objective = forms.CharField(label="First objective", max_length=300)
    target = forms.CharField(label="Measurable target", max_length=300)
    due_on = forms.DateField(label="Target date", widget=DateInput())
    ehcp_outcome = forms.CharField(label="EHCP outcome it serves (if any)", max_length=300, required=False)

    def __init__(self, *args, user, school, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.fields["provider"].queryset = providers

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        objective = {key: data.pop(key) for key in ("objective", "target", "due_on", "ehcp_outcome")}
        data["objectives"] = [objective]
        return data


class ObjectiveForm(HelperMixin, forms.Form):
    objective = forms.CharField(max_length=300)
    target = forms.CharField(label="Measurable target", max_length=300)
    due_on = forms.DateField(label="Target date", widget=DateInput())
    ehcp_outcome = forms.CharField(label="EHCP outcome it serves (if any)", max_length=300, required=False)


class ShareForm(HelperMixin, forms.Form):
    what = forms.CharField(label="What was shared", widget=forms.Textarea(attrs=TEXT))
    shared_on = forms.DateField(label="Shared on", widget=DateInput(), initial=timezone.localdate)


class DocumentForm(HelperMixin, forms.Form):
    document = forms.FileField(label="Placement agreement", help_text="PDF, PNG or JPEG, 10 MB.")


class AgreeForm(HelperMixin, forms.Form):
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput(), initial=timezone.localdate)


class EndForm(HelperMixin, forms.Form):
    end_kind = forms.ChoiceField(label="How it ends", choices=Placement.EndKind.choices)
    ended_on = forms.DateField(label="Last day", widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label="Reason (required for an early end)", widget=forms.Textarea(attrs=TEXT), required=False
    )
    exit_plan = forms.CharField(label="Exit or reintegration plan", widget=forms.Textarea(attrs=TEXT), required=False)
    reintegration_plan = forms.ModelChoiceField(
        label="The pupil's reintegration plan", queryset=SupportPlanRef.objects.none(), required=False
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reintegration_plan"].queryset = plans


class ReviewForm(HelperMixin, forms.Form):
    held_on = forms.DateField(label="Held on", widget=DateInput(), initial=timezone.localdate)
    attendees = forms.CharField(label="Who attended", widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(label="Decision", choices=PlacementReview.Decision.choices)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs=TEXT), required=False)

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            self.fields[f"score_{objective.pk}"] = forms.TypedChoiceField(
                label=f"Progress: {objective.objective}",
                choices=[(n, f"{n:+d}" if n else "0") for n in range(-2, 3)],
                coerce=int,
                initial=0,
            )
            self.fields[f"comment_{objective.pk}"] = forms.CharField(
                label=f"Comment: {objective.objective}", required=False, max_length=1000
            )

    def progress(self):
        data = self.cleaned_data
        return [(o, data[f"score_{o.pk}"], data.get(f"comment_{o.pk}", "")) for o in self.objectives]


class ReturnForm(forms.Form):
    """One session's mark from the provider."""

    mark = forms.ChoiceField(label="Mark", choices=AttendanceReturn.Mark.choices, widget=forms.RadioSelect)
    minutes_late = forms.IntegerField(label="Minutes late", min_value=1, max_value=300, required=False)
    reason = forms.CharField(label="Reason for absence", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("mark") == AttendanceReturn.Mark.ABSENT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for the absence.")
        return data


class ReportForm(HelperMixin, forms.Form):
    dated = forms.DateField(label="Report date", widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label="Report", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    document = forms.FileField(label="Or upload it", required=False, help_text="PDF, PNG or JPEG, 10 MB.")

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("document"):
            raise forms.ValidationError("Type the report or upload it.")
        return data


class SchoolSettingsForm(HelperMixin, forms.Form):
    return_cutoff = forms.TimeField(
        label="Attendance returns due by", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    review_weeks = forms.IntegerField(label="Default weeks between placement reviews", min_value=1, max_value=26)
    check_valid_months = forms.IntegerField(
        label="Months a due-diligence check stays current (for the whole trust)", min_value=1, max_value=36
    )


class PlacementEditForm(HelperMixin, forms.Form):
    """What may change once a placement is proposed: the terms, the timetable and the dates still ahead. The
    pupil and the provider stay (a different provider is a new placement, with its own checks)."""

    commissioner = forms.ChoiceField(label="Commissioned by", choices=Placement.Commissioner.choices)
    reason = forms.CharField(label="Why alternative provision", widget=forms.Textarea(attrs=TEXT))
    sessions = forms.MultipleChoiceField(
        label="Sessions each week", choices=WEEK_SESSIONS, widget=forms.CheckboxSelectMultiple
    )
    full_time = forms.BooleanField(label="Full-time place", required=False)
    cost_per_session = forms.DecimalField(label="Cost per session (£)", max_digits=8, decimal_places=2, required=False)
    start = forms.DateField(label="First day", widget=DateInput())
    planned_end = forms.DateField(label="Planned last day", widget=DateInput(), required=False)
    review_weeks = forms.IntegerField(label="Weeks between reviews", min_value=1, max_value=26)
    attendance_code = forms.ChoiceField(label="Register code", choices=Placement.Code.choices)

    def __init__(self, *args, placement, **kwargs):
        initial = {name: getattr(placement, name) for name in self.base_fields}
        super().__init__(*args, initial=initial, **kwargs)
        if placement.status == Placement.Status.ACTIVE:
            # The first day has happened; the returns and reviews hang on it.
            self.fields["start"].disabled = True

    def clean(self):
        data = super().clean()
        if not data.get("full_time") and not data.get("planned_end") and "planned_end" not in self.errors:
            self.add_error("planned_end", "A part-time timetable is temporary: give the planned last day.")
        return data

    def changed_fields(self):
        return {name: self.cleaned_data[name] for name in self.changed_data}
