"""Forms for support plans: one content form per kind, built from kinds.SPECS; validation and layout only."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.files import uploads
from pastoral.pickers import staff_field
from pastoral.pupils.picker import PupilPickerField
from pastoral.selectors import on_roll, pupils_visible_to, staff_holding
from pastoral.widgets import DateInput

from .kinds import HAZARD_FIELDS, SPECS, Kind
from .models import PlanReview

STORY_IMAGE_MAX_BYTES = 5 * 1024 * 1024
STORY_IMAGE_TYPES = frozenset(uploads.IMAGE_FORMATS.values())
SCORES = [(n, str(n)) for n in range(1, 6)]
STARTABLE = [(kind.value, kind.label) for kind in Kind if kind != Kind.REINTEGRATION]


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class PlanStartForm(forms.Form):
    pupil = PupilPickerField(search_url_name="behaviour:pupil_picker")
    kind = forms.ChoiceField(label="Kind of plan", choices=STARTABLE)
    title = forms.CharField(label="Title", max_length=200, help_text="e.g. Support at unstructured times")

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.helper = _helper()


def _field_for(spec, techniques):
    if spec.widget == "bool":
        return forms.BooleanField(label=spec.label, required=False, help_text=spec.help)
    if spec.widget == "line":
        return forms.CharField(label=spec.label, required=spec.required, max_length=300, help_text=spec.help)
    if spec.widget == "choice":
        return forms.ChoiceField(label=spec.label, choices=spec.choices, required=spec.required, help_text=spec.help)
    if spec.widget == "techniques":
        choices = [("none", "None agreed")] + [(str(t.code), t.name) for t in techniques]
        return forms.MultipleChoiceField(
            label=spec.label,
            choices=choices,
            required=True,
            widget=forms.CheckboxSelectMultiple,
            help_text="From the school's list of holds and techniques, or “None agreed”.",
        )
    return forms.CharField(
        label=spec.label,
        required=spec.required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=spec.help,
    )


class PlanContentForm(forms.Form):
    """Title, review date and the kind's own fields. `content()` gives the JSON the plan keeps."""

    title = forms.CharField(label="Title", max_length=200)
    review_date = forms.DateField(label="Next review", widget=DateInput())
    note = forms.CharField(
        label="What changed and why", max_length=300, required=False, help_text="Kept with this version."
    )

    def __init__(self, *args, kind, techniques=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = Kind(kind)
        for spec in SPECS[self.kind]:
            self.fields[spec.key] = _field_for(spec, techniques)
            if spec.voice:
                self.fields[f"{spec.key}_voice"] = forms.BooleanField(
                    label="In the pupil's own words (pupil voice)", required=False
                )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        techniques = data.get("techniques")
        if techniques and "none" in techniques and len(techniques) > 1:
            self.add_error("techniques", "Choose “None agreed” or techniques, not both.")
        return data

    def content(self):
        content = {}
        for spec in SPECS[self.kind]:
            value = self.cleaned_data.get(spec.key)
            if spec.widget == "techniques":
                value = "none" if not value or "none" in value else sorted(value)
            content[spec.key] = value
            if spec.voice:
                content[f"{spec.key}_voice"] = bool(self.cleaned_data.get(f"{spec.key}_voice"))
        return content

    @staticmethod
    def initial_from(plan):
        initial = {"title": plan.title, "review_date": plan.review_date, **plan.content}
        if plan.content.get("techniques") == "none":
            initial["techniques"] = ["none"]
        return initial


class HazardForm(forms.Form):
    hazard = forms.CharField(label="Hazard", max_length=300)
    who = forms.CharField(label="Who is at risk", max_length=200)
    likelihood_before = forms.TypedChoiceField(label="Likelihood before (1–5)", choices=SCORES, coerce=int)
    severity_before = forms.TypedChoiceField(label="Severity before (1–5)", choices=SCORES, coerce=int)
    controls = forms.CharField(label="Control measures", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    likelihood_after = forms.TypedChoiceField(label="Likelihood after (1–5)", choices=SCORES, coerce=int)
    severity_after = forms.TypedChoiceField(label="Severity after (1–5)", choices=SCORES, coerce=int)
    owner = forms.CharField(label="Owner", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.form_show_labels = True


class BaseHazardFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.hazards():
            raise ValidationError("Add at least one hazard.")

    def hazards(self):
        # A blank extra row has no cleaned data; a row ticked for removal is left out.
        keys = [key for key, _label in HAZARD_FIELDS]
        return [
            {key: form.cleaned_data[key] for key in keys}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


HazardFormSet = forms.formset_factory(
    HazardForm, formset=BaseHazardFormSet, extra=2, max_num=20, absolute_max=20, can_delete=True
)


class StoryPageForm(forms.Form):
    text = forms.CharField(label="Page text", max_length=600, widget=forms.Textarea(attrs={"rows": 2}))
    image = forms.FileField(label="Picture (optional)", required=False, help_text="PNG, JPEG, GIF or WebP, 5 MB.")
    keep_image = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            self.image_type = uploads.checked_content_type(
                upload, limit=STORY_IMAGE_MAX_BYTES, allowed=STORY_IMAGE_TYPES
            )
        return upload


class BaseStoryPageFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.pages():
            raise ValidationError("Write at least one page.")

    def pages(self):
        """[(text, upload or None, content type, kept image code)] for the pages written."""
        return [
            (
                form.cleaned_data["text"],
                form.cleaned_data.get("image"),
                getattr(form, "image_type", ""),
                form.cleaned_data.get("keep_image", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
        ]


StoryPageFormSet = forms.formset_factory(
    StoryPageForm, formset=BaseStoryPageFormSet, extra=2, max_num=20, absolute_max=20, can_delete=True
)


class ActivateForm(forms.Form):
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput(), initial=timezone.localdate)
    agreed_with = forms.CharField(
        label="Agreed with", widget=forms.Textarea(attrs={"rows": 2}), help_text="Names and roles of those present."
    )
    parents_part = forms.CharField(
        label="How parents or carers took part", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    pupil_part = forms.CharField(
        label="How the pupil took part", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    review_date = forms.DateField(label="First review", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=PlanReview.Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="What the review found", widget=forms.Textarea(attrs={"rows": 4}))
    pupil_view = forms.CharField(label="The pupil's view", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    parents_view = forms.CharField(
        label="The parents' or carers' view", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_review_date = forms.DateField(
        label="Next review", widget=DateInput(), required=False, help_text="Not needed when the plan ends."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("outcome") != PlanReview.Outcome.ENDED and not data.get("next_review_date"):
            self.add_error("next_review_date", "Choose the next review date.")
        return data


class EndForm(forms.Form):
    reason = forms.CharField(label="Why the plan ends", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


SHARE_ROLES = [
    (role.value, role.label) for role in Role if role not in (Role.TRUST_LEADER, Role.IT_ADMIN, Role.TRUST_DSL)
]


class ShareForm(forms.Form):
    users = staff_field(label="Named staff", required=False)
    roles = forms.MultipleChoiceField(
        label="Everyone in the school who is", choices=SHARE_ROLES, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff_holding(school, list(Role))
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if not data.get("users") and not data.get("roles"):
            raise ValidationError("Choose staff or a role to share with.")
        return data


class ReviewIntervalsForm(forms.Form):
    def __init__(self, *args, weeks, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.IntegerField(
                label=f"{kind.label}: weeks between reviews", min_value=1, max_value=104, initial=weeks[kind]
            )
        self.helper = _helper()
