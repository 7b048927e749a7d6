"""Forms for individual healthcare plans: Template A as a structured form; writes happen in services."""

import uuid

from crispy_forms.layout import Fieldset
from django import forms

from pastoral.pickers import STAFF, staff_field
from pastoral.pupils.picker import PupilPickerField
from pastoral.widgets import DateInput

from ..conditions.selectors import conditions_visible_to, current
from ..forms import helper, school_pupils, staff_of
from .models import HealthcarePlan, default_review_date

TEXTAREA = {"rows": 2}


class PlanForm(forms.ModelForm):
    pupil = PupilPickerField(
        search_url_name="medical:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    supporters = staff_field(required=False, label="Staff who provide support")
    copied_to = staff_field(
        required=False, label="Plan copied to", help_text=f"These staff can read the plan. {STAFF.hint}"
    )
    change_reason = forms.CharField(label="What changed", max_length=200, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = HealthcarePlan
        fields = [
            "status",
            "conditions",
            "plan_date",
            "review_date",
            "ehcp_linked",
            "ehcp_reference",
            *HealthcarePlan.TEMPLATE_FIELDS,
            "developed_with_parents",
            "developed_with_parent_names",
            "developed_with_professional",
            "supporters",
            "training_course",
            "copied_to",
        ]
        widgets = {
            "plan_date": DateInput(),
            "review_date": DateInput(),
            "conditions": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs=TEXTAREA) for name in HealthcarePlan.TEMPLATE_FIELDS if name != "gp"},
        }
        for name in ("emergency_responsible", "emergency_responsible_offsite"):
            widgets[name] = forms.TextInput()

    def __init__(self, *args, user, school, pupil=None, editing=False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("review_date", default_review_date())
        super().__init__(*args, **kwargs)
        staff = staff_of(school)
        for name in ("supporters", "copied_to", "conditions"):
            self.fields[name].to_field_name = "code"  # integer keys never reach the browser
        self.fields["supporters"].queryset = staff
        self.fields["copied_to"].queryset = staff
        self.fields["review_date"].required = True
        self.fields["review_date"].help_text = "At least once a year; 12 months from today unless you change it"
        conditions = current(conditions_visible_to(user).filter(school=school)).select_related("condition_type")
        self.fields["conditions"].queryset = conditions.filter(pupil=pupil) if pupil else conditions.none()
        self.fields["conditions"].label_from_instance = lambda c: f"{c.name} ({c.get_severity_display().lower()})"
        if editing:
            del self.fields["pupil"]
            del self.fields["submission_key"]
        else:
            self.fields["pupil"].queryset = school_pupils(user, school)
            del self.fields["change_reason"]
            if pupil is None:
                del self.fields["conditions"]
        first = ["change_reason"] if editing else ["submission_key", "pupil"]
        self.helper = helper(
            *first,
            Fieldset(
                "The plan",
                *[f for f in ("conditions",) if f in self.fields],
                "status",
                "plan_date",
                "review_date",
                "ehcp_linked",
                "ehcp_reference",
            ),
            Fieldset("Condition and contacts", "diagnosis", "clinic_contact", "gp"),
            Fieldset(
                "Medical needs",
                "symptoms",
                "triggers",
                "signs",
                "treatments",
                "facilities_equipment",
                "environmental_issues",
            ),
            Fieldset(
                "Medication and care", "medication", "daily_care", "educational_support", "trips", "other_information"
            ),
            Fieldset(
                "Emergency",
                "emergency_signs",
                "emergency_action",
                "emergency_responsible",
                "emergency_responsible_offsite",
            ),
            Fieldset(
                "Who drew it up and who supports",
                "developed_with_parents",
                "developed_with_parent_names",
                "developed_with_professional",
                "supporters",
                "training_course",
                "training_notes",
                "copied_to",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("developed_with_parents") and not (cleaned.get("developed_with_parent_names") or "").strip():
            self.add_error("developed_with_parent_names", "Name the parents or carers who helped draw up the plan.")
        return cleaned

    def _post_clean(self):
        # The service validates the model (with the pupil it is for) and saves; the form only checks its fields.
        pass


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DateInput())
    next_review = forms.DateField(label="Next review date", widget=DateInput())
    notes = forms.CharField(label="What the review found", max_length=200, required=False)
