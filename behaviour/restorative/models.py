"""Restorative meetings. Registered under the behaviour app (imported by behaviour.models), so the table keeps
its name."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.dates import uk_date
from pastoral.models import Pupil, School, User, Voidable

from ..events.models import BehaviourEvent


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
        return f"Restorative meeting on {uk_date(self.held_on)}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupils (through any prefetch) and day."""
        return titles.record_title((p.display_name for p in self.pupils.all()), "Restorative meeting", self.held_on)

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = "This cannot be in the future."
        if self.held_on and self.follow_up_on and self.follow_up_on < self.held_on:
            errors["follow_up_on"] = "This must be on or after the day of the meeting."
        if errors:
            raise ValidationError(errors)
