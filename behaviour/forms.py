"""Forms for behaviour: validation and crispy layout only; writes happen in services."""

import re
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from pastoral.models import User, YearGroup
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput, DateTimeInput

from .models import (
    BehaviourCategory,
    BehaviourEvent,
    BullyingIncident,
    BullyingType,
    Incident,
    Removal,
    RestorativeMeeting,
    RewardMilestone,
)
from .selectors import (
    categories_for,
    events_visible_to,
    forms_in,
    locations_for,
    milestones_for,
    restorative_candidates,
)
from .uploads import attachment_kind, max_bytes

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _datetime_widget():
    return DateTimeInput()


def staff_of(school):
    return User.objects.filter(memberships__school=school, is_active=True).distinct().order_by("last_name")


class CategoryChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        points = f"{obj.signed_points:+d}".replace("-", "\u2212")
        return f"{obj.get_kind_display()}: {obj.name} ({points})"


class _EventFields:
    """The fields an event shares between the quick log and the edit page."""

    def _limit_to(self, school, category=None):
        categories = categories_for(school, active_only=True)
        if category is not None:
            # An event keeps a category that has since been retired.
            categories = categories | categories_for(school).filter(pk=category.pk)
        self.fields["category"].queryset = categories.order_by("kind", "order", "name")
        self.fields["location"].queryset = locations_for(school, active_only=True)
        self.fields["location"].to_field_name = "code"
        self.fields["staff_involved"].queryset = staff_of(school)
        self.fields["staff_involved"].to_field_name = "code"
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS

    def _not_in_future(self, value):
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class QuickLogForm(_EventFields, forms.Form):
    pupils = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="code",
        widget=forms.MultipleHiddenInput,
        required=False,
        error_messages={
            "invalid_choice": "One of the chosen pupils is not on roll at this school.",
            "invalid_pk_value": "One of the chosen pupils is not on roll at this school.",
        },
    )
    # Without JavaScript the type-ahead cannot add pupils, so UPNs can be typed instead.
    upns = forms.CharField(label="Pupil UPNs", required=False, help_text="Separate several UPNs with spaces or commas")
    category = CategoryChoiceField(widget=forms.RadioSelect, empty_label=None)
    occurred_at = forms.DateTimeField(label="When", widget=_datetime_widget())
    location = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False, empty_label="Not recorded")
    period = forms.CharField(label="Period / lesson", max_length=40, required=False)
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    action_taken = forms.CharField(label="Action taken", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    staff_involved = forms.ModelMultipleChoiceField(
        queryset=None, to_field_name="code", required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    witnesses = forms.CharField(required=False, max_length=500)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self._limit_to(school)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("What happened", "category", "description"),
            Fieldset("When and where", "occurred_at", "location", "period"),
            Fieldset("Follow-up", "action_taken", "staff_involved", "witnesses"),
        )

    def clean_occurred_at(self):
        return self._not_in_future(self.cleaned_data["occurred_at"])

    def clean(self):
        cleaned = super().clean()
        pupils = list(cleaned.get("pupils") or [])
        upns = {upn.upper() for upn in re.split(r"[\s,;]+", cleaned.get("upns", "")) if upn}
        if upns:
            found = list(self.fields["pupils"].queryset.filter(upn__in=upns))
            missing = upns - {p.upn.upper() for p in found}
            if missing:
                self.add_error("upns", f"No pupil on roll at this school has UPN {', '.join(sorted(missing))}.")
            pupils += [p for p in found if p not in pupils]
        if not pupils and "pupils" not in self.errors:
            self.add_error("pupils", "Choose at least one pupil.")
        cleaned["pupils"] = pupils
        return cleaned

    def chosen_pupils(self):
        """The pupils to show as chosen again after a failed submit (only ones the user may pick)."""
        if self.is_bound:
            codes = []
            for code in self.data.getlist("pupils"):
                try:
                    codes.append(uuid.UUID(code))
                except ValueError:
                    continue
            return list(self.fields["pupils"].queryset.filter(code__in=codes))
        return list(self.initial.get("pupils", []))


class EventEditForm(_EventFields, forms.ModelForm):
    category = CategoryChoiceField(empty_label=None)
    occurred_at = forms.DateTimeField(label="When", widget=_datetime_widget())

    class Meta:
        model = BehaviourEvent
        fields = ["category", "occurred_at", "location", "period", "description", "action_taken"]
        fields += ["staff_involved", "witnesses"]
        labels = {"description": "What happened"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
            "witnesses": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_to(self.instance.school, category=self.instance.category)

    def clean_occurred_at(self):
        value = self._not_in_future(self.cleaned_data["occurred_at"])
        # The widget shows minutes only; an untouched time must not count as a change of a few seconds.
        if value == self.instance.occurred_at.replace(second=0, microsecond=0):
            return self.instance.occurred_at
        return value


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this event wrong?")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = BehaviourCategory
        fields = ["name", "kind", "points", "severity", "active", "order"]
        help_texts = {"points": "How many points; the sign follows the kind", "order": "Lower numbers come first"}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = categories_for(self.school).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This school already has a category with that name.")
        return name


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = RewardMilestone
        fields = ["name", "points", "active"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_points(self):
        points = self.cleaned_data["points"]
        if milestones_for(self.school).filter(points=points).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This school already has a milestone at that many points.")
        return points


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=DateInput())


class RewardsFilterForm(forms.Form):
    start = _date_field("Points from")
    end = _date_field("Points to")
    year_group = forms.TypedChoiceField(
        label="Year", choices=[("", "All years"), *YearGroup.choices], coerce=int, required=False, empty_value=None
    )
    form = forms.ChoiceField(label="Form / class", required=False)
    crossed_start = _date_field("Milestones from")
    crossed_end = _date_field("Milestones to")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [("", "All forms"), *((name, name) for name in forms_in(school))]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        cleaned = super().clean()
        for start, end in (("start", "end"), ("crossed_start", "crossed_end")):
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(end, "This must be on or after the start date.")
        return cleaned


class RemovalForm(forms.Form):
    pupil = PupilPickerField(
        search_url_name="behaviour:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    removed_at = forms.DateTimeField(label="When", widget=_datetime_widget())
    lesson = forms.CharField(label="From lesson / period", max_length=80, required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    removed_to = forms.CharField(label="Removed to", max_length=80, help_text="e.g. Reflection room")
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=1, max_value=480)
    parents_told = forms.BooleanField(label="Parents / carers told", required=False)
    parents_told_at = forms.DateTimeField(label="Told when", required=False, widget=_datetime_widget())
    parents_told_how = forms.ChoiceField(
        label="Told how", choices=[("", "---------"), *Removal.ParentsToldHow.choices], required=False
    )
    parents_told_by = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False, label="Told by")
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("removed_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = on_roll(pupils_visible_to(user).filter(school=school)).order_by(
            "legal_last_name", "legal_first_name"
        )
        self.fields["parents_told_by"].queryset = staff_of(school)
        for name in ("removed_at", "parents_told_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("Who and when", "pupil", "removed_at", "lesson"),
            Fieldset("Removal", "reason", "removed_to", "duration_minutes"),
            Fieldset("Home", "parents_told", "parents_told_at", "parents_told_how", "parents_told_by"),
        )

    def clean_removed_at(self):
        value = self.cleaned_data["removed_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parents_told"):
            if not cleaned.get("parents_told_at") and "parents_told_at" not in self.errors:
                self.add_error("parents_told_at", "Say when parents or carers were told.")
            if not cleaned.get("parents_told_how"):
                self.add_error("parents_told_how", "Say how parents or carers were told.")
        return cleaned


class RemovalVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this removal wrong?")


def _incident_label(event):
    return (
        f"{timezone.localtime(event.occurred_at):%d/%m/%Y %H:%M} · {event.pupil.display_name} · {event.category.name}"
    )


class RestorativeMeetingForm(forms.Form):
    incidents = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one incident.",
            "invalid_choice": "One of the chosen incidents is not a current event at this school.",
            "invalid_pk_value": "One of the chosen incidents is not a current event at this school.",
        },
    )
    other_pupils = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        label="Other pupils who took part",
        help_text="The pupils in the chosen incidents are included already",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    held_on = forms.DateField(label="Held on", widget=DateInput())
    people_present = forms.CharField(label="People present", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.CharField(label="What was agreed", widget=forms.Textarea(attrs={"rows": 3}))
    repair_happened = forms.ChoiceField(
        label="Did repair happen?", choices=RestorativeMeeting.Repair.choices, widget=forms.RadioSelect
    )
    follow_up_on = forms.DateField(
        label="Follow up on",
        required=False,
        widget=DateInput(),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("held_on", timezone.localdate())
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        # Any current event at the school validates; only a short, relevant list is offered as boxes.
        self.fields["incidents"].queryset = events_visible_to(user).filter(school=school, voided_at__isnull=True)
        chosen = self._chosen_incidents()
        self.fields["incidents"].widget.choices = [
            (str(event.code), _incident_label(event)) for event in restorative_candidates(user, school, chosen)
        ]
        self.fields["other_pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school)).order_by(
            "legal_last_name", "legal_first_name"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("Incidents", "incidents", "other_pupils"),
            Fieldset("The meeting", "held_on", "people_present", "agreed", "repair_happened", "follow_up_on"),
        )

    def _chosen_incidents(self):
        if self.is_bound:
            codes = []
            for code in self.data.getlist("incidents"):
                try:
                    codes.append(uuid.UUID(code))
                except ValueError:
                    continue
        else:
            codes = [getattr(event, "code", event) for event in self.initial.get("incidents", [])]
        return list(self.fields["incidents"].queryset.filter(code__in=codes))

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        held_on, follow_up_on = cleaned.get("held_on"), cleaned.get("follow_up_on")
        if held_on and follow_up_on and follow_up_on < held_on:
            self.add_error("follow_up_on", "This must be on or after the day of the meeting.")
        return cleaned


class RestorativeVoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this meeting record wrong?")


# Incidents with detail, follow-up actions, attachments and bullying records.


class PupilsField(forms.ModelMultipleChoiceField):
    """Pupils labelled with their form, so two pupils of the same name can be told apart."""

    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.form})" if obj.form else obj.display_name


MULTI_HINT = "Hold Ctrl (Cmd on a Mac) to choose more than one."


def _pupils_field(label, help_text="", required=False):
    return PupilsField(
        queryset=None,
        to_field_name="code",
        required=required,
        label=label,
        help_text=f"{help_text}. {MULTI_HINT}" if help_text else MULTI_HINT,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={
            "invalid_choice": "Choose pupils on roll at this school.",
            "invalid_pk_value": "Choose pupils on roll at this school.",
        },
    )


def _school_pupils(user, school):
    return on_roll(pupils_visible_to(user).filter(school=school)).order_by("legal_last_name", "legal_first_name")


class IncidentForm(forms.ModelForm):
    parents_informed_at = forms.DateTimeField(label="Informed when", required=False, widget=_datetime_widget())
    parents_informed_by = forms.ModelChoiceField(
        queryset=None, to_field_name="code", required=False, label="Informed by"
    )
    other_pupils = _pupils_field(
        "Other pupils involved", help_text="The pupils of the events logged together are included already"
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

    def __init__(self, *args, user, school, event_pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents_informed_at"].input_formats = DATETIME_FORMATS
        self.fields["dysregulated"].choices = Incident.Dysregulated.choices
        self.fields["parents_informed_by"].queryset = staff_of(school)
        self.fields["other_pupils"].queryset = _school_pupils(user, school).exclude(
            pk__in=[pupil.pk for pupil in event_pupils]
        )
        if self.instance.pk:
            self.initial.setdefault("other_pupils", list(self.instance.pupils.exclude(pk__in=self._event_pupil_ids())))
        layout = [
            Fieldset("What happened", "antecedent", "behaviour", "consequence", "deescalation", "dysregulated"),
            Fieldset("Injuries", "injuries", "injury_details"),
            Fieldset("Home", "parents_informed", "parents_informed_at", "parents_informed_how", "parents_informed_by"),
            Fieldset("Pupils", "other_pupils"),
        ]
        if not self.instance.pk:
            self.fields["submission_key"] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4())
            layout.insert(0, "submission_key")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*layout)

    def _event_pupil_ids(self):
        return self.instance.events.values_list("pupil_id", flat=True)

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
    owner = forms.ModelChoiceField(queryset=None, to_field_name="code", label="Owner")
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

    def _post_clean(self):
        # The service applies and records the change; the form only checks the fields.
        pass
