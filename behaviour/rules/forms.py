"""Forms for behaviour rules and letter templates: validation only; writes happen in services."""

from django import forms
from django.utils import timezone

from ..events.models import BehaviourCategory
from ..forms import DATETIME_FORMATS, _datetime_widget, staff_of
from .models import BehaviourRule, BehaviourRuleLetter, LetterTemplate
from .services import PLACEHOLDERS, unknown_placeholders

RULE_FIELDS = [
    "name",
    "trigger",
    "categories",
    "threshold",
    "period_days",
    "baseline_weeks",
    "factor",
    "notify_keyworker",
    "notify_pastoral_leads",
    "notify_staff",
    "task_owner",
    "task_text",
    "task_due_days",
    "letter_template",
    "suggest_detention",
]


class RuleForm(forms.ModelForm):
    class Meta:
        model = BehaviourRule
        fields = RULE_FIELDS
        widgets = {"categories": forms.CheckboxSelectMultiple}
        help_texts = {
            "baseline_weeks": "Only for “well above the pupil's own usual level”",
            "factor": "Only for “well above the pupil's own usual level”",
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["categories"].queryset = BehaviourCategory.objects.filter(school=school).order_by(
            "kind", "order", "name"
        )
        self.fields["categories"].label_from_instance = lambda c: f"{c.name} ({c.get_kind_display().lower()})"
        staff = staff_of(school)
        self.fields["notify_staff"].queryset = staff
        self.fields["task_owner"].queryset = staff
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(school=school)
        if self.instance.key:
            # The rising rule's trigger is what the home page's panel shows; only its figures change.
            self.fields["trigger"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = BehaviourRule.objects.filter(school=self.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This school already has a rule with that name.")
        return name

    def clean(self):
        cleaned = super().clean()
        trigger = cleaned.get("trigger")
        if trigger in (BehaviourRule.Trigger.COUNT, BehaviourRule.Trigger.FIRST) and not cleaned.get("categories"):
            self.add_error("categories", "Choose at least one category.")
        if cleaned.get("task_owner") and not cleaned.get("task_text"):
            self.add_error("task_text", "Say what the task is.")
        return cleaned

    def _post_clean(self):
        self.instance.school = self.school
        super()._post_clean()


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    placeholders = PLACEHOLDERS

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = LetterTemplate.objects.filter(school=self.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This school already has a letter with that name.")
        return name

    def _check(self, field):
        value = self.cleaned_data[field]
        unknown = unknown_placeholders(value)
        if unknown:
            raise forms.ValidationError(f"Unknown placeholder: {', '.join(unknown)}. Use the ones listed.")
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")

    def _post_clean(self):
        self.instance.school = self.school
        super()._post_clean()


class LetterSentForm(forms.Form):
    sent_how = forms.ChoiceField(label="Sent how", choices=[("", "---------"), *BehaviourRuleLetter.SentHow.choices])
    sent_at = forms.DateTimeField(label="Sent when", widget=_datetime_widget())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("sent_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].input_formats = DATETIME_FORMATS

    def clean_sent_at(self):
        value = self.cleaned_data["sent_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value
