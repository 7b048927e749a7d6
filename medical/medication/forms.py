"""Forms for medicines: validation and crispy layout only; writes happen in services."""

import uuid

from crispy_forms.layout import Fieldset
from django import forms
from django.utils import timezone

from pastoral.paper.forms import PaperEntryFormMixin
from pastoral.pickers import STAFF, PickerField
from pastoral.pupils.picker import PupilPickerField

from ..conditions.selectors import conditions_visible_to, current
from ..forms import date_field, datetime_field, helper, school_pupils, staff_of
from .models import DoseAdministration, EmergencyKitConsent, MedicineAgreement, StockMovement


class AgreementForm(forms.ModelForm):
    pupil = PupilPickerField(
        search_url_name="medical:pupil_picker",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )
    quantity_received = forms.DecimalField(label="Quantity received", min_value=0.01, max_digits=7, decimal_places=2)
    received_on = date_field("Date received")
    brought_by = forms.CharField(label="Brought in by", max_length=200)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MedicineAgreement
        fields = [
            "condition",
            "medicine_name",
            "date_dispensed",
            "expiry_date",
            "dose_amount",
            "dose_unit",
            "method",
            "timing",
            "times",
            "min_interval_minutes",
            "precautions",
            "side_effects",
            "self_administers",
            "emergency_procedures",
            "controlled_drug",
            "specialist",
            "storage_location",
            "low_stock_threshold",
            "parent_name",
            "parent_contact",
            "agreed_on",
            "ends_on",
        ]

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("received_on", today)
        kwargs["initial"].setdefault("agreed_on", today)
        super().__init__(*args, **kwargs)
        from pastoral.widgets import DateInput

        for name in ("date_dispensed", "expiry_date", "agreed_on", "ends_on"):
            self.fields[name].widget = DateInput()
        for name in ("precautions", "side_effects", "emergency_procedures"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["pupil"].queryset = school_pupils(user, school)
        self.fields["condition"].queryset = current(conditions_visible_to(user).filter(school=school)).select_related(
            "pupil", "condition_type"
        )
        self.fields["condition"].to_field_name = "code"
        self.fields["condition"].label_from_instance = lambda c: f"{c.pupil.display_name}: {c.name}"
        self.helper = helper(
            "submission_key",
            Fieldset("Pupil and medicine", "pupil", "condition", "medicine_name", "date_dispensed", "expiry_date"),
            Fieldset(
                "Dose",
                "dose_amount",
                "dose_unit",
                "method",
                "timing",
                "times",
                "min_interval_minutes",
                "self_administers",
                "controlled_drug",
                "specialist",
            ),
            Fieldset("Care", "precautions", "side_effects", "emergency_procedures", "storage_location"),
            Fieldset("Stock", "quantity_received", "received_on", "brought_by", "low_stock_threshold"),
            Fieldset("Parent's agreement", "parent_name", "parent_contact", "agreed_on", "ends_on"),
        )

    def _post_clean(self):
        pass  # the service validates the agreement for its pupil and saves it


class StockForm(forms.Form):
    kind = forms.ChoiceField(
        label="Movement", choices=[c for c in StockMovement.Kind.choices if c[0] != StockMovement.Kind.GIVEN]
    )
    quantity = forms.DecimalField(label="Quantity", min_value=0.01, max_digits=7, decimal_places=2)
    occurred_on = date_field("Date")
    person = forms.CharField(label="Brought by / returned to / disposed of by", max_length=200, required=False)
    expiry_date = date_field("Expiry of the new container", required=False)
    notes = forms.CharField(label="Notes", max_length=200, required=False)


class DoseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=DoseAdministration.Outcome.choices)
    given_at = datetime_field("When")
    dose_given = forms.DecimalField(label="Dose given", max_digits=7, decimal_places=2, required=False, min_value=0)
    given_by = PickerField(STAFF, label="Given by")
    witness = PickerField(STAFF, label="Witness (controlled drugs)", required=False)
    reactions = forms.CharField(label="Any reactions", max_length=200, required=False)
    reason = forms.CharField(label="Reason (refused or missed)", max_length=200, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agreement, actor, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("given_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("dose_given", agreement.dose_amount)
        kwargs["initial"].setdefault("given_by", actor)
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        staff = staff_of(agreement.school)
        self.fields["given_by"].queryset = staff
        self.fields["witness"].queryset = staff
        self.fields["dose_given"].help_text = f"Agreed dose: {agreement.dose_amount.normalize()} {agreement.dose_unit}"
        self.helper = helper()


class ParentsToldForm(forms.Form):
    told_at = datetime_field("Told when")
    how = forms.ChoiceField(label="Told how", choices=DoseAdministration.ToldHow.choices)


class EndForm(forms.Form):
    reason = forms.CharField(label="Why the agreement ends", max_length=200)


class KitConsentForm(forms.Form):
    pupil = PupilPickerField(search_url_name="medical:pupil_picker")
    kit = forms.ChoiceField(label="Emergency kit", choices=EmergencyKitConsent.Kit.choices)
    consent_on = date_field("Consent given on")
    parent_name = forms.CharField(label="Given by (parent or carer)", max_length=200)

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = school_pupils(user, school)
        self.helper = helper()


class KitUseForm(forms.Form):
    pupil = PupilPickerField(search_url_name="medical:pupil_picker")
    kit = forms.ChoiceField(label="Emergency kit", choices=EmergencyKitConsent.Kit.choices)
    used_at = datetime_field("When")
    dose = forms.CharField(label="Dose", max_length=60)
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}))
    ambulance_called = forms.BooleanField(label="Ambulance called", required=False)
    parents_told = forms.BooleanField(label="Parents told", required=False)

    def __init__(self, *args, user, school, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("used_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = school_pupils(user, school)
        self.helper = helper()


class PaperDoseForm(PaperEntryFormMixin, DoseForm):
    """The dose form with the paper fields (reference, when and by whom written, the scan)."""

    paper_kind = "medical.dose"
