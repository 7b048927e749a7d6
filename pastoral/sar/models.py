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
