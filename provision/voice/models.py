"""Pupil voice: what a pupil said, in their words, kept for their reviews."""

import uuid

from django.db import models
from django.utils import timezone

from pastoral.dates import uk_date
from pastoral.models import Pupil, School, User


class PupilVoice(models.Model):
    class How(models.TextChoices):
        CONVERSATION = "conversation", "Conversation"
        KEYWORK = "keywork", "During a keywork session"
        WRITTEN = "written", "Written by the pupil"
        DRAWING = "drawing", "Drawing or visual"
        QUESTIONNAIRE = "questionnaire", "Questionnaire or all-about-me form"
        SCALING = "scaling", "Scaling or talking mat"
        MEETING = "meeting", "At a review meeting"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupil_voices")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="pupil_voices")
    said = models.TextField("what the pupil said, in their words")
    how = models.CharField("how it was gathered", max_length=20, choices=How)
    how_detail = models.CharField("more about how", max_length=300, blank=True)
    with_whom = models.CharField("gathered by or with", max_length=300)
    gathered_on = models.DateField("date", default=timezone.localdate)
    for_ehcp_review = models.BooleanField("for the EHCP annual review", default=False)
    for_plan_review = models.BooleanField("for a support-plan review", default=False)
    for_placement_review = models.BooleanField("for a placement review", default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-gathered_on", "-pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["pupil", "gathered_on"], name="provision_voice_pupil_idx"),
            models.Index(fields=["school", "gathered_on", "id"], name="provision_voice_school_idx"),
        ]

    def __str__(self):
        return f"Pupil voice, {uk_date(self.gathered_on)}"

    @property
    def tags(self):
        return [
            label
            for flag, label in (
                (self.for_ehcp_review, "EHCP annual review"),
                (self.for_plan_review, "Support-plan review"),
                (self.for_placement_review, "Placement review"),
            )
            if flag
        ]
