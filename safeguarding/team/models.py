"""Out-of-hours and holiday safeguarding cover (KCSIE Annex C: arranged locally). Imported by safeguarding.models,
so the table belongs to the safeguarding app."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral.models import School, User


class CoverSlot(models.Model):
    """Who a member of staff calls about a child outside school hours or in the holidays, from when to when.

    Never deleted: a slot entered wrongly is cancelled and stays on the rota's history."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField("from")
    ends_at = models.DateTimeField("until")
    staff = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="DSL or deputy",
        help_text="Leave blank when the cover is outside the school, e.g. the local authority's out-of-hours team",
    )
    name = models.CharField(
        "or another contact", max_length=120, blank=True, help_text="e.g. Children's services out-of-hours team"
    )
    phone = models.CharField("phone", max_length=40)
    notes = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "ends_at"], name="safeguarding_cover_ends")]

    def __str__(self):
        return f"Safeguarding cover: {self.contact_name}"

    @property
    def contact_name(self):
        return self.staff.get_full_name() if self.staff_id else self.name

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The cover must end after it starts."
        if not self.staff_id and not self.name.strip():
            errors["name"] = "Choose a DSL or deputy, or name another contact."
        if errors:
            raise ValidationError(errors)
