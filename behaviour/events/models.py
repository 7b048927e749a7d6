"""Behaviour points: per-school categories and locations, the events staff log against pupils, and reward
milestones. Registered under the behaviour app (imported by behaviour.models), so tables keep their names."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral.models import Pupil, School, User, Voidable

from ..revisions import Revision


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
    # Sexualised behaviour, self-harm and the like: the pastoral and safeguarding teams read these events, and
    # other staff only the ones they recorded (events_visible_to applies it).
    sensitive = models.BooleanField(
        default=False,
        help_text="Only the pastoral and safeguarding teams read these events; other staff see only those they logged",
    )

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


class BehaviourPhrase(models.Model):
    """A prefilled phrase for the quick log's description, offered with one category or with every category."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_phrases")
    text = models.CharField("phrase", max_length=200)
    category = models.ForeignKey(
        BehaviourCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phrases",
        help_text="Offered when this category is chosen; leave empty to offer it with every category",
    )
    active = models.BooleanField(default=True, help_text="Retired phrases are no longer offered")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first")

    class Meta:
        ordering = ["order", "text"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["school", "category", "text"], name="behaviour_phrase_unique_text", nulls_distinct=False
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.category_id and self.school_id and self.category.school_id != self.school_id:
            raise ValidationError({"category": "This category belongs to another school."})


class PupilRole(models.TextChoices):
    """A pupil's part in an event logged for several pupils, or in an incident (the bullying register keeps
    its own victim / perpetrator roles)."""

    INSTIGATOR = "instigator", "Instigator"
    TARGET = "target", "Target"
    WITNESS = "witness", "Witness"
    INVOLVED = "involved", "Involved"
    BYSTANDER = "bystander", "Bystander"


class BehaviourEvent(Voidable):
    """One pupil's part in something that happened. Corrections are edits with history, or a void."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_events")
    # Indexed by behaviour_event_pupil_idx below, whose leading column serves every lookup by pupil.
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour_events", db_index=False)
    category = models.ForeignKey(BehaviourCategory, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("period / lesson", max_length=40, blank=True)
    # Optional for a positive point ("Kindness" says it); the forms require it for a negative event.
    description = models.TextField(blank=True)
    action_taken = models.TextField(blank=True)
    staff_involved = models.ManyToManyField(User, blank=True, related_name="+")
    witnesses = models.TextField(blank=True)
    # The pupil's part in what happened. The database keeps the default too, so adding the column to a table of
    # millions of events is a change to the catalogue, not a rewrite, and rows written outside Django get it.
    role = models.CharField(
        "role", max_length=12, choices=PupilRole, default=PupilRole.INVOLVED, db_default=PupilRole.INVOLVED
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Events logged together for several pupils share a group.
    group = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    # Generated with the form; a resubmitted form finds its earlier events instead of duplicating them.
    submission_key = models.UUIDField(editable=False)

    class Meta:
        ordering = ["-occurred_at"]
        default_permissions = ()
        permissions = [
            ("view_event", "View behaviour events"),
            ("record_event", "Log and correct behaviour events"),
            ("void_event", "Void behaviour events"),
            ("manage_categories", "Manage behaviour categories and locations"),
            ("view_analytics", "See behaviour analytics for the school or trust"),
            ("view_alerts", "See pupils whose negative behaviour is rising"),
            ("view_sensitive_event", "Read events of sensitive categories logged by others"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission_key", "pupil"], name="behaviour_event_unique_submission")
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            # The pupil's chronology in its own order (newest first, then id), so a page of a long history reads
            # only its own rows; the only index on pupil, so the planner cannot prefer one that needs a sort.
            models.Index(fields=["pupil", "-occurred_at", "-id"], name="behaviour_event_pupil_idx"),
            models.Index(fields=["category"]),
            # Analytics and alerts read live events of a school over a date range; with the included columns
            # most grouped counts can be an index-only scan when the range is a small part of the table.
            models.Index(
                fields=["school", "occurred_at"],
                include=["category", "pupil", "location", "period"],
                condition=models.Q(voided_at__isnull=True),
                name="behaviour_event_live_idx",
            ),
            models.Index(fields=["recorded_by", "occurred_at"], name="behaviour_event_recorder_idx"),
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


class BehaviourEventRevision(Revision):
    event = models.ForeignKey(BehaviourEvent, on_delete=models.PROTECT, related_name="revisions")

    revised_model = BehaviourEvent
    labels = {
        "occurred_at": "When",
        "description": "What happened",
        "staff_involved": "Staff involved",
        "role": "Role",
    }

    class Meta(Revision.Meta):
        pass


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
