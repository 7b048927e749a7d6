"""A pupil's medical conditions and the one-line alert every member of staff sees. Registered under the medical
app (imported by medical.models)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from pastoral import titles
from pastoral.models import Pupil, School, User, Voidable

# Seeded into each school's own list on first use; a school adds, renames or retires its own.
DEFAULT_CONDITION_TYPES = [
    "Asthma",
    "Anaphylaxis / severe allergy",
    "Epilepsy",
    "Type 1 diabetes",
    "Sickle cell disease",
    "Cystic fibrosis",
    "Heart condition",
    "Migraine",
    "Eczema",
    "ADHD (medicated)",
    "Mental health condition",
]


class ConditionType(models.Model):
    """One entry of a school's own list of conditions."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="medical_condition_types")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True, help_text="Untick to take it off the list for new records")

    class Meta:
        ordering = ["name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="medical_condition_type_unique")]
        permissions = [
            ("view_alerts", "See pupils' one-line medical alerts"),
            ("view_records", "Read every medical record of the school"),
            ("view_shared_plans", "Read healthcare plans one supports or that were copied to one"),
            ("record", "Record medical conditions, plans, medicines, doses and accidents"),
            ("manage", "Keep the school's medical lists, emergency card and settings"),
            ("view_counts", "See medical figures"),
            ("review_riddor", "See accidents that may be reportable under RIDDOR"),
        ]

    def __str__(self):
        return self.name


class MedicalCondition(Voidable):
    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"
        LIFE_THREATENING = "life", "Life-threatening"

    SEVERITY_ORDER = {"life": 0, "severe": 1, "moderate": 2, "mild": 3}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="medical_conditions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="medical_conditions")
    condition_type = models.ForeignKey(
        ConditionType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="condition"
    )
    other_name = models.CharField("other condition", max_length=120, blank=True, help_text="When not on the list")
    severity = models.CharField(max_length=10, choices=Severity, default=Severity.MODERATE)
    alert = models.CharField(
        "one-line alert",
        max_length=200,
        help_text="Shown to every member of staff, e.g. 'Severe nut allergy: two adrenaline pens in the medical "
        "room and in her bag'",
    )
    details = models.TextField(blank=True)
    medication_location = models.CharField(
        "where the medication is",
        max_length=200,
        blank=True,
        help_text="For the medical register, e.g. 'Inhaler in bag'",
    )
    # The two-week clock for arrangements (a new diagnosis or a mid-year joiner) starts here.
    identified_on = models.DateField(
        "diagnosed or joined on", help_text="A new diagnosis or the day a pupil joined with this condition"
    )
    needs_plan = models.BooleanField("needs an individual healthcare plan", default=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "-created_at"]), models.Index(fields=["pupil", "-created_at"])]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.condition_type.name if self.condition_type_id else self.other_name

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil, condition and the day it was identified (or recorded)."""
        return titles.record_title([self.pupil.display_name], self.name, self.identified_on or self.created_at)

    def clean(self):
        errors = {}
        if not self.condition_type_id and not (self.other_name or "").strip():
            errors["condition_type"] = "Choose a condition from the list, or name another one."
        if self.condition_type_id and self.school_id and self.condition_type.school_id != self.school_id:
            errors["condition_type"] = "Choose one of this school's conditions."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        if not (self.alert or "").strip():
            errors["alert"] = "Write the one-line alert staff will see."
        if errors:
            raise ValidationError(errors)
