"""The cover rota's form: validation only; the service writes."""

from django import forms
from django.utils.http import urlencode

from pastoral.accounts.roles import Role
from pastoral.pickers import STAFF, PickerField
from pastoral.widgets import DateTimeInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class CoverSlotForm(forms.Form):
    starts_at = forms.DateTimeField(label="From", widget=DateTimeInput(), input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label="Until", widget=DateTimeInput(), input_formats=DATETIME_FORMATS)
    # The search offers the DSL and deputies only, like the queryset set below; left empty, name someone else.
    staff = PickerField(
        STAFF,
        label="DSL or deputy",
        required=False,
        search_query=urlencode({"role": [Role.DSL, Role.DEPUTY_DSL]}, doseq=True),
        help_text=f"{STAFF.hint}. Leave it empty to name someone else below",
    )
    name = forms.CharField(
        label="Or another contact",
        max_length=120,
        required=False,
        help_text="e.g. Children's services out-of-hours team",
    )
    phone = forms.CharField(label="Phone", max_length=40)
    notes = forms.CharField(label="Notes", max_length=300, required=False)

    def __init__(self, *args, team_users, **kwargs):
        super().__init__(*args, **kwargs)
        from pastoral.models import User

        self.fields["staff"].queryset = User.objects.filter(pk__in=[user.pk for user in team_users])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The cover must end after it starts.")
        if not cleaned.get("staff") and not (cleaned.get("name") or "").strip() and "name" not in self.errors:
            self.add_error("name", "Choose a DSL or deputy, or name another contact.")
        return cleaned
