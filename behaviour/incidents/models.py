"""Incidents in detail (with follow-up actions and attachments) and bullying records.
Registered under the behaviour app (imported by behaviour.models), so tables keep their names."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, User, Voidable

from ..events.models import BehaviourEvent, PupilRole
from ..revisions import Revision


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
    pupils = models.ManyToManyField(Pupil, through="IncidentPupil", related_name="behaviour_incidents")
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

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil(s) and the day it was recorded; reads `involvements` through any prefetch."""
        return titles.record_title((i.pupil.display_name for i in self.pupil_roles), "Incident", self.created_at)

    @property
    def pupil_roles(self):
        """The pupils' involvements (pupil and role), by name: a prefetch of `involvements` with their pupils
        if the queryset made one (as the list does), else one query."""
        if "involvements" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.involvements.all())
        return list(
            self.involvements.select_related("pupil").order_by("pupil__legal_last_name", "pupil__legal_first_name")
        )

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


class IncidentPupil(models.Model):
    """One pupil on an incident, with their part in it. The table is the one the plain many-to-many used, so
    its rows (and their names for indexes) carried over; the pupils there before roles were "involved"."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="incident_involvements")
    role = models.CharField(
        "role", max_length=12, choices=PupilRole, default=PupilRole.INVOLVED, db_default=PupilRole.INVOLVED
    )

    class Meta:
        db_table = "behaviour_incident_pupils"
        default_permissions = ()
        unique_together = [("incident", "pupil")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.pupil}"


class IncidentRevision(Revision):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="revisions")

    revised_model = Incident
    labels = {"roles": "Roles"}

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

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By the pupils involved (through any prefetch of `involvements`), the types and the day."""
        return titles.record_title((i.pupil.display_name for i in self.involvements.all()), str(self), self.occurred_on)

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
