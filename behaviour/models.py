"""Behaviour records: per-school categories and locations, and the events staff log against pupils."""

import uuid

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral.models import Pupil, School, User


class BehaviourCategory(models.Model):
    class Kind(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_categories")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind)
    # Stored as a magnitude; the sign comes from the kind so a category cannot be "negative +2".
    points = models.PositiveSmallIntegerField(default=1)
    severity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (minor) to 5 (most serious)"
    )
    active = models.BooleanField(default=True, help_text="Inactive categories stay on old records but cannot be chosen")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="behaviour_category_unique_name")]

    def __str__(self):
        return self.name

    @property
    def signed_points(self):
        return -self.points if self.kind == self.Kind.NEGATIVE else self.points


class Location(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_locations")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="behaviour_location_unique_name")]

    def __str__(self):
        return self.name


class BehaviourEvent(models.Model):
    """One pupil's part in something that happened. Corrections are edits with history, or a void."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_events")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour_events")
    category = models.ForeignKey(BehaviourCategory, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("period / lesson", max_length=40, blank=True)
    description = models.TextField()
    action_taken = models.TextField(blank=True)
    staff_involved = models.ManyToManyField(User, blank=True, related_name="+")
    witnesses = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Events logged together for several pupils share a group.
    group = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    # Generated with the form; a resubmitted form finds its earlier events instead of duplicating them.
    submission_key = models.UUIDField(editable=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        default_permissions = ()
        permissions = [
            ("view_event", "View behaviour events"),
            ("record_event", "Log and correct behaviour events"),
            ("void_event", "Void behaviour events"),
            ("manage_categories", "Manage behaviour categories and locations"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission_key", "pupil"], name="behaviour_event_unique_submission")
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            models.Index(fields=["pupil", "-occurred_at"]),
            models.Index(fields=["category"]),
        ]

    def __str__(self):
        return f"{self.category.get_kind_display()}: {self.category.name}"

    def clean(self):
        if self.occurred_at and self.occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError({"occurred_at": "This cannot be in the future."})
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            raise ValidationError({"pupil": "This pupil is not in this school."})
        if self.category_id and self.school_id and self.category.school_id != self.school_id:
            raise ValidationError({"category": "This category belongs to another school."})
        if self.location_id and self.school_id and self.location.school_id != self.school_id:
            raise ValidationError({"location": "This location belongs to another school."})


class BehaviourEventRevision(models.Model):
    """What one edit changed, as {field: [old, new]}, shown on the event page."""

    event = models.ForeignKey(BehaviourEvent, on_delete=models.PROTECT, related_name="revisions")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at"]
        default_permissions = ()

    def rows(self):
        """(label, old, new) for each changed field, labelled as the form labels them."""
        labels = {"occurred_at": "When", "description": "What happened", "staff_involved": "Staff involved"}
        result = []
        for name, (old, new) in self.changes.items():
            try:
                label = labels.get(name) or BehaviourEvent._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            result.append((str(label).capitalize(), old, new))
        return result


class RewardMilestone(models.Model):
    """A certificate or award a pupil earns when their positive points for the year reach a threshold."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="reward_milestones")
    name = models.CharField(max_length=80, help_text="e.g. Bronze certificate")
    points = models.PositiveIntegerField(
        "points threshold", validators=[MinValueValidator(1)], help_text="Positive points in the academic year"
    )
    active = models.BooleanField(default=True, help_text="Inactive milestones are not awarded")

    class Meta:
        ordering = ["points"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["school", "points"], name="behaviour_milestone_unique_points"),
        ]

    def __str__(self):
        return f"{self.name} ({self.points} points)"
