"""Forms for suspensions: validation and layout only; the rules and writes live in the services."""

import uuid
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput

from ..events.selectors import events_visible_to
from ..forms import DATETIME_FORMATS, _datetime_widget
from ..pickers import incidents_field
from .models import ExclusionReasonCode, GovernorsReview, Suspension, SuspensionNotification

DATE_WIDGET = {"widget": DateInput()}


class ReasonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.census_code} – {obj.label}"


class SuspensionForm(forms.Form):
    pupil = PupilPickerField(
        search_url_name="behaviour:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    kind = forms.ChoiceField(label="Type", choices=Suspension.Kind.choices, widget=forms.RadioSelect)
    start_date = forms.DateField(label="First day", **DATE_WIDGET)
    start_session = forms.ChoiceField(
        label="Starts in the",
        choices=Suspension.Session.choices,
        help_text="Ignored for lunchtime suspensions",
        required=False,
    )
    length_days = forms.DecimalField(
        label="Length (school days)",
        required=False,
        min_value=Decimal("0.5"),
        max_value=45,
        decimal_places=1,
        help_text="Suspensions only, in half days, e.g. 2.5",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    lunchtimes = forms.IntegerField(
        label="Number of lunchtimes",
        required=False,
        min_value=1,
        max_value=90,
        help_text="Lunchtime suspensions only; each counts as half a school day",
    )
    reasons = ReasonChoiceField(
        queryset=None,
        label="Reasons (DfE census codes)",
        help_text="One to three",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason."},
    )
    incidents = incidents_field(required=False, label="Linked incidents")
    summary = forms.CharField(label="What happened and why this decision", widget=forms.Textarea(attrs={"rows": 4}))
    misses_public_exam = forms.BooleanField(
        label="The pupil will miss a public exam or national curriculum test", required=False
    )
    exam_details = forms.CharField(label="Which exam, and when", max_length=200, required=False)
    work_set = forms.CharField(label="Work set for days 1–5", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    work_set_by = forms.CharField(label="Work arranged by", max_length=120, required=False)
    provision = forms.CharField(
        label="Full-time provision from day 6",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when a suspension lasts more than 5 school days",
    )
    provision_by = forms.CharField(label="Provision arranged by", max_length=120, required=False)
    provision_start = forms.DateField(label="Provision starts", required=False, **DATE_WIDGET)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, instance=None, **kwargs):
        kwargs.setdefault("initial", {})
        initial = kwargs["initial"]
        initial.setdefault("submission_key", uuid.uuid4())
        initial.setdefault("kind", Suspension.Kind.SUSPENSION)
        initial.setdefault("start_session", Suspension.Session.AM)
        initial.setdefault("start_date", timezone.localdate())
        if instance is not None:
            initial.update(
                {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}
                | {
                    "pupil": instance.pupil,
                    "reasons": list(instance.reasons.all()),
                    "incidents": list(instance.incidents.all()),
                    "length_days": instance.length_days if instance.kind == Suspension.Kind.SUSPENSION else None,
                    "lunchtimes": instance.length_units if instance.kind == Suspension.Kind.LUNCHTIME else None,
                    "submission_key": instance.submission_key,
                }
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        pupils = on_roll(pupils_visible_to(user).filter(school=school))
        if instance is not None:
            pupils = pupils_visible_to(user).filter(pk=instance.pupil_id)
        self.fields["pupil"].queryset = pupils.order_by("legal_last_name", "legal_first_name")
        day = timezone.localdate()
        if self.is_bound:
            try:
                day = forms.DateField().clean(self.data.get("start_date")) or day
            except forms.ValidationError:
                pass
        self.fields["reasons"].queryset = ExclusionReasonCode.active_on(day)
        # Any current event of the school the user reads may be linked (the picker searches the same rows);
        # clean() keeps only the chosen pupil's.
        self.fields["incidents"].queryset = events_visible_to(user).filter(school=school, voided_at__isnull=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("Pupil and type", "pupil", "kind"),
            Fieldset("When and how long", "start_date", "start_session", "length_days", "lunchtimes"),
            Fieldset("Why", "reasons", "incidents", "summary", "misses_public_exam", "exam_details"),
            Fieldset("Education while away", "work_set", "work_set_by", "provision", "provision_by", "provision_start"),
            "submission_key",
        )

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"]
        if len(reasons) > 3:
            raise forms.ValidationError("Choose no more than three reasons.")
        return reasons

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Suspension.Kind.SUSPENSION:
            days = cleaned.get("length_days")
            if days is None and "length_days" not in self.errors:
                self.add_error("length_days", "Give the length in school days.")
            elif days is not None and (days * 2) % 1:
                self.add_error("length_days", "Give the length in whole or half days, e.g. 2 or 2.5.")
            else:
                cleaned["length_units"] = int(days * 2) if days is not None else None
        elif kind == Suspension.Kind.LUNCHTIME:
            if not cleaned.get("lunchtimes") and "lunchtimes" not in self.errors:
                self.add_error("lunchtimes", "Give the number of lunchtimes.")
            cleaned["length_units"] = cleaned.get("lunchtimes")
        else:
            cleaned["length_units"] = None
        if kind != Suspension.Kind.LUNCHTIME and not cleaned.get("start_session"):
            cleaned["start_session"] = Suspension.Session.AM
        pupil, incidents = cleaned.get("pupil"), cleaned.get("incidents") or []
        if pupil and any(event.pupil_id != pupil.pk for event in incidents):
            self.add_error("incidents", "Link only this pupil's incidents.")
        if cleaned.get("misses_public_exam") and not cleaned.get("exam_details"):
            self.add_error("exam_details", "Say which exam or test, and when.")
        return cleaned

    def service_values(self):
        data = dict(self.cleaned_data)
        data.pop("length_days", None)
        data.pop("lunchtimes", None)
        return data


class NotificationForm(forms.Form):
    recipient = forms.ChoiceField(label="Who was told", choices=SuspensionNotification.Recipient.choices)
    recipient_name = forms.CharField(label="Name", max_length=120, required=False)
    notified_at = forms.DateTimeField(label="Told when", widget=_datetime_widget(), input_formats=DATETIME_FORMATS)
    method = forms.ChoiceField(label="How", choices=SuspensionNotification.Method.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "notified_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, prefix="notify", **kwargs)

    def clean_notified_at(self):
        value = self.cleaned_data["notified_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class ReintegrationForm(forms.Form):
    offered_on = forms.DateField(label="Offered on", required=False, **DATE_WIDGET)
    held_on = forms.DateField(label="Held on", **DATE_WIDGET)
    attendees = forms.CharField(label="Who attended", widget=forms.Textarea(attrs={"rows": 2}))
    agreed_support = forms.CharField(label="Support agreed", widget=forms.Textarea(attrs={"rows": 3}))
    plan_reference = forms.CharField(
        label="Reintegration plan (link or reference)",
        max_length=300,
        required=False,
        help_text="Until reintegration plans are kept here, a link or where the plan is filed",
    )
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reint", **kwargs)

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value


class SuspensionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the decision cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Parents, the governing board and the local authority are told this reason.",
    )
    returns_on = forms.DateField(label="The pupil returns on", widget=DateInput())
    returns_session = forms.ChoiceField(label="From the", choices=Suspension.Session.choices, initial="am")


class SuspensionVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this record wrong?")


class GovernorTaskForm(forms.Form):
    note = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 2}), help_text="e.g. meeting date and outcome"
    )

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, prefix=f"task-{task.code}" if task else "task", **kwargs)
        self.task = task


class GovernorsReviewForm(forms.Form):
    met_on = forms.DateField(label="The board met on", **DATE_WIDGET)
    attended = forms.CharField(label="Who attended", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.ChoiceField(label="Decision", choices=GovernorsReview.Outcome.choices)
    reinstated_on = forms.DateField(label="Reinstated from", required=False, **DATE_WIDGET)
    decision_sent_on = forms.DateField(label="Decision letter sent on", required=False, **DATE_WIDGET)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="gov", **kwargs)


class ReviewPanelForm(forms.Form):
    panel_requested_on = forms.DateField(label="Review requested on", **DATE_WIDGET)
    panel_met_on = forms.DateField(label="Panel met on", required=False, **DATE_WIDGET)
    panel_outcome = forms.ChoiceField(
        label="Panel's decision", choices=[("", "Not yet"), *GovernorsReview.PanelOutcome.choices], required=False
    )
    reconsidered_on = forms.DateField(label="Governors reconsidered on", required=False, **DATE_WIDGET)
    reconsidered_outcome = forms.ChoiceField(
        label="Outcome of the reconsideration",
        choices=[("", "Not yet"), *GovernorsReview.Outcome.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="irp", **kwargs)
