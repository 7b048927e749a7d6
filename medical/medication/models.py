"""Medicines the school holds for a pupil: the parents' agreement (Template B), its stock movements, every dose
given, refused or missed (Templates C and D), and the school's emergency inhalers and adrenaline pens.
Registered under the medical app (imported by medical.models)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.models import Pupil, School, User

from ..conditions.models import MedicalCondition


class MedicineAgreement(models.Model):
    class Method(models.TextChoices):
        ORAL = "oral", "By mouth"
        INHALED = "inhaled", "Inhaled"
        INJECTION = "injection", "Injection"
        BUCCAL = "buccal", "Buccal (inside the cheek)"
        TOPICAL = "topical", "On the skin"
        OTHER = "other", "Other"

    class Specialist(models.TextChoices):
        NONE = "", "No"
        ADRENALINE = "adrenaline", "Adrenaline auto-injector"
        MIDAZOLAM = "midazolam", "Buccal midazolam"
        INSULIN = "insulin", "Insulin"

    class Status(models.TextChoices):
        ACTIVE = "active", "Current"
        ENDED = "ended", "Ended"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="medicine_agreements")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medicine_agreements")
    condition = models.ForeignKey(
        MedicalCondition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="for condition",
    )
    medicine_name = models.CharField("medicine name and strength, as on the container", max_length=200)
    date_dispensed = models.DateField("date dispensed", null=True, blank=True)
    expiry_date = models.DateField("expiry date")
    dose_amount = models.DecimalField("dose", max_digits=7, decimal_places=2, validators=[MinValueValidator(0.01)])
    dose_unit = models.CharField("unit", max_length=20, help_text="e.g. tablets, ml, puffs, mg, pen")
    method = models.CharField(max_length=10, choices=Method)
    timing = models.CharField("when it is given", max_length=200, help_text="e.g. 12:30 with lunch; or when needed")
    times = models.CharField(
        "times on the medication round",
        max_length=60,
        blank=True,
        help_text="24-hour times, separated by commas (e.g. 12:30); leave empty for 'when needed' only",
    )
    min_interval_minutes = models.PositiveIntegerField(
        "minimum time between doses (minutes)", default=240, help_text="A dose sooner than this is refused"
    )
    precautions = models.TextField("special precautions", blank=True)
    side_effects = models.TextField("side effects", blank=True)
    self_administers = models.BooleanField("self-administers", default=False)
    emergency_procedures = models.TextField("procedures in an emergency", blank=True)
    controlled_drug = models.BooleanField("controlled drug", default=False, help_text="Each dose needs a witness")
    specialist = models.CharField(
        "needs medication training to give",
        max_length=12,
        choices=Specialist,
        blank=True,
        default="",
    )
    storage_location = models.CharField("where it is kept", max_length=200, blank=True)
    low_stock_threshold = models.DecimalField(
        "low-stock alert at", max_digits=7, decimal_places=2, default=5, validators=[MinValueValidator(0)]
    )
    parent_name = models.CharField("agreed by (parent or carer)", max_length=200)
    parent_contact = models.CharField("parent's contact number", max_length=40, blank=True)
    agreed_on = models.DateField("agreement signed on")
    ends_on = models.DateField("agreement ends on", null=True, blank=True, help_text="Leave empty if open-ended")
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "status", "expiry_date"]),
            models.Index(fields=["pupil", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.medicine_name} for {self.pupil}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil, medicine and the day the agreement was signed."""
        return titles.record_title([self.pupil.display_name], f"Medicine: {self.medicine_name}", self.agreed_on)

    def current_on(self, day):
        """Agreed on or before `day`, not ended, and `day` no later than its last day."""
        return (
            self.status == self.Status.ACTIVE
            and self.agreed_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )

    def in_date_on(self, day):
        """The medicine may be given up to and including its expiry day."""
        return day <= self.expiry_date

    @property
    def round_times(self):
        found = []
        for part in (self.times or "").split(","):
            part = part.strip()
            if part:
                found.append(datetime.datetime.strptime(part, "%H:%M").time())
        return sorted(found)

    def clean(self):
        errors = {}
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        try:
            self.round_times  # noqa: B018 - checks the format
        except ValueError:
            errors["times"] = "Give times as HH:MM, separated by commas, e.g. 08:45, 12:30."
        if self.agreed_on and self.agreed_on > timezone.localdate():
            errors["agreed_on"] = "This cannot be in the future."
        if self.agreed_on and self.ends_on and self.ends_on < self.agreed_on:
            errors["ends_on"] = "The agreement cannot end before it was signed."
        name = (self.medicine_name or "").lower()
        if "aspirin" in name and self.pupil_id and self.pupil.age < 16:
            errors["medicine_name"] = "No child under 16 is given aspirin unless a doctor prescribed it."
        if errors:
            raise ValidationError(errors)


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = "received", "Received from parents"
        GIVEN = "given", "Given"
        RETURNED = "returned", "Returned to parents"
        DISPOSED = "disposed", "Disposed of"

    OUT = (Kind.GIVEN, Kind.RETURNED, Kind.DISPOSED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(MedicineAgreement, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=10, choices=Kind)
    quantity = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0.01)])
    occurred_on = models.DateField("date", default=timezone.localdate)
    person = models.CharField(
        "brought by / returned to / disposed of by", max_length=200, blank=True, help_text="Who handed it over"
    )
    notes = models.CharField(max_length=200, blank=True)
    dose = models.OneToOneField(
        "DoseAdministration", null=True, blank=True, on_delete=models.PROTECT, related_name="stock_movement"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        default_permissions = ()


class DoseAdministration(models.Model):
    class Outcome(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused by the pupil"
        MISSED = "missed", "Missed"
        NOT_IN_SCHOOL = "absent", "Not in school"

    class ToldHow(models.TextChoices):
        PHONE = "phone", "Phone"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="medicine_doses")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medicine_doses")
    agreement = models.ForeignKey(MedicineAgreement, on_delete=models.PROTECT, related_name="doses")
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.GIVEN)
    given_at = models.DateTimeField("when", default=timezone.now)
    round_time = models.TimeField("round time", null=True, blank=True)
    dose_given = models.DecimalField("dose given", max_digits=7, decimal_places=2, null=True, blank=True)
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="given by")
    witness = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="witness"
    )
    reactions = models.CharField("any reactions", max_length=200, blank=True)
    reason = models.CharField("reason", max_length=200, blank=True, help_text="Why it was refused or missed")
    flagged_untrained = models.BooleanField("given without in-date medication training", default=False)
    parents_told_at = models.DateTimeField("parents told at", null=True, blank=True)
    parents_told_how = models.CharField("told how", max_length=10, choices=ToldHow, blank=True)
    parents_told_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="told by"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "-given_at"]),
            models.Index(fields=["agreement", "-given_at"]),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.agreement.medicine_name}"

    @property
    def parents_to_tell(self):
        return self.outcome != self.Outcome.GIVEN and self.parents_told_at is None


class EmergencyKitConsent(models.Model):
    """Parents' consent for the school's own emergency salbutamol inhaler or adrenaline pen."""

    class Kit(models.TextChoices):
        SALBUTAMOL = "salbutamol", "Emergency salbutamol inhaler"
        ADRENALINE = "adrenaline", "Emergency adrenaline auto-injector"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="emergency_kit_consents")
    kit = models.CharField(max_length=12, choices=Kit)
    consent_on = models.DateField("consent given on")
    parent_name = models.CharField("given by (parent or carer)", max_length=200)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil__legal_last_name", "kit"]
        default_permissions = ()

    def current_on(self, day):
        return self.consent_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class EmergencyKitUse(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="emergency_kit_uses")
    kit = models.CharField(max_length=12, choices=EmergencyKitConsent.Kit)
    used_at = models.DateTimeField("when", default=timezone.now)
    dose = models.CharField(max_length=60, help_text="e.g. 4 puffs, one 0.3 mg pen")
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField("what happened")
    ambulance_called = models.BooleanField(default=False)
    parents_told = models.BooleanField("parents told", default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-used_at"]
        default_permissions = ()
