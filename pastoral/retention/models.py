"""Retention rules, legal holds, records due for disposal and the disposal log. Imported by pastoral.models so the
tables belong to the core app. Which records exist and how they are found is in registry.py."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Basis(models.TextChoices):
    DOB = "dob", "The pupil's date of birth"
    RECORD_DATE = "record_date", "The record's own date"
    CLOSED = "closed", "The date the record was closed or the pupil left"


class Action(models.TextChoices):
    REVIEW = "review", "Review"
    DESTROY = "destroy", "Destroy"


class RetentionRule(models.Model):
    """How long one record type is kept: `years` after its basis date, then reviewed or destroyed.

    The row with no trust is the default; a trust's own row for the same record type overrides it.
    """

    trust = models.ForeignKey(
        "pastoral.Trust", null=True, blank=True, on_delete=models.CASCADE, related_name="retention_rules"
    )
    record_type = models.CharField(max_length=60)
    basis = models.CharField(max_length=12, choices=Basis)
    years = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=8, choices=Action)
    source = models.CharField("source", max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record_type", "trust_id"]
        default_permissions = ()
        permissions = [
            ("manage_retention", "Review records due for disposal, confirm their disposal and set legal holds"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type"], condition=Q(trust__isnull=True), name="retention_rule_one_default"
            ),
            models.UniqueConstraint(fields=["trust", "record_type"], name="retention_rule_one_per_trust"),
        ]

    def __str__(self):
        return f"{self.record_type}: {self.get_basis_display()} + {self.years} years, then {self.action}"


class LegalHold(models.Model):
    """While a hold is in force no record it covers is offered for disposal (an inquiry, litigation, a police
    request). It covers a whole school, or narrows to one pupil and/or one record type."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField("record type", max_length=60, blank=True)
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "-set_at", "-id"], name="retention_hold_list"),
            models.Index(fields=["school"], condition=Q(released_at__isnull=True), name="retention_hold_active"),
        ]

    def __str__(self):
        return f"Legal hold set {self.set_at:%d %b %Y}"

    @property
    def active(self):
        return self.released_at is None


class DisposalCandidate(models.Model):
    """A record that has reached its retention date, awaiting the data-protection lead's decision."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting review"
        BLOCKED = "blocked", "Blocked"
        EXTENDED = "extended", "Kept longer"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    record_date = models.DateField(null=True, blank=True)
    basis_date = models.DateField()
    due_on = models.DateField()
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.AWAITING)
    blocked_reason = models.CharField(max_length=200, blank=True)
    listed_at = models.DateTimeField(default=timezone.now)
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="retention_candidate_once"),
        ]
        indexes = [
            # The review page: one school's candidates of one type and status, oldest due first (keyset).
            models.Index(fields=["school", "record_type", "status", "due_on", "id"], name="retention_candidate_list"),
            # The nightly re-checks: extended candidates whose new date has come, blocked ones whose hold ended.
            models.Index(fields=["status", "extended_to"], name="retention_candidate_status"),
            models.Index(fields=["pupil"], name="retention_candidate_pupil"),
        ]

    def __str__(self):
        return f"{self.record_type} due for disposal on {self.due_on:%d %b %Y}"


class DisposalLogEntry(models.Model):
    """One disposed record: what it was, by which rule and who authorised it. No personal content: the pupil is
    named by reference (UPN), never by name, and nothing of the record's text is kept."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.UUIDField()
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=60)
    record_label = models.CharField("record type", max_length=100)
    object_id = models.CharField(max_length=64)
    pupil_reference = models.CharField(max_length=40, blank=True)
    record_date = models.DateField(null=True, blank=True)
    basis_date = models.DateField()
    due_on = models.DateField()
    rule = models.CharField(max_length=200)
    rule_source = models.CharField(max_length=300, blank=True)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField(default=timezone.now)
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-disposed_at", "-id"]
        default_permissions = ()
        verbose_name_plural = "disposal log entries"
        indexes = [models.Index(fields=["school", "-disposed_at", "-id"], name="retention_log_list")]

    def __str__(self):
        return f"{self.record_label} disposed {self.disposed_at:%d %b %Y}"
