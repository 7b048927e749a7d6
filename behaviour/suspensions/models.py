"""Suspensions and permanent exclusions: the DfE reason codes, the decision, who was told, governors' tasks and
reintegration. Registered under the behaviour app (imported by behaviour.models), so tables keep their names."""

import uuid

from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.dates import uk_date
from pastoral.models import Pupil, School, User, Voidable


class ExclusionReasonCode(models.Model):
    """A DfE census reason for a suspension or permanent exclusion, in one version of the list.

    The list is data: a new census list is added as rows with a new `list_version` and
    `valid_from`, and the old rows get a `valid_to`, so past records keep their reasons.
    """

    census_code = models.CharField("code", max_length=4)
    label = models.CharField(max_length=120)
    list_version = models.CharField(max_length=40, help_text="e.g. DfE census 2020/21")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Last day it may be chosen; empty while current")
    order = models.PositiveSmallIntegerField(default=0)
    # A list taken from a source that is not the DfE's own is loaded unconfirmed and offered to nobody until an
    # operator has checked it against the published census guide (manage.py confirm_reason_list).
    confirmed = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "census_code"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["list_version", "census_code"], name="exclusion_reason_unique_code")
        ]

    def __str__(self):
        return f"{self.census_code} – {self.label}"

    @classmethod
    def active_on(cls, day):
        return cls.objects.filter(confirmed=True, valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )


class Suspension(Voidable):
    """A suspension (fixed period, or lunchtime) or a permanent exclusion, decided by the headteacher."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        LUNCHTIME = "lunchtime", "Lunchtime suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINALISED = "finalised", "Finalised"

    class Session(models.TextChoices):
        AM = "am", "Morning"
        PM = "pm", "Afternoon"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="suspensions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField("type", max_length=12, choices=Kind, default=Kind.SUSPENSION)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    start_date = models.DateField("first day")
    start_session = models.CharField("starts in the", max_length=2, choices=Session, default=Session.AM)
    # Half-day units: a school day is 2, a lunchtime is 1. Empty for a permanent exclusion.
    length_units = models.PositiveSmallIntegerField(null=True, blank=True)
    end_date = models.DateField("last day", null=True, blank=True)
    reasons = models.ManyToManyField(ExclusionReasonCode, related_name="+")
    incidents = models.ManyToManyField("behaviour.BehaviourEvent", blank=True, related_name="suspensions")
    summary = models.TextField("what happened and why this decision")
    misses_public_exam = models.BooleanField(
        "the pupil will miss a public exam or national curriculum test", default=False
    )
    exam_details = models.CharField("which exam, and when", max_length=200, blank=True)
    work_set = models.TextField("work set for days 1–5", blank=True, help_text="What work is set and how it is marked")
    work_set_by = models.CharField("work arranged by", max_length=120, blank=True)
    provision = models.TextField("full-time provision from day 6", blank=True)
    provision_by = models.CharField("provision arranged by", max_length=120, blank=True)
    provision_start = models.DateField("provision starts", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="decided by"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The headteacher's cancellation of a decision the governing board has not reviewed: unlike voiding a wrong
    # record, the suspension stands for the days before the pupil came back, and only those count.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.TextField("why it is cancelled", blank=True)
    returns_on = models.DateField("the pupil returns on", null=True, blank=True)
    returns_session = models.CharField("from the", max_length=2, choices=Session, default=Session.AM)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submission_key = models.UUIDField(unique=True, editable=False, default=uuid.uuid4)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        default_permissions = ()
        permissions = [
            ("view_suspension", "View suspensions and permanent exclusions"),
            ("record_suspension", "Draft suspensions, record notifications and reintegration"),
            ("decide_suspension", "Decide (finalise) suspensions and permanent exclusions"),
        ]
        indexes = [
            models.Index(fields=["school", "-start_date"]),
            models.Index(fields=["pupil", "start_date"]),
            models.Index(fields=["school", "status", "kind"]),
        ]

    def __str__(self):
        if self.kind == self.Kind.PERMANENT:
            return f"Permanent exclusion from {uk_date(self.start_date)}"
        return f"{self.get_kind_display()} of {self.length_label} from {uk_date(self.start_date)}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil, kind (with its length) and first day."""
        kind = (
            self.get_kind_display()
            if self.kind == self.Kind.PERMANENT
            else f"{self.get_kind_display()} of {self.length_label}"
        )
        return titles.record_title([self.pupil.display_name], kind, self.start_date)

    @property
    def length_days(self):
        from .school_days import as_days

        return None if self.length_units is None else as_days(self.length_units)

    @property
    def length_label(self):
        from .school_days import format_days

        if self.kind == self.Kind.PERMANENT or self.length_units is None:
            return "permanent"
        if self.kind == self.Kind.LUNCHTIME:
            return f"{self.length_units} lunchtime{'s' if self.length_units != 1 else ''}"
        return format_days(self.length_units)

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class SuspensionNotification(models.Model):
    """Who was told about a suspension, when and how."""

    class Recipient(models.TextChoices):
        PARENTS = "parents", "Parents / carers"
        LOCAL_AUTHORITY = "la", "Local authority"
        SOCIAL_WORKER = "social_worker", "Social worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school head"
        GOVERNORS = "governors", "Governing board"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        PORTAL = "portal", "LA portal / secure upload"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.CharField(max_length=20, choices=Recipient)
    recipient_name = models.CharField("name", max_length=120, blank=True)
    notified_at = models.DateTimeField("told when")
    method = models.CharField("how", max_length=12, choices=Method)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["notified_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["suspension", "recipient"])]

    def __str__(self):
        return f"{self.get_recipient_display()} told {uk_date(self.notified_at)}"


class GovernorTask(models.Model):
    """What the governing board must do after a suspension or permanent exclusion, with its deadline."""

    class Kind(models.TextChoices):
        NOTIFY = "notify", "Tell the governing board without delay"
        REINSTATEMENT_MEETING = "meeting", "Governors must meet to consider reinstatement"
        REPRESENTATIONS = "representations", "Governors must consider reinstatement if parents make representations"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="governor_tasks")
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="governor_tasks")
    kind = models.CharField(max_length=20, choices=Kind)
    reason = models.CharField(max_length=200)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["suspension", "kind"], name="governor_task_unique_kind")]
        indexes = [models.Index(fields=["school", "done_at", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} by {uk_date(self.due_on)}"

    @property
    def overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()


class ReintegrationMeeting(models.Model):
    """The meeting offered and held when a pupil returns from a suspension."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="reintegration_meetings")
    offered_on = models.DateField("offered on", null=True, blank=True)
    held_on = models.DateField("held on")
    attendees = models.TextField("who attended")
    agreed_support = models.TextField("support agreed")
    # The reintegration plan itself will live in provision/; until then a reference or link.
    plan_reference = models.CharField("reintegration plan (link or reference)", max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["held_on", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"Reintegration meeting on {uk_date(self.held_on)}"


class GovernorsReview(models.Model):
    """The governing board's consideration of a suspension or permanent exclusion, and for a permanent exclusion
    the independent review panel that parents may ask for afterwards."""

    class Outcome(models.TextChoices):
        UPHOLD = "uphold", "Decision upheld"
        REINSTATE = "reinstate", "Pupil reinstated"

    class PanelOutcome(models.TextChoices):
        UPHOLD = "uphold", "Panel upheld the governors' decision"
        RECOMMEND = "recommend", "Panel recommended the governors reconsider"
        QUASH = "quash", "Panel quashed the decision and directed reconsideration"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    suspension = models.OneToOneField(Suspension, on_delete=models.PROTECT, related_name="governors_review")
    met_on = models.DateField("the board met on")
    attended = models.TextField("who attended", blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome)
    reinstated_on = models.DateField("reinstated from", null=True, blank=True)
    decision_sent_on = models.DateField("decision letter sent on", null=True, blank=True)
    notes = models.TextField(blank=True)
    # The independent review panel (permanent exclusions upheld by the board).
    panel_requested_on = models.DateField("review requested on", null=True, blank=True)
    panel_met_on = models.DateField("panel met on", null=True, blank=True)
    panel_outcome = models.CharField(max_length=10, choices=PanelOutcome, blank=True)
    reconsidered_on = models.DateField("governors reconsidered on", null=True, blank=True)
    reconsidered_outcome = models.CharField(
        "outcome of the reconsideration", max_length=10, choices=Outcome, blank=True
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Governors' review: {self.get_outcome_display().lower()}"
