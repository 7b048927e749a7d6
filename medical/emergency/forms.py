"""Forms for the school's medical settings, its Template F emergency card and the medical register."""

from django import forms

from pastoral.models import YearGroup

from ..forms import helper
from .models import MedicalSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MedicalSettings
        fields = [
            "phone_number",
            "address",
            "postcode",
            "exact_location",
            "best_entrance",
            "untrained_specialist",
            "adult_accidents",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ("address", "exact_location", "best_entrance")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class RegisterForm(forms.Form):
    year_group = forms.TypedChoiceField(
        label="Year", choices=[("", "Any year"), *YearGroup.choices], coerce=int, required=False, empty_value=None
    )
    form_name = forms.CharField(label="Form / class", max_length=20, required=False)
    upns = forms.CharField(
        label="Trip group (UPNs)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a trip, list the pupils' UPNs, separated by spaces or commas",
    )

    def upn_list(self):
        text = self.cleaned_data.get("upns") or ""
        return [part.strip().upper() for part in text.replace(",", " ").split() if part.strip()]
