"""Forms for detentions: validation and layout only; writes happen in services."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pastoral.dates import uk_date
from pastoral.pupils.picker import PupilPickerField
from pastoral.widgets import DateInput, TimeInput

from ..events.models import BehaviourCategory
from ..forms import DATETIME_FORMATS, _datetime_widget, _school_pupils, staff_of
from .models import DetentionNotice, DetentionPolicy, DetentionSession, DetentionType
from .services import TYPE_FIELDS

WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday")]


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def session_label(session):
    left = session.capacity - getattr(session, "taken", 0)
    return (
        f"{session.type.name}: {session.date:%a} {uk_date(session.date)} {session.start_time:%H:%M}, "
        f"{session.location} ({left} place{'s' if left != 1 else ''} left)"
    )


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return session_label(obj)


def _session_field(sessions, label="Session"):
    field = SessionChoiceField(
        queryset=DetentionSession.objects.filter(pk__in=[s.pk for s in sessions]),
        label=label,
        empty_label=None if sessions else "No session with space",
        help_text="Sessions with space, far enough ahead for any notice parents must have.",
        error_messages={"invalid_choice": "Choose a session with space."},
    )
    # The choices come from the rows already read (with their places left), not a second query.
    field.choices = [(s.pk, session_label(s)) for s in sessions]
    return field


class DetentionForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    pupil = PupilPickerField(
        search_url_name="behaviour:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the detention is not set from a behaviour event.",
    )

    def __init__(self, *args, user, school, sessions, event=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.event = event
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"] = _session_field(sessions)
        if event is not None:
            del self.fields["pupil"]
        else:
            self.fields["pupil"].queryset = _school_pupils(user, school)
        self.order_fields(["submission_key", "pupil", "session", "reason"])
        self.helper = _helper()

    def clean_session(self):
        value = self.cleaned_data["session"]
        return self.sessions.get(value.pk, value)

    def clean(self):
        cleaned = super().clean()
        if self.event is None and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for a detention that is not set from an event.")
        return cleaned


class NoticeForm(forms.Form):
    method = forms.ChoiceField(
        label="How", choices=[c for c in DetentionNotice.Method.choices if c[0] != DetentionNotice.Method.EMAIL]
    )
    sent_at = forms.DateTimeField(label="Sent when", widget=_datetime_widget())
    note = forms.CharField(label="Note", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("sent_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].input_formats = DATETIME_FORMATS
        self.helper = _helper()

    def clean_sent_at(self):
        value = self.cleaned_data["sent_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class RescheduleForm(forms.Form):
    reason = forms.CharField(label="Why move it?", max_length=200)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"] = _session_field(sessions, label="Move to")
        self.order_fields(["session", "reason"])
        self.helper = _helper()

    def clean_session(self):
        value = self.cleaned_data["session"]
        return self.sessions.get(value.pk, value)


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this detention wrong?")


class DetentionTypeForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label="Runs on", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, initial=[d for d, _ in WEEKDAYS]
    )

    class Meta:
        model = DetentionType
        fields = TYPE_FIELDS
        widgets = {"start_time": TimeInput()}
        help_texts = {"notice_required": "On by default for after-school detentions, as most schools' policies ask."}

    def __init__(self, *args, school, **kwargs):
        instance = kwargs.get("instance")
        if instance is None:
            kwargs.setdefault("initial", {}).setdefault("notice_required", True)
        else:
            kwargs.setdefault("initial", {})["weekdays"] = list(instance.weekdays)
        super().__init__(*args, **kwargs)
        self.fields["run_by"].queryset = staff_of(school)
        others = DetentionType.objects.filter(school=school, active=True)
        if instance is not None and instance.pk:
            others = others.exclude(pk=instance.pk)
        self.fields["escalate_to"].queryset = others
        self.fields["escalate_category"].queryset = BehaviourCategory.objects.filter(
            school=school, kind=BehaviourCategory.Kind.NEGATIVE
        )
        self.helper = _helper()

    def clean_weekdays(self):
        return "".join(sorted(self.cleaned_data["weekdays"]))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = DetentionPolicy
        fields = ["notice_hours", "email_notice"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SessionForm(forms.ModelForm):
    class Meta:
        model = DetentionSession
        fields = ["run_by", "location", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run_by"].queryset = staff_of(self.instance.school)
        self.helper = _helper()


class GenerateForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start", timezone.localdate())
        super().__init__(*args, **kwargs)


class DayForm(forms.Form):
    day = forms.DateField(label="Day", widget=DateInput())
