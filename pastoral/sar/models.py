"""Subject access requests (UK GDPR Art 15): who asked, for whom, and the one-month clock. Imported by
pastoral.models so the table belongs to the core app."""

import calendar
import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def add_months(day, months):
    """The corresponding day `months` later; the month's last day where there is none (31 January → 28/29
    February), which is how the ICO counts the time limit."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(models.Model):
    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent or carer with parental responsibility"
        PUPIL = "pupil", "The pupil"
        REPRESENTATIVE = "representative", "Someone acting for them (e.g. a solicitor)"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", on_delete=models.PROTECT, related_name="subject_access_requests")
    requester_name = models.CharField("requester", max_length=200)
    relationship = models.CharField("relationship to the pupil", max_length=20, choices=Relationship)
    relationship_detail = models.CharField("relationship detail", max_length=200, blank=True)
    received_on = models.DateField("received on")
    identity_checked_on = models.DateField("identity checked on", null=True, blank=True)
    identity_checked_how = models.CharField("how identity was checked", max_length=200, blank=True)
    due_on = models.DateField("due by")
    # Art 12(3): up to two more months for complex or numerous requests, telling the requester within the first.
    extended_to = models.DateField("extended to", null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    requester_told_on = models.DateField("requester told of the extension on", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "-received_on", "-id"], name="pastoral_sar_list"),
            models.Index(fields=["school", "due_on"], condition=models.Q(status="open"), name="pastoral_sar_open_due"),
        ]

    def __str__(self):
        return f"Subject access request from {self.requester_name}"

    @property
    def deadline(self):
        return self.extended_to or self.due_on

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and self.deadline < (today or timezone.localdate())

    def clean(self):
        errors = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = "This cannot be in the future."
        if self.identity_checked_on and self.received_on and self.identity_checked_on < self.received_on:
            errors["identity_checked_on"] = "The identity check cannot be before the request was received."
        if errors:
            raise ValidationError(errors)


class Exemption(models.TextChoices):
    """Why a passage or a whole record is kept out of the response (DPA 2018 Sch 2–4)."""

    THIRD_PARTY = "third_party", "Third-party data"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    CHILD_ABUSE = "child_abuse", "Safeguarding / child abuse data"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
    OTHER = "other", "Other"


def exemption_label(reason, detail=""):
    """The words a released pack shows in place of what was kept out."""
    if reason == Exemption.OTHER and detail:
        return f"other: {detail}"
    return Exemption(reason).label.lower() if reason in Exemption.values else "exempt"


class SarPack(models.Model):
    """Every record about the pupil, snapshotted once by the worker so the reviewer redacts a stable set.

    Built → in review (redactions, the DSL's review of safeguarding items) → released (files made from the
    redacted text only). The unredacted items never leave the app."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be built"
        BUILDING = "building", "Being built"
        REVIEW = "review", "In review"
        RELEASED = "released", "Released"
        FAILED = "failed", "Failed"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(SubjectAccessRequest, on_delete=models.PROTECT, related_name="pack")
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Subject access pack ({self.get_status_display().lower()})"

    @property
    def stale(self):
        """Still building long after any build could have finished: its worker died; it may be built again."""
        # As GeneratedFile judges a build (settings.EXPORT_STALE_AFTER_SECONDS: longer than a build may run).
        stale_after = datetime.timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
        return (
            self.status == self.Status.BUILDING
            and self.started_at is not None
            and self.started_at <= timezone.now() - stale_after
        )

    @property
    def rebuildable(self):
        return self.status == self.Status.FAILED or self.stale


class SarPackItem(models.Model):
    """One record about the pupil as it stood when the pack was built."""

    SAFEGUARDING = "safeguarding"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pack = models.ForeignKey(SarPack, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="Oldest first")
    area = models.CharField(max_length=40, help_text="The app the record belongs to, e.g. behaviour")
    kind = models.CharField(max_length=60, help_text="What the record is, e.g. incidents")
    occurred_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=120, help_text="The record it came from (stream and id)")
    source_url = models.CharField(max_length=300, blank=True)
    withheld = models.BooleanField(default=False)
    withheld_reason = models.CharField(max_length=20, choices=Exemption, blank=True)
    withheld_detail = models.CharField(max_length=200, blank=True)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withheld_at = models.DateTimeField(null=True, blank=True)
    dsl_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dsl_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["pack", "position"]
        constraints = [models.UniqueConstraint(fields=["pack", "position"], name="sar_pack_item_position")]
        indexes = [models.Index(fields=["pack", "area", "position"], name="sar_pack_item_area")]

    def __str__(self):
        return f"Pack item {self.position}"

    @property
    def needs_dsl_review(self):
        return self.area == self.SAFEGUARDING

    @property
    def withheld_label(self):
        return exemption_label(self.withheld_reason, self.withheld_detail)


class SarRedaction(models.Model):
    """A passage of an item's title or text kept out of the released pack: characters [start, end)."""

    class Part(models.TextChoices):
        TITLE = "title", "Title"
        TEXT = "text", "Text"

    item = models.ForeignKey(SarPackItem, on_delete=models.CASCADE, related_name="redactions")
    part = models.CharField(max_length=5, choices=Part, default=Part.TEXT)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Exemption)
    reason_detail = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["item", "part", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="sar_redaction_range")
        ]

    def __str__(self):
        return f"Redaction {self.start}–{self.end}"

    @property
    def label(self):
        return exemption_label(self.reason, self.reason_detail)
