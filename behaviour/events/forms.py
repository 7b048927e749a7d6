"""Forms for behaviour points: validation and crispy layout only; writes happen in services."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils import timezone

from pastoral.models import YearGroup
from pastoral.pickers import pupils_field, staff_field
from pastoral.selectors import on_roll, pupils_visible_to

from ..forms import DATETIME_FORMATS, _date_field, _datetime_widget, staff_of
from .models import BehaviourCategory, BehaviourEvent, BehaviourPhrase, PupilRole, RewardMilestone
from .selectors import categories_for, forms_in, locations_for, milestones_for, phrases_for


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
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS

    def _description_for_negatives(self, cleaned):
        category = cleaned.get("category")
        if (
            category is not None
            and category.kind == BehaviourCategory.Kind.NEGATIVE
            and not (cleaned.get("description") or "").strip()
            and "description" not in self.errors
        ):
            self.add_error("description", "Say what happened: a negative event needs a description.")

    def _not_in_future(self, value):
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class QuickLogForm(_EventFields, forms.Form):
    # Without JavaScript the picker is a text box of names or UPNs, resolved among the same pupils.
    pupils = pupils_field(
        search_url_name="behaviour:pupil_picker",
        label="Pupils",
        help_text="Add as many pupils as were involved; each gets their own linked record. Each pupil's role is "
        "“Involved” unless you choose another beside their name.",
        roles=PupilRole.choices,
        role_default=PupilRole.INVOLVED,
        error_messages={
            "required": "Choose at least one pupil.",
            "invalid_choice": "One of the chosen pupils is not on roll at this school.",
        },
    )
    category = CategoryChoiceField(widget=forms.RadioSelect, empty_label=None)
    occurred_at = forms.DateTimeField(label="When", widget=_datetime_widget())
    location = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False, empty_label="Not recorded")
    period = forms.CharField(label="Period / lesson", max_length=40, required=False)
    description = forms.CharField(
        label="What happened",
        required=False,
        help_text="Needed for a negative event; optional for a positive point.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    action_taken = forms.CharField(label="Action taken", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    staff_involved = staff_field(required=False, label="Staff involved")
    witnesses = forms.CharField(required=False, max_length=500)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    # The phrase bank's buttons add a phrase with JavaScript; without it this list adds one on save.
    phrase = forms.ModelChoiceField(
        label="Add a common phrase", queryset=None, to_field_name="code", required=False, empty_label="None"
    )

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self._limit_to(school)
        self.phrases = list(phrases_for(school, active_only=True))
        self.fields["phrase"].queryset = phrases_for(school, active_only=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_key",
            Fieldset("What happened", "category", HTML('{% include "behaviour/_phrase_bank.html" %}'), "description"),
            Fieldset("When and where", "occurred_at", "location", "period"),
            Fieldset("Follow-up", "action_taken", "staff_involved", "witnesses"),
        )

    def clean_occurred_at(self):
        return self._not_in_future(self.cleaned_data["occurred_at"])

    def clean(self):
        cleaned = super().clean()
        phrase = cleaned.get("phrase")
        if phrase is not None:
            cleaned["description"] = " ".join(
                part for part in ((cleaned.get("description") or "").strip(), phrase.text) if part
            )
        self._description_for_negatives(cleaned)
        if "pupils" in cleaned:
            chosen = cleaned["pupils"]
            cleaned["pupils"], cleaned["roles"] = list(chosen), dict(chosen.roles)
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
    staff_involved = staff_field(required=False, label="Staff involved")
    occurred_at = forms.DateTimeField(label="When", widget=_datetime_widget())
    change_reason = forms.CharField(
        label="Why are you changing it?",
        max_length=500,
        help_text="Kept in the event's history with what changed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = BehaviourEvent
        fields = ["category", "role", "occurred_at", "location", "period", "description", "action_taken"]
        fields += ["staff_involved", "witnesses"]
        labels = {"description": "What happened", "role": "The pupil's role"}
        help_texts = {"role": "Their part in what happened: instigator, target, witness, involved or bystander"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
            "witnesses": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_to(self.instance.school, category=self.instance.category)
        # Left out of a post (an older form), the role stays as it was.
        self.fields["role"].required = False
        self.fields["role"].choices = PupilRole.choices

    def clean_role(self):
        return self.cleaned_data.get("role") or self.instance.role

    def clean(self):
        cleaned = super().clean()
        self._description_for_negatives(cleaned)
        return cleaned

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
        fields = ["name", "kind", "points", "severity", "sensitive", "active", "order"]
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


class PhraseForm(forms.ModelForm):
    class Meta:
        model = BehaviourPhrase
        fields = ["text", "category", "active", "order"]
        help_texts = {"text": "Shown as a button on the quick log; a tap adds it to “What happened”"}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["category"].queryset = categories_for(school).order_by("kind", "order", "name")
        self.fields["category"].to_field_name = "code"
        self.fields["category"].empty_label = "Every category"
        if self.instance.category_id:
            # The choices carry codes, so the phrase's own category must be given by its code to show as chosen.
            self.initial["category"] = self.instance.category.code

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("text") or "").strip()
        if text:
            cleaned["text"] = text
            clash = phrases_for(self.school).filter(text__iexact=text, category=cleaned.get("category"))
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("text", "This phrase is already in the bank for that category.")
        return cleaned


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
