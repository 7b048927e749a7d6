"""The log of external professionals' visits and learning opportunities (PSHE): who came, about what, for
which year groups, whether the visitor checks were done, and how it went."""

import uuid

from django.db import models
from django.utils import timezone

from pastoral.models import School, User


class ExternalVisit(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="external_visits")
    visited_on = models.DateField("date", default=timezone.localdate)
    visitor = models.CharField("who", max_length=200, help_text="e.g. PCSO Jane Hart")
    organisation = models.CharField(max_length=200, help_text="e.g. Northshire Police")
    topic = models.CharField(max_length=200, help_text="e.g. Staying safe online")
    year_groups = models.CharField(max_length=100, help_text="e.g. Years 5 and 6")
    checks_done = models.BooleanField(
        "DBS / visitor checks done", default=False, help_text="ID seen, DBS or letter of assurance checked, signed in."
    )
    checks_note = models.CharField("checks: details", max_length=300, blank=True)
    feedback = models.TextField(blank=True, help_text="How it went: pupils' and staff's feedback.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        default_permissions = ()
        permissions = [("log_visits", "Log external visits and learning opportunities")]

    def __str__(self):
        return f"{self.topic} ({self.organisation})"
