"""Behaviour records: per-school categories and locations, and the events staff log against pupils."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral.models import Pupil, School, User, Voidable
from pastoral.uploads import stored_name


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


class BehaviourEvent(Voidable):
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
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission_key", "pupil"], name="behaviour_event_unique_submission")
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            models.Index(fields=["pupil", "-occurred_at"]),
            models.Index(fields=["category"]),
            # Analytics and alerts read live events of a school over a date range; with the included columns
            # most grouped counts can be an index-only scan when the range is a small part of the table.
            models.Index(
                fields=["school", "occurred_at"],
                include=["category", "pupil", "location"],
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


class Revision(models.Model):
    """What one edit changed, as {field: [old, new]}, shown on the record's page.

    A subclass names the record with a foreign key and sets `revised_model` (for field labels) and
    `labels` (for fields whose form label differs from the model's).
    """

    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)

    revised_model = None
    labels = {}

    class Meta:
        abstract = True
        ordering = ["changed_at"]
        default_permissions = ()

    def rows(self):
        """(label, old, new) for each changed field, labelled as the form labels them."""
        result = []
        for name, (old, new) in self.changes.items():
            try:
                label = self.labels.get(name) or self.revised_model._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            label = str(label)
            result.append((label[:1].upper() + label[1:], old, new))
        return result


class BehaviourEventRevision(Revision):
    event = models.ForeignKey(BehaviourEvent, on_delete=models.PROTECT, related_name="revisions")

    revised_model = BehaviourEvent
    labels = {"occurred_at": "When", "description": "What happened", "staff_involved": "Staff involved"}

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


class Removal(Voidable):
    """A pupil sent out of a lesson for a while (an internal removal), and whether home has been told."""

    class ParentsToldHow(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_removals")
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
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Generated with the form; a resubmitted form finds the removal it made before instead of a second one.
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-removed_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "-removed_at"]),
            models.Index(fields=["pupil", "-removed_at"]),
        ]

    def __str__(self):
        return f"Removal from class: {self.removed_to} ({self.duration_minutes} min)"

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


class RestorativeMeeting(Voidable):
    """A restorative conversation or meeting after one or more incidents, and whether harm was repaired."""

    class Repair(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="restorative_meetings")
    held_on = models.DateField("held on", default=timezone.localdate)
    incidents = models.ManyToManyField(BehaviourEvent, related_name="restorative_meetings")
    # The incidents' pupils plus anyone else who took part, so each of them sees it on their chronology.
    pupils = models.ManyToManyField(Pupil, related_name="restorative_meetings")
    people_present = models.TextField("people present", blank=True)
    agreed = models.TextField("what was agreed")
    repair_happened = models.CharField("did repair happen?", max_length=10, choices=Repair)
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # As on removals: one meeting per submitted form, however often it is sent.
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "-held_on"])]

    def __str__(self):
        return f"Restorative meeting on {self.held_on:%d/%m/%Y}"

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = "This cannot be in the future."
        if self.held_on and self.follow_up_on and self.follow_up_on < self.held_on:
            errors["follow_up_on"] = "This must be on or after the day of the meeting."
        if errors:
            raise ValidationError(errors)


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
        return cls.objects.filter(valid_from__lte=day).filter(
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
    incidents = models.ManyToManyField(BehaviourEvent, blank=True, related_name="suspensions")
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
            return f"Permanent exclusion from {self.start_date:%d/%m/%Y}"
        return f"{self.get_kind_display()} of {self.length_label} from {self.start_date:%d/%m/%Y}"

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
        return f"{self.get_recipient_display()} told {self.notified_at:%d/%m/%Y}"


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
        return f"{self.get_kind_display()} by {self.due_on:%d/%m/%Y}"

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
        return f"Reintegration meeting on {self.held_on:%d/%m/%Y}"


class ParentsInformedHow(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"


class Incident(Voidable):
    """The detail of a serious negative event: what led up to it, what happened, what was done, and who was told.

    It hangs off the events logged together (one event group), so each pupil keeps their own event and points,
    and the detail is written once for all of them.
    """

    class Dysregulated(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNSURE = "unsure", "Not sure"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_incidents")
    group = models.UUIDField(db_index=True, editable=False, help_text="The event group this incident details")
    events = models.ManyToManyField(BehaviourEvent, related_name="incidents")
    # The events' pupils plus anyone else involved, so each of them sees it on their chronology.
    pupils = models.ManyToManyField(Pupil, related_name="behaviour_incidents")
    antecedent = models.TextField("what happened before (antecedent)")
    behaviour = models.TextField("the behaviour")
    consequence = models.TextField("consequence", blank=True)
    deescalation = models.TextField("de-escalation tried", blank=True)
    dysregulated = models.CharField("was the pupil dysregulated?", max_length=10, choices=Dysregulated)
    injuries = models.BooleanField("anyone injured", default=False)
    injury_details = models.TextField("injuries", blank=True)
    parents_informed = models.BooleanField("parents / carers informed", default=False)
    parents_informed_at = models.DateTimeField("informed when", null=True, blank=True)
    parents_informed_how = models.CharField("informed how", max_length=10, choices=ParentsInformedHow, blank=True)
    parents_informed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="informed by"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self):
        return f"Incident detail: {self.behaviour[:60]}"

    def clean(self):
        errors = {}
        if self.parents_informed:
            if not self.parents_informed_at:
                errors["parents_informed_at"] = "Say when parents or carers were informed."
            if not self.parents_informed_how:
                errors["parents_informed_how"] = "Say how parents or carers were informed."
        if self.parents_informed_at and self.parents_informed_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["parents_informed_at"] = "This cannot be in the future."
        if self.injuries and not self.injury_details.strip():
            errors["injury_details"] = "Describe the injuries."
        if errors:
            raise ValidationError(errors)


class IncidentRevision(Revision):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="revisions")

    revised_model = Incident

    class Meta(Revision.Meta):
        pass


class FollowUpAction(models.Model):
    """Something someone must do after an incident, by a date; overdue while not done after that date."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField("action", max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="owner")
    due_on = models.DateField("due on")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self):
        return self.description

    @property
    def overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()


def _attachment_path(instance, filename):
    # The stored name is random; the name the uploader gave is kept in original_name for display only.
    return f"behaviour/incidents/{instance.incident.code}/{stored_name(instance.kind)}"


class IncidentAttachment(models.Model):
    """A photo or PDF kept with an incident, checked by its content and served only through a permission check."""

    class Kind(models.TextChoices):
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"
        GIF = "image/gif", "GIF image"
        WEBP = "image/webp", "WebP image"
        PDF = "application/pdf", "PDF"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=Kind)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_permissions = ()
        permissions = [("view_attachments", "See and download photos and files attached to incidents")]

    def __str__(self):
        return self.original_name


class BullyingType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    VERBAL = "verbal", "Verbal"
    CYBER = "cyber", "Cyber / online"
    RELATIONAL = "relational", "Relational / exclusion"
    SEXUAL = "sexual", "Sexual / sexist"
    RACIST = "racist", "Racist"
    HBT = "hbt", "Homophobic / biphobic / transphobic"
    DISABILITY = "disability", "Disability-related"
    RELIGIOUS = "religious", "Religious"


# The types recorded as prejudice-related, which schools report on separately.
PREJUDICE_TYPES = {BullyingType.SEXUAL, BullyingType.RACIST, BullyingType.HBT, BullyingType.DISABILITY}
PREJUDICE_TYPES |= {BullyingType.RELIGIOUS}


class BullyingIncident(Voidable):
    """Bullying or a prejudice-related incident: its types, who was harmed and who did it, and the outcome."""

    class Outcome(models.TextChoices):
        INVESTIGATING = "investigating", "Being investigated"
        UPHELD_RESOLVED = "resolved", "Upheld, resolved"
        UPHELD_MONITORING = "monitoring", "Upheld, being monitored"
        NOT_UPHELD = "not_upheld", "Not upheld"
        REFERRED = "referred", "Referred on (e.g. DSL, police)"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="bullying_incidents")
    occurred_on = models.DateField("when it happened (or was first reported)", default=timezone.localdate)
    types = ArrayField(models.CharField(max_length=20, choices=BullyingType), verbose_name="type")
    description = models.TextField("what happened")
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.INVESTIGATING)
    outcome_notes = models.TextField("outcome notes", blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="bullying", verbose_name="incident"
    )
    events = models.ManyToManyField(BehaviourEvent, blank=True, related_name="bullying")
    pupils = models.ManyToManyField(Pupil, through="BullyingInvolvement", related_name="bullying_incidents")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        default_permissions = ()
        permissions = [
            ("view_bullying", "See bullying and prejudice-related records"),
            ("view_bullying_patterns", "See repeat victims and perpetrators (anti-bullying lead)"),
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_on"]),
            GinIndex(fields=["types"], name="behaviour_bullying_types_gin"),
        ]

    def __str__(self):
        return f"Bullying: {', '.join(self.type_labels())}"

    def type_labels(self):
        return [BullyingType(value).label for value in self.types]

    @property
    def prejudice_related(self):
        return bool(PREJUDICE_TYPES & set(self.types))

    def clean(self):
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "This cannot be in the future."
        if not self.types:
            errors["types"] = "Choose at least one type."
        if self.incident_id and self.school_id and self.incident.school_id != self.school_id:
            errors["incident"] = "This incident belongs to another school."
        if errors:
            raise ValidationError(errors)


class BullyingInvolvement(models.Model):
    """One pupil's part in a bullying incident: harmed (victim) or doing it (perpetrator)."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        PERPETRATOR = "perpetrator", "Perpetrator"

    bullying = models.ForeignKey(BullyingIncident, on_delete=models.PROTECT, related_name="involvements")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="bullying_involvements")
    role = models.CharField(max_length=12, choices=Role)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["bullying", "pupil"], name="behaviour_bullying_one_role_per_pupil")
        ]
        indexes = [models.Index(fields=["pupil", "role"])]

    def __str__(self):
        return f"{self.get_role_display()}: {self.pupil}"


class BullyingRevision(Revision):
    """A change of a bullying record's outcome."""

    bullying = models.ForeignKey(BullyingIncident, on_delete=models.PROTECT, related_name="revisions")

    revised_model = BullyingIncident
    labels = {"outcome": "Outcome", "outcome_notes": "Outcome notes"}

    class Meta(Revision.Meta):
        pass


class InterventionTechnique(models.Model):
    """A hold or technique from the school's positive-handling scheme, chosen when force or restraint is recorded."""

    class Scheme(models.TextChoices):
        TEAM_TEACH = "team_teach", "Team Teach"
        NORFOLK_STEPS = "norfolk_steps", "Norfolk Steps"
        OTHER = "other", "Other / school's own"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="intervention_techniques")
    name = models.CharField(max_length=80)
    scheme = models.CharField(max_length=20, choices=Scheme, default=Scheme.TEAM_TEACH)
    active = models.BooleanField(default=True, help_text="Inactive techniques stay on old records but cannot be chosen")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="intervention_technique_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.get_scheme_display()})"


class RestrictiveIntervention(Voidable):
    """One significant incident of force, restraint or seclusion, with parent reporting, debriefs and review.

    Recorded under the Schools (Recording and Reporting of Seclusion and Restraint) Regulations 2025.
    """

    class Type(models.TextChoices):
        REASONABLE_FORCE = "reasonable_force", "Reasonable force"
        RESTRAINT = "restraint", "Restraint without force"
        SECLUSION = "seclusion", "Seclusion"

    class ReportMethod(models.TextChoices):
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        APP = "app", "School app / message"

    DEESCALATION = [
        ("calm_voice", "Calm voice and body language"),
        ("reassurance", "Verbal reassurance"),
        ("choices", "Offered choices"),
        ("distraction", "Distraction / diversion"),
        ("space", "Offered space or time out"),
        ("change_of_face", "Change of face (another adult)"),
        ("removed_audience", "Removed the audience"),
        ("plan_strategies", "Strategies from the pupil's support plan"),
        ("warning", "Clear warning of what would happen"),
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="restrictive_interventions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="restrictive_interventions")
    event = models.ForeignKey(
        BehaviourEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restrictive_interventions",
        verbose_name="behaviour event",
    )
    # Snapshots at the time: a later change of SEN status or birthday does not rewrite the record.
    sen_status = models.CharField("SEN status at the time", max_length=1, choices=Pupil.SEN)
    age = models.PositiveSmallIntegerField("age at the time")
    occurred_on = models.DateField("date")
    started_at = models.TimeField("start time")
    ended_at = models.TimeField("end time")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location_detail = models.CharField("where exactly", max_length=120, blank=True)
    staff_involved = models.ManyToManyField(User, related_name="restrictive_interventions")
    witnesses = models.ManyToManyField(User, blank=True, related_name="+", verbose_name="staff witnesses")
    other_witnesses = models.CharField("other witnesses", max_length=300, blank=True)
    antecedents = models.TextField("what happened before")
    deescalation = models.JSONField("de-escalation tried", default=list, blank=True)
    deescalation_notes = models.TextField("de-escalation: more detail", blank=True)
    intervention_type = models.CharField("type", max_length=20, choices=Type)
    technique = models.ForeignKey(
        InterventionTechnique, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="hold"
    )
    technique_notes = models.CharField("how it was used", max_length=300, blank=True)
    rationale = models.TextField("why it was necessary")
    injuries = models.BooleanField("was anyone injured?", default=False)
    injury_details = models.TextField("who was injured and how", blank=True)
    first_aid = models.TextField("first aid given", blank=True)
    support_offered = models.TextField("support offered afterwards")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(unique=True, editable=False)

    # Telling parents: either a report, kept as written, or a recorded decision to withhold.
    parent_reported_at = models.DateTimeField("reported when", null=True, blank=True)
    parent_report_method = models.CharField("how", max_length=10, choices=ReportMethod, blank=True)
    parent_reported_to = models.CharField("told whom", max_length=120, blank=True)
    parent_report_content = models.TextField("what was said", blank=True)
    parent_reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="reported by"
    )
    withheld = models.BooleanField("withheld from parents", default=False)
    withhold_reason = models.TextField("why telling parents would risk significant harm", blank=True)
    withhold_decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="decided by"
    )
    withhold_decided_at = models.DateTimeField(null=True, blank=True)

    pupil_debrief_on = models.DateField("pupil debrief date", null=True, blank=True)
    pupil_debrief_notes = models.TextField("pupil's view", blank=True)
    pupil_debrief_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    staff_debrief_on = models.DateField("staff debrief date", null=True, blank=True)
    staff_debrief_notes = models.TextField("staff debrief notes", blank=True)
    staff_debrief_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proportionate = models.BooleanField(null=True, blank=True)
    in_line_with_training = models.BooleanField("in line with training", null=True, blank=True)
    learning_points = models.TextField("learning points", blank=True)
    support_plan_review = models.BooleanField("behaviour support plan needs review", null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-started_at"]
        default_permissions = ()
        permissions = [
            ("view_intervention", "See every restrictive intervention record in the school"),
            ("record_intervention", "Record restrictive interventions, parent reports and debriefs"),
            ("review_intervention", "Sign off, withhold from parents and void restrictive interventions"),
            ("manage_techniques", "Edit the school's list of holds and techniques"),
            ("view_training", "See staff training records"),
            ("manage_training", "Add and change staff training records"),
        ]
        constraints = [
            # The statutory minimum: a type, a duration and a rationale, enforced by the database as well.
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0),
                name="intervention_has_duration",
                violation_error_message="Give the start and end times so the duration is recorded.",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""),
                name="intervention_has_rationale",
                violation_error_message="Say why the intervention was necessary.",
            ),
            models.CheckConstraint(
                condition=~models.Q(intervention_type=""),
                name="intervention_has_type",
                violation_error_message="Choose the type of intervention.",
            ),
            models.CheckConstraint(
                condition=models.Q(withheld=False)
                | (models.Q(withhold_decided_by__isnull=False) & ~models.Q(withhold_reason="")),
                name="intervention_withholding_has_reason_and_decider",
                violation_error_message="Withholding needs the reason and the person who decided.",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_on"]),
            models.Index(fields=["pupil", "-occurred_on"]),
            models.Index(fields=["school", "parent_reported_at", "withheld"]),
            models.Index(fields=["school", "reviewed_at"]),
        ]

    def __str__(self):
        return f"{self.get_intervention_type_display()} ({self.duration_minutes} min) on {self.occurred_on:%d/%m/%Y}"

    @property
    def parent_report_outstanding(self):
        return self.parent_reported_at is None and not self.withheld

    @property
    def recorded_late(self):
        """Staff should record no later than the same day; later records are flagged, not refused."""
        return bool(self.recorded_at and timezone.localdate(self.recorded_at) > self.occurred_on)

    @property
    def reported_same_day(self):
        return bool(self.parent_reported_at and timezone.localdate(self.parent_reported_at) == self.occurred_on)

    def deescalation_labels(self):
        labels = dict(self.DEESCALATION)
        return [labels.get(key, key) for key in self.deescalation]

    @staticmethod
    def minutes_between(start, end):
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)

    def clean(self):
        errors = {}
        if self.started_at and self.ended_at:
            minutes = self.minutes_between(self.started_at, self.ended_at)
            if minutes < 0:
                errors["ended_at"] = "The end time must be after the start time."
            else:
                # A hold ended within the minute still took time; it is recorded as one minute.
                self.duration_minutes = max(minutes, 1)
        if not self.duration_minutes and "ended_at" not in errors:
            errors.setdefault("ended_at", "Give the start and end times so the duration is recorded.")
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "This cannot be in the future."
        if not (self.rationale or "").strip():
            errors["rationale"] = "Say why the intervention was necessary."
        if not self.intervention_type:
            errors["intervention_type"] = "Choose the type of intervention."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        if self.event_id and self.pupil_id and self.event.pupil_id != self.pupil_id:
            errors["event"] = "This event is about another pupil."
        if self.technique_id and self.school_id and self.technique.school_id != self.school_id:
            errors["technique"] = "This technique belongs to another school."
        if self.location_id and self.school_id and self.location.school_id != self.school_id:
            errors["location"] = "This location belongs to another school."
        if self.intervention_type == self.Type.REASONABLE_FORCE and not self.technique_id:
            errors["technique"] = "Choose the hold or technique used."
        if self.injuries and not (self.injury_details or "").strip():
            errors["injury_details"] = "Say who was injured and how."
        if not self.location_id and not (self.location_detail or "").strip():
            errors["location_detail"] = "Say where it happened."
        if self.withheld and (not (self.withhold_reason or "").strip() or not self.withhold_decided_by_id):
            errors["withhold_reason"] = "Withholding needs the reason and the person who decided."
        if errors:
            raise ValidationError(errors)


def _certificate_path(instance, filename):
    # The stored name is random, with the extension of the checked type.
    return f"training-certificates/{stored_name(instance.certificate_type)}"


class StaffTraining(Voidable):
    """A course a member of staff has completed, with its expiry and certificate."""

    class Course(models.TextChoices):
        TEAM_TEACH = "team_teach", "Team Teach"
        NORFOLK_STEPS = "norfolk_steps", "Norfolk Steps"
        FIRST_AID = "first_aid", "First aid at work"
        PAEDIATRIC_FIRST_AID = "paediatric_first_aid", "Paediatric first aid"
        MIDAS = "midas", "MIDAS (minibus driving)"
        DSL = "dsl", "DSL training"
        MEDICATION = "medication", "Medication administration"
        CUSTOM = "custom", "Other course"

    POSITIVE_HANDLING_COURSES = {Course.TEAM_TEACH, Course.NORFOLK_STEPS}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff_training")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records", verbose_name="staff")
    course = models.CharField(max_length=30, choices=Course)
    custom_name = models.CharField("course name", max_length=120, blank=True, help_text="For other courses")
    # Team Teach and Norfolk Steps always count; an "other" course counts when a lead ticks this.
    positive_handling = models.BooleanField(
        "counts as positive-handling training", default=False, help_text="Tick for another positive-handling course"
    )
    completed_on = models.DateField("completed on")
    expires_on = models.DateField("expires on", null=True, blank=True)
    tutor = models.BooleanField("qualified tutor / trainer", default=False)
    certificate = models.FileField(upload_to=_certificate_path, blank=True, max_length=200)
    # The type the certificate's content was checked to be when uploaded; it is served as this type.
    certificate_type = models.CharField(max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "-completed_on"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "expires_on"]),
            models.Index(fields=["user", "positive_handling", "expires_on"]),
        ]

    def __str__(self):
        return f"{self.course_name} – {self.user}"

    @property
    def course_name(self):
        return self.custom_name if self.course == self.Course.CUSTOM else self.get_course_display()

    def in_date_on(self, day):
        """In date from the day of completion up to and including the expiry day."""
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)

    def clean(self):
        errors = {}
        if self.course in self.POSITIVE_HANDLING_COURSES:
            self.positive_handling = True
        elif self.course != self.Course.CUSTOM:
            self.positive_handling = False
        if self.course == self.Course.CUSTOM and not (self.custom_name or "").strip():
            errors["custom_name"] = "Give the name of the course."
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "This cannot be in the future."
        if self.completed_on and self.expires_on and self.expires_on < self.completed_on:
            errors["expires_on"] = "The expiry date cannot be before the course was completed."
        if self.positive_handling and not self.expires_on:
            errors["expires_on"] = "Positive-handling training must have an expiry date."
        if errors:
            raise ValidationError(errors)
