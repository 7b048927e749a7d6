"""Forms for safeguarding: validation and layout only; writes happen in services."""

import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode

from pastoral.files.uploads import checked_content_type, display_name
from pastoral.models import User
from pastoral.paper.forms import PaperEntryFormMixin
from pastoral.pickers import STAFF, PickerField, pupils_field
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to
from pastoral.widgets import DateInput, DateTimeInput

from .models import Amendment, BodyMark, Concern, ConcernCategory, EscalationPolicy, FileTransfer, Referral
from .selectors import categories_for
from .services import CASE_ROLES

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

# Named places on the outline, for adding a mark without a pointer: (label, x, y) in the outline's units.
REGIONS = {
    "head": ("Head", 50, 18),
    "face": ("Face", 50, 22),
    "neck": ("Neck", 50, 36),
    "chest": ("Chest / upper back", 50, 55),
    "abdomen": ("Abdomen / lower back", 50, 80),
    "left_arm": ("Left upper arm", 72, 58),
    "right_arm": ("Right upper arm", 28, 58),
    "left_forearm": ("Left forearm or hand", 78, 92),
    "right_forearm": ("Right forearm or hand", 22, 92),
    "groin": ("Groin / buttocks", 50, 100),
    "left_thigh": ("Left thigh", 58, 125),
    "right_thigh": ("Right thigh", 42, 125),
    "left_leg": ("Left lower leg or foot", 58, 165),
    "right_leg": ("Right lower leg or foot", 42, 165),
}


def _datetime_widget():
    return DateTimeInput()


def _date_widget():
    return DateInput()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def check_upload(upload):
    """Images and PDFs only, judged by their content rather than their name; size from settings."""
    limit = settings.SAFEGUARDING_ATTACHMENT_MAX_BYTES
    try:
        upload.checked_type = checked_content_type(upload, limit=limit)
    except forms.ValidationError as error:
        name = display_name(upload.name)
        if error.code == "too_large":
            raise forms.ValidationError(f"“{name}” is larger than {limit // (1024 * 1024)} MB.") from error
        if error.code == "too_many_pixels":
            raise forms.ValidationError(f"“{name}”: {error.message}") from error
        raise forms.ValidationError(f"“{name}” is not a photo (JPEG, PNG) or a PDF.") from error
    return upload


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [check_upload(single(item, initial)) for item in data if item]
        return [check_upload(single(data, initial))] if data else []


class ConcernForm(forms.Form):
    pupils = pupils_field(
        search_url_name="safeguarding:pupil_picker",
        label="Pupils",
        help_text="Add every child the concern is about.",
        error_messages={
            "required": "Choose at least one pupil.",
            "invalid_choice": "One of the chosen pupils is not on roll at this school.",
        },
    )
    occurred_at = forms.DateTimeField(label="When did you see or hear this?", widget=_datetime_widget())
    location = forms.CharField(max_length=120, required=False, label="Where")
    category = forms.ModelChoiceField(queryset=None, to_field_name="code", empty_label="Choose a category")
    account = forms.CharField(
        label="What you saw or heard",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Facts only: what, when, where, who was present. Keep your opinion apart.",
    )
    child_words = forms.CharField(
        label="The child's own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Exactly as said, including any questions you asked.",
    )
    immediate_action = forms.CharField(
        label="Immediate action taken", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    others_informed = forms.CharField(label="Other people informed", required=False, max_length=500)
    urgent = forms.BooleanField(label="Child at immediate risk", required=False)
    attachments = MultipleFileField(label="Attachments (photos or PDFs)", required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    # Keyboard / no-script fallback for one body-map mark.
    fallback_side = forms.ChoiceField(label="Side", choices=BodyMark.Side.choices, required=False)
    fallback_region = forms.ChoiceField(
        label="Part of the body", choices=[("", "Choose")] + [(k, v[0]) for k, v in REGIONS.items()], required=False
    )
    fallback_note = forms.CharField(label="Note for this mark", max_length=300, required=False)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.fields["category"].queryset = categories_for(school, active_only=True)
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS
        self.marks = []

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value

    def _clean_marks(self):
        data = self.data
        marks = []
        sides, xs, ys, notes = (data.getlist(name) for name in ("mark_side", "mark_x", "mark_y", "mark_note"))
        for side, x, y, note in zip(sides, xs, ys, notes, strict=False):
            try:
                x, y = Decimal(x).quantize(Decimal("0.1")), Decimal(y).quantize(Decimal("0.1"))
            except InvalidOperation:
                raise forms.ValidationError("A body-map mark was not placed on the outline.") from None
            if side not in BodyMark.Side.values or not (0 <= x <= 100 and 0 <= y <= 200):
                raise forms.ValidationError("A body-map mark was not placed on the outline.")
            if not note.strip():
                raise forms.ValidationError("Every body-map mark needs a note saying what you saw.")
            marks.append({"side": side, "x": x, "y": y, "note": note.strip()[:300]})
        region = self.cleaned_data.get("fallback_region")
        note = (self.cleaned_data.get("fallback_note") or "").strip()
        if region or note:
            if not region:
                self.add_error("fallback_region", "Choose the part of the body for this mark.")
            elif not note:
                self.add_error("fallback_note", "Say what you saw at this mark.")
            else:
                _, x, y = REGIONS[region]
                side = self.cleaned_data.get("fallback_side") or BodyMark.Side.FRONT
                if side == BodyMark.Side.BACK:
                    x = 100 - x  # seen from behind, the child's left is on the viewer's left
                marks.append({"side": side, "x": Decimal(x), "y": Decimal(y), "note": note})
        return marks

    def clean(self):
        cleaned = super().clean()
        if "pupils" in cleaned:
            cleaned["pupils"] = list(cleaned["pupils"])
        try:
            self.marks = self._clean_marks()
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        for name in ("fallback_side", "fallback_region", "fallback_note"):
            data.pop(name, None)
        data["files"] = data.pop("attachments") or []
        data["marks"] = self.marks
        return data

    def posted_marks(self):
        """Marks typed so far, to redraw them when the form comes back with an error."""
        if not self.is_bound:
            return []
        data = self.data
        rows = zip(*(data.getlist(n) for n in ("mark_side", "mark_x", "mark_y", "mark_note")), strict=False)
        return [{"side": s, "x": x, "y": y, "note": n} for s, x, y, n in rows]


class PaperConcernForm(PaperEntryFormMixin, ConcernForm):
    """The concern form with the paper fields (reference, when and by whom written, the scan)."""

    paper_kind = "safeguarding.concern"


class StaffChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.none(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssignForm(forms.Form):
    # The search offers only the DSL team, like the queryset the view sets.
    owner = PickerField(STAFF, label="Case owner", search_query=urlencode({"role": CASE_ROLES}, doseq=True))


class TriageForm(forms.Form):
    decision = forms.ChoiceField(choices=Concern.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason for this decision", widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=300)
    owner = PickerField(STAFF, label="Who")
    due_on = forms.DateField(label="Due", widget=_date_widget())
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class LinkForm(forms.Form):
    other = forms.ModelChoiceField(
        queryset=Concern.objects.none(), to_field_name="code", required=False, label="Concern"
    )
    pupil = PupilPickerField(search_url_name="safeguarding:pupil_picker", required=False, label="Pupil")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("other") and not cleaned.get("pupil"):
            raise forms.ValidationError("Choose a concern or a pupil to link.")
        return cleaned


class CloseForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    referral_made = forms.TypedChoiceField(
        label="Was a referral made?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    referral_rationale = forms.CharField(
        label="Why (or why not)", widget=forms.Textarea(attrs={"rows": 2}), help_text="KCSIE asks for the rationale"
    )


class AmendForm(forms.Form):
    field = forms.ChoiceField(label="Part to correct", choices=list(Amendment.FIELDS.items()))
    new_text = forms.CharField(label="Corrected text", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(label="Why it is being corrected", max_length=300)


class ShareForm(forms.Form):
    grantee = PickerField(STAFF, label="Member of staff")


class ReferralForm(forms.ModelForm):
    pupil = forms.ModelChoiceField(queryset=None, to_field_name="code")
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    class Meta:
        model = Referral
        fields = ["pupil", "agency", "referred_on", "reference", "follow_up_due"]
        widgets = {"referred_on": _date_widget(), "follow_up_due": _date_widget()}


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reference = forms.CharField(max_length=60, required=False, label="Reference number")
    follow_up_due = forms.DateField(required=False, label="Next follow-up", widget=_date_widget())


class TransferForm(forms.ModelForm):
    pupil = PupilPickerField(search_url_name="safeguarding:pupil_picker", search_query="left=1")
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    class Meta:
        model = FileTransfer
        fields = [
            "pupil",
            "kind",
            "leave_date",
            "destination",
            "destination_urn",
            "destination_unknown",
            "advance_information",
        ]
        widgets = {"leave_date": _date_widget(), "advance_information": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("destination") and not cleaned.get("destination_unknown"):
            self.add_error("destination", "Name the next school, or tick that the destination is unknown.")
        return cleaned


class SentForm(forms.Form):
    method = forms.ChoiceField(choices=FileTransfer.Method.choices, label="How it was sent")


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label="Receipt confirmed on", widget=_date_widget())
    confirmed_by = forms.CharField(label="Confirmed by (name and role)", max_length=200)


class IncomingForm(forms.Form):
    pupil = PupilPickerField(search_url_name="safeguarding:pupil_picker", search_query="left=1")
    from_school = forms.CharField(label="Previous school", max_length=200)
    received_on = forms.DateField(widget=_date_widget())
    upload = forms.FileField(label="File (PDF or image)")
    # Sent back with the form: the same form posted twice makes one record.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def clean_upload(self):
        return check_upload(self.cleaned_data["upload"])


class ExpectedFileForm(forms.Form):
    pupil = PupilPickerField(search_url_name="safeguarding:pupil_picker")
    from_school = forms.CharField(label="Previous school", max_length=200)
    expected_by = forms.DateField(
        label="Expected by",
        required=False,
        widget=_date_widget(),
        help_text="Leave blank for five school days from today, the time KCSIE gives the previous school",
    )


class ChaseForm(forms.Form):
    note = forms.CharField(label="How it was chased", max_length=300, help_text="e.g. Emailed their DSL, Mrs Khan")


class CloseExpectedForm(forms.Form):
    reason = forms.CharField(
        label="Why no file is coming", max_length=300, help_text="e.g. Their DSL confirmed there is no CP file"
    )


RENAME_REFUSED = (
    "Concerns already use this category, so renaming it would change what those records say. "
    "Untick 'active' to retire it, then add a new category with the new name."
)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ConcernCategory
        fields = ["name", "active", "order"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance_name = self.instance.name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = ConcernCategory.objects.filter(school=self.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This school already has a category with that name.")
        if self.instance.pk and name != self.instance_name and self.instance.concerns.exists():
            raise forms.ValidationError(RENAME_REFUSED)
        return name


class EscalationPolicyForm(forms.ModelForm):
    class Meta:
        model = EscalationPolicy
        fields = ["urgent_unopened_minutes", "day_starts", "day_ends"]
        widgets = {
            "day_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
