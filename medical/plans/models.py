"""Individual healthcare plans (DfE Template A), with every earlier version kept. Registered under the medical
app (imported by medical.models)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.models import Pupil, School, User
from pastoral.staff_training import COURSES

from ..conditions.models import MedicalCondition

REVIEW_MONTHS = 12


def default_review_date(day=None):
    """Twelve months on (28 February for a plan made on 29 February)."""
    day = day or timezone.localdate()
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class HealthcarePlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (being drawn up)"
        ACTIVE = "active", "Active"
        ENDED = "ended", "No longer needed"

    # Template A fields, in its order; the family contacts and GP come from the pupil's record.
    TEMPLATE_FIELDS = [
        "diagnosis",
        "clinic_contact",
        "gp",
        "symptoms",
        "triggers",
        "signs",
        "treatments",
        "facilities_equipment",
        "environmental_issues",
        "medication",
        "daily_care",
        "educational_support",
        "trips",
        "other_information",
        "emergency_signs",
        "emergency_action",
        "emergency_responsible",
        "emergency_responsible_offsite",
        "training_notes",
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="healthcare_plans")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="healthcare_plans")
    conditions = models.ManyToManyField(MedicalCondition, blank=True, related_name="plans")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    plan_date = models.DateField("date of plan", default=timezone.localdate)
    review_date = models.DateField("review date", default=default_review_date)
    ehcp_linked = models.BooleanField("linked to the pupil's EHCP", default=False)
    ehcp_reference = models.CharField("EHCP reference or section", max_length=120, blank=True)
    diagnosis = models.TextField("medical diagnosis or condition")
    clinic_contact = models.TextField("clinic or hospital contact", blank=True)
    gp = models.CharField("GP", max_length=200, blank=True)
    symptoms = models.TextField(blank=True)
    triggers = models.TextField(blank=True)
    signs = models.TextField(blank=True)
    treatments = models.TextField(blank=True)
    facilities_equipment = models.TextField("facilities, equipment or devices", blank=True)
    environmental_issues = models.TextField("environmental issues", blank=True)
    medication = models.TextField(
        "medication",
        blank=True,
        help_text="Name, dose, method, timing, side effects, contra-indications, given by whom or self-administered, "
        "with or without supervision",
    )
    daily_care = models.TextField("daily care requirements", blank=True)
    educational_support = models.TextField("support for educational, social and emotional needs", blank=True)
    trips = models.TextField("arrangements for school visits and trips", blank=True)
    other_information = models.TextField("other information", blank=True)
    emergency_signs = models.TextField("what counts as an emergency")
    emergency_action = models.TextField("the action to take in an emergency")
    emergency_responsible = models.CharField("who is responsible in an emergency", max_length=200)
    emergency_responsible_offsite = models.CharField(
        "who is responsible off-site, if different", max_length=200, blank=True
    )
    developed_with_parents = models.BooleanField("drawn up with parents or carers", default=False)
    developed_with_parent_names = models.CharField("parents or carers involved", max_length=200, blank=True)
    developed_with_professional = models.CharField(
        "healthcare professional involved", max_length=200, blank=True, help_text="Name and role, e.g. school nurse"
    )
    supporters = models.ManyToManyField(User, blank=True, related_name="+", verbose_name="staff who provide support")
    training_course = models.CharField(
        "training the supporting staff need", max_length=30, choices=list(COURSES.items()), default="medication"
    )
    training_notes = models.TextField("staff training needed or undertaken", blank=True)
    copied_to = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name="plan copied to", help_text="These staff can read the plan"
    )
    version = models.PositiveIntegerField(default=1)
    reviewed_on = models.DateField("last reviewed on", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "status", "review_date"]),
            models.Index(fields=["pupil", "-created_at"]),
        ]

    def __str__(self):
        return f"Individual healthcare plan: {self.pupil}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil and the plan's date."""
        return titles.record_title([self.pupil.display_name], "Healthcare plan", self.plan_date)

    def review_overdue_on(self, day):
        """Overdue from the day after the review date; a review due today is due, not overdue."""
        return self.status == self.Status.ACTIVE and self.review_date < day

    def clean(self):
        errors = {}
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        if not self.review_date:
            errors["review_date"] = "A plan needs a review date."
        elif self.plan_date and self.review_date <= self.plan_date:
            errors["review_date"] = "The review date must be after the date of the plan."
        elif self.plan_date and self.review_date > max(
            d for d in (self.plan_date, self.reviewed_on) if d
        ) + datetime.timedelta(days=366):
            errors["review_date"] = "Plans are reviewed at least once a year: choose a date within 12 months."
        if self.ehcp_linked and self.pupil_id and self.pupil.sen_status != Pupil.SEN.EHCP:
            errors["ehcp_linked"] = "This pupil has no EHCP on record."
        if errors:
            raise ValidationError(errors)


class HealthcarePlanVersion(models.Model):
    """The plan as it stood before a change: every earlier version is kept."""

    plan = models.ForeignKey(HealthcarePlan, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()
    replaced_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField("what changed", max_length=200, blank=True)

    class Meta:
        ordering = ["-version"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="medical_plan_version_unique")]
