"""Forms for incidents, follow-up actions, attachments and bullying records: validation and crispy layout only;
writes happen in services."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from pastoral.paper.forms import PaperEntryFormMixin
from pastoral.pickers import PUPILS, STAFF, PickerField, pupils_field
from pastoral.widgets import DateInput

from ..events.models import PupilRole
from ..forms import DATETIME_FORMATS, _date_field, _datetime_widget, _school_pupils, staff_of
from ..uploads import attachment_kind, max_bytes
from .models import BullyingIncident, BullyingType, Incident


def _pupils_field(label, help_text="", required=False):
    hint = f"{help_text}. {PUPILS.hint}" if help_text else PUPILS.hint
    return pupils_field(
        required=required,
        label=label,
        help_text=hint,
        error_messages={"invalid_choice": "Choose pupils on roll at this school."},
    )


class IncidentForm(forms.ModelForm):
    parents_informed_at = forms.DateTimeField(label="Informed when", required=False, widget=_datetime_widget())
    parents_informed_by = PickerField(STAFF, required=False, label="Informed by")
    other_pupils = pupils_field(
        required=False,
        label="Other pupils involved",
        help_text="The pupils of the events logged together are included already; choose each one's role beside "
        f"their name. {PUPILS.hint}",
        roles=PupilRole.choices,
        role_default=PupilRole.INVOLVED,
        error_messages={"invalid_choice": "Choose pupils on roll at this school."},
    )

    class Meta:
        model = Incident
        fields = [
            "antecedent",
            "behaviour",
            "consequence",
            "deescalation",
            "dysregulated",
            "injuries",
            "injury_details",
            "parents_informed",
            "parents_informed_at",
            "parents_informed_how",
            "parents_informed_by",
        ]
        labels = {
            "antecedent": "What happened before (antecedent)",
            "behaviour": "The behaviour",
            "consequence": "Consequence",
            "deescalation": "De-escalation tried",
            "dysregulated": "Was the pupil dysregulated?",
            "injuries": "Someone was injured",
            "injury_details": "Injuries",
            "parents_informed": "Parents / carers informed",
        }
        help_texts = {
            "antecedent": "The setting and what led up to it: who, where, what was said or asked",
            "behaviour": "What the pupil did and said, as factually as you can",
            "consequence": "What happened as a result: sanction, support, restorative work",
            "deescalation": "e.g. calm voice, space, choices offered, moved audience, time out",
            "injury_details": "Who, what injury, any first aid given",
        }
        widgets = {
            "antecedent": forms.Textarea(attrs={"rows": 3}),
            "behaviour": forms.Textarea(attrs={"rows": 3}),
            "consequence": forms.Textarea(attrs={"rows": 2}),
            "deescalation": forms.Textarea(attrs={"rows": 2}),
            "dysregulated": forms.RadioSelect,
            "injury_details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, school, event_pupils=(), event_roles=None, **kwargs):
        """`event_pupils`: the pupils of the events logged together, each with a role select of their own;
        `event_roles` ({pupil pk: role}) starts them at their event's role when the incident is new."""
        super().__init__(*args, **kwargs)
        self.fields["parents_informed_at"].input_formats = DATETIME_FORMATS
        self.fields["dysregulated"].choices = Incident.Dysregulated.choices
        self.fields["parents_informed_by"].queryset = staff_of(school)
        # The search offers every pupil on roll; the events' own pupils, if chosen again, are simply dropped.
        self.fields["other_pupils"].queryset = _school_pupils(user, school)
        self.event_pupils = list(event_pupils)
        self.event_pupil_ids = [pupil.pk for pupil in self.event_pupils]
        roles = dict(event_roles or {})
        if self.instance.pk:
            involvements = list(self.instance.involvements.select_related("pupil"))
            roles.update({item.pupil_id: item.role for item in involvements})
            others = [item for item in involvements if item.pupil_id not in self.event_pupil_ids]
            self.initial.setdefault(
                "other_pupils",
                {"codes": [item.pupil for item in others], "roles": {item.pupil.code: item.role for item in others}},
            )
        self.role_fields = {}
        for pupil in self.event_pupils:
            name = f"role_{pupil.code}"
            self.fields[name] = forms.ChoiceField(
                label=f"{pupil.display_name}'s role",
                choices=PupilRole.choices,
                initial=roles.get(pupil.pk) or PupilRole.INVOLVED,
                # Left out of a post, the pupil keeps the role they have (or their event's).
                required=False,
            )
            self.role_fields[pupil.pk] = name
        layout = [
            Fieldset("What happened", "antecedent", "behaviour", "consequence", "deescalation", "dysregulated"),
            Fieldset("Injuries", "injuries", "injury_details"),
            Fieldset("Home", "parents_informed", "parents_informed_at", "parents_informed_how", "parents_informed_by"),
            Fieldset("Pupils", *self.role_fields.values(), "other_pupils"),
        ]
        if not self.instance.pk:
            self.fields["submission_key"] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4())
            layout.insert(0, "submission_key")
        else:
            # A change to a written account says why, and the reason stays in the incident's history.
            self.fields["change_reason"] = forms.CharField(
                label="Why are you changing it?",
                max_length=500,
                help_text="Kept in the incident's history with what changed.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            layout.append(Fieldset("Your change", "change_reason"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*layout)

    def _event_pupil_ids(self):
        return self.instance.events.values_list("pupil_id", flat=True)

    def clean_other_pupils(self):
        chosen = self.cleaned_data["other_pupils"]
        others = [pupil for pupil in chosen if pupil.pk not in self.event_pupil_ids]
        self.other_roles = {pupil.pk: chosen.roles[pupil.pk] for pupil in others}
        return others

    def pupil_roles(self):
        """{pupil pk: role} for the events' pupils and the other pupils chosen (after is_valid)."""
        roles = dict(getattr(self, "other_roles", {}))
        roles.update({pk: self.cleaned_data[name] for pk, name in self.role_fields.items() if self.cleaned_data[name]})
        return roles

    def incident_data(self):
        """The cleaned fields for the service, without the role selects (see `pupil_roles`)."""
        names = set(self.role_fields.values())
        return {name: value for name, value in self.cleaned_data.items() if name not in names}

    def clean_parents_informed_at(self):
        value = self.cleaned_data.get("parents_informed_at")
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        if value and self.instance.parents_informed_at:
            # The widget shows minutes only; an untouched time is not a change.
            if value == self.instance.parents_informed_at.replace(second=0, microsecond=0):
                return self.instance.parents_informed_at
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parents_informed"):
            if not cleaned.get("parents_informed_at") and "parents_informed_at" not in self.errors:
                self.add_error("parents_informed_at", "Say when parents or carers were informed.")
            if not cleaned.get("parents_informed_how"):
                self.add_error("parents_informed_how", "Say how parents or carers were informed.")
        if cleaned.get("injuries") and not (cleaned.get("injury_details") or "").strip():
            self.add_error("injury_details", "Describe the injuries.")
        return cleaned

    def _post_clean(self):
        # The service builds and validates the record (with the event group); the form checks its fields only.
        pass


class IncidentVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this incident record wrong?")


class FollowUpForm(forms.Form):
    description = forms.CharField(label="Action", max_length=300)
    owner = PickerField(STAFF, label="Owner")
    due_on = forms.DateField(label="Due on", widget=DateInput())
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_of(school)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Photo or PDF",
        help_text="PNG, JPEG, GIF, WebP or PDF",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf"}),
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"PNG, JPEG, GIF, WebP or PDF, up to {filesizeformat(max_bytes())}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = attachment_kind(upload)
        return upload


class BullyingForm(forms.Form):
    types = forms.MultipleChoiceField(
        label="Type",
        choices=BullyingType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every type that applies",
        error_messages={"required": "Choose at least one type."},
    )
    occurred_on = forms.DateField(
        label="When it happened (or was first reported)",
        widget=DateInput(),
    )
    victims = _pupils_field("Pupils bullied (victims)", required=True)
    perpetrators = _pupils_field("Pupils doing the bullying (perpetrators)", help_text="Leave empty if not known")
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label="Outcome", choices=BullyingIncident.Outcome.choices)
    outcome_notes = forms.CharField(label="Outcome notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["victims"].error_messages["required"] = "Name at least one pupil who was bullied."
        for name in ("victims", "perpetrators"):
            self.fields[name].queryset = _school_pupils(user, school)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("What happened", "types", "occurred_on", "description"),
            Fieldset("Pupils", "victims", "perpetrators"),
            Fieldset("Outcome", "outcome", "outcome_notes"),
        )

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("victims") or []) & set(cleaned.get("perpetrators") or [])
        if both:
            names = ", ".join(sorted(pupil.display_name for pupil in both))
            self.add_error("perpetrators", f"A pupil cannot be both bullied and bullying in one record: {names}.")
        return cleaned


class BullyingVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this bullying record wrong?")


class PatternsFilterForm(forms.Form):
    start = _date_field("From")
    end = _date_field("To")
    types = forms.MultipleChoiceField(
        label="Types", choices=BullyingType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["types"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", "This must be on or after the start date.")
        return cleaned


class BullyingOutcomeForm(forms.ModelForm):
    class Meta:
        model = BullyingIncident
        fields = ["outcome", "outcome_notes"]
        labels = {"outcome": "Outcome", "outcome_notes": "Outcome notes"}
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 2})}

    # A change to the record says why, and the reason stays in its history beside what changed.
    change_reason = forms.CharField(
        label="Why are you changing it?",
        max_length=500,
        help_text="Kept in the record's history with what changed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def _post_clean(self):
        # The service applies and records the change; the form only checks the fields.
        pass


class PaperIncidentForm(PaperEntryFormMixin, IncidentForm):
    """Incident detail with the paper fields (reference, when and by whom written, the scan)."""

    paper_kind = "behaviour.incident"
