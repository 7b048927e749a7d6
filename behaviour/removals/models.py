"""Removals from class. Registered under the behaviour app (imported by behaviour.models), so the table keeps
its name."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.models import Pupil, School, User, Voidable

from ..events.models import BehaviourEvent


class Removal(Voidable):
    """A pupil sent out of a lesson for a while (an internal removal), and whether home has been told."""

    class ParentsToldHow(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Indexed by the school's index below (school first), not by one of its own.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_removals", db_index=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour_removals")
    event = models.ForeignKey(
        BehaviourEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="removals", verbose_name="event"
    )
    removed_at = models.DateTimeField("when", default=timezone.now)
    lesson = models.CharField("from lesson / period", max_length=80, blank=True)
    reason = models.TextField()
    removed_to = models.CharField("removed to", max_length=80, help_text="e.g. Reflection room")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    parents_told = models.BooleanField("parents / carers told", default=False)
    parents_told_at = models.DateTimeField("told when", null=True, blank=True)
    parents_told_how = models.CharField("told how", max_length=10, choices=ParentsToldHow, blank=True)
    parents_told_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="told by"
    )
    # The behaviour advice asks who supervised the pupil while they were out of the lesson.
    supervised_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="supervised by",
        help_text="Who looked after the pupil while they were out of the lesson",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Generated with the form; a resubmitted form finds the removal it made before instead of a second one.
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-removed_at"]
        default_permissions = ()
        indexes = [
            # Carries the pupil and whether the removal was voided, so counting a trust's removals (and the pupils
            # removed) over a date range reads this index alone.
            models.Index(
                fields=["school", "-removed_at"], include=["pupil", "voided_at"], name="behaviour_removal_school_idx"
            ),
            models.Index(fields=["pupil", "-removed_at"]),
        ]

    def __str__(self):
        return f"Removal from class: {self.removed_to} ({self.duration_minutes} min)"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil and day."""
        return titles.record_title([self.pupil.display_name], "Removal from class", self.removed_at)

    def clean(self):
        errors = {}
        if self.removed_at and self.removed_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["removed_at"] = "This cannot be in the future."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        if self.event_id and self.pupil_id and self.event.pupil_id != self.pupil_id:
            errors["event"] = "This event is about another pupil."
        if self.parents_told:
            # Telling home is only on the record once we know when and how it happened.
            if not self.parents_told_at:
                errors["parents_told_at"] = "Say when parents or carers were told."
            if not self.parents_told_how:
                errors["parents_told_how"] = "Say how parents or carers were told."
        if errors:
            raise ValidationError(errors)
