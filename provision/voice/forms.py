"""Forms for pupil voice."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pastoral.pupils.picker import PupilPickerField
from pastoral.widgets import DateInput

from .models import PupilVoice


class VoiceForm(forms.ModelForm):
    pupil = PupilPickerField(search_url_name="behaviour:pupil_picker")

    class Meta:
        model = PupilVoice
        fields = [
            "pupil",
            "said",
            "how",
            "how_detail",
            "with_whom",
            "gathered_on",
            "for_ehcp_review",
            "for_plan_review",
            "for_placement_review",
        ]
        widgets = {"said": forms.Textarea(attrs={"rows": 6}), "gathered_on": DateInput()}
        help_texts = {
            "said": "Their own words, as they said or wrote them. Say so if an adult summarised.",
            "with_whom": "Who gathered it, and anyone else there (e.g. keyworker with Mum).",
        }

    def __init__(self, *args, pupils, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("gathered_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_gathered_on(self):
        value = self.cleaned_data["gathered_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value
