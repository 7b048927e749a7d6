"""Behaviour records: per-school categories and locations, and the events staff log against pupils."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, User, Voidable

# Suspensions and interventions keep their models in their own packages; they are imported here so Django
# registers them under this app (same tables, same migrations) and behaviour.models.X keeps working.
from .interventions.models import (  # noqa: F401
    InterventionTechnique,
    RestrictiveIntervention,
    StaffTraining,
    _certificate_path,
)
from .suspensions.models import (  # noqa: F401
    ExclusionReasonCode,
    GovernorTask,
    ReintegrationMeeting,
    Suspension,
    SuspensionNotification,
)


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
