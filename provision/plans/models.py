"""Support plans: six kinds with structured content, versions, reviews, shares and read-receipts.

Registered under the provision app (imported by provision.models), so the tables are the app's.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pastoral import titles
from pastoral.accounts.roles import Role
from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, User

from .kinds import RISK_KINDS, SHORT_LABELS, Kind


class SupportPlan(models.Model):
    """One plan for one pupil. Its current content is here; every saved content is kept as a PlanVersion."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        REVIEW_DUE = "review_due", "Review due"
        REVIEWED = "reviewed", "Reviewed"
        ENDED = "ended", "Ended"

    # In force: agreed and not ended. Only one plan of each kind per pupil may be in force.
    IN_FORCE = (Status.ACTIVE, Status.REVIEW_DUE, Status.REVIEWED)

    Kind = Kind

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="support_plans")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_plans")
    kind = models.CharField(max_length=20, choices=Kind)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    title = models.CharField(max_length=200)
    content = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    review_date = models.DateField("next review")
    # Agreement (draft → active): with whom, when, and how the parents and the pupil took part.
    agreed_on = models.DateField("agreed on", null=True, blank=True)
    agreed_with = models.TextField("agreed with", blank=True)
    parents_part = models.TextField("how parents or carers took part", blank=True)
    pupil_part = models.TextField("how the pupil took part", blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    end_reason = models.TextField(blank=True)
    # A reintegration plan comes from a finalised suspension.
    suspension = models.ForeignKey(
        "behaviour.Suspension", null=True, blank=True, on_delete=models.PROTECT, related_name="reintegration_plans"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review_date", "pk"]
        default_permissions = ()
        permissions = [
            ("write_plan", "Write, agree, review and end support plans"),
            ("view_plan", "Read every support plan of the school"),
            ("view_shared_plan", "Read the support plans shared with them"),
            ("view_plan_card", "See the How to support me card"),
            ("view_plan_counts", "See counts of support plans in reports"),
            ("manage_plan_settings", "Set the school's review intervals"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "kind"],
                condition=Q(status__in=["active", "review_due", "reviewed"]),
                name="provision_one_plan_in_force_per_kind",
            ),
            models.UniqueConstraint(
                fields=["suspension"],
                condition=Q(suspension__isnull=False) & ~Q(status="ended"),
                name="provision_one_open_plan_per_suspension",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "review_date", "id"], name="provision_plan_review_idx"),
            models.Index(fields=["pupil", "kind", "status"], name="provision_plan_pupil_idx"),
        ]

    def __str__(self):
        return f"{SHORT_LABELS[Kind(self.kind)]}: {self.title}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def record_title(self):
        """By pupil, kind and the day it was agreed (or started); `title` is the plan's own name."""
        return titles.record_title([self.pupil.display_name], self.short_kind, self.agreed_on or self.created_at)

    @property
    def short_kind(self):
        return SHORT_LABELS[Kind(self.kind)]

    @property
    def in_force(self):
        return self.status in self.IN_FORCE

    @property
    def holds_risk(self):
        return self.kind in RISK_KINDS

    def review_is_due(self, today=None):
        return self.in_force and self.review_date <= (today or timezone.localdate())

    def review_is_overdue(self, today=None):
        return self.in_force and self.review_date < (today or timezone.localdate())

    @property
    def shown_status(self):
        """Review due as soon as the review date comes, whatever the stored status says."""
        if self.review_is_due():
            return self.Status.REVIEW_DUE.label
        return self.get_status_display()


class PlanVersion(models.Model):
    """The plan's content as saved: every save makes a new number, none is changed afterwards."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    content = models.JSONField(default=dict, blank=True)
    review_date = models.DateField()
    note = models.CharField("what changed and why", max_length=300, blank=True)
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="provision_version_number_once")]
        indexes = [models.Index(fields=["plan", "-saved_at"], name="provision_version_saved_idx")]

    def __str__(self):
        return f"Version {self.number}"


class PlanReview(models.Model):
    """A review: is the plan working? Kept, changed or ended, with the next review date."""

    class Outcome(models.TextChoices):
        KEPT = "kept", "Kept as it is"
        CHANGED = "changed", "Changed"
        ENDED = "ended", "Ended"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField("reviewed on", default=timezone.localdate)
    due_on = models.DateField("was due on")
    outcome = models.CharField(max_length=10, choices=Outcome)
    notes = models.TextField("what the review found")
    pupil_view = models.TextField("the pupil's view", blank=True)
    parents_view = models.TextField("the parents' or carers' view", blank=True)
    next_review_date = models.DateField("next review", null=True, blank=True)
    version = models.PositiveIntegerField()
    # Counts before and after, as the reviewer saw them.
    evidence = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["plan", "-reviewed_on"], name="provision_review_plan_idx")]

    @property
    def on_time(self):
        return self.reviewed_on <= self.due_on


class PlanShare(models.Model):
    """The plan shared with one named member of staff, or with everyone holding a role in the school."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="shares")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role, blank=True)
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(role="")) | (Q(user__isnull=True) & ~Q(role="")),
                name="provision_share_user_or_role",
            ),
            models.UniqueConstraint(
                fields=["plan", "user"], condition=Q(user__isnull=False), name="provision_share_user_once"
            ),
            models.UniqueConstraint(fields=["plan", "role"], condition=~Q(role=""), name="provision_share_role_once"),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else f"Everyone who is {Role(self.role).label}"


class PlanAcknowledgement(models.Model):
    """ "Read and understood": one per person per version, so a new version asks again."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "version"], name="provision_ack_once_per_version")
        ]
        indexes = [models.Index(fields=["plan", "-acknowledged_at"], name="provision_ack_plan_idx")]


class PlanReviewInterval(models.Model):
    """A school's own weeks between reviews for one kind (otherwise kinds.DEFAULT_REVIEW_WEEKS)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="plan_review_intervals")
    kind = models.CharField(max_length=20, choices=Kind)
    weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(104)])

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="provision_interval_once")]


def _story_image_path(instance, filename):
    return f"provision/stories/{stored_name(instance.content_type)}"


class StoryImage(models.Model):
    """A picture on a social story page, checked by content and served only through a checked view."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="story_images")
    file = models.FileField(upload_to=_story_image_path)
    content_type = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
