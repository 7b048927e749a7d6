"""Outcome measures: Outcomes Star readings and SDQ questionnaires, scores only (docs/outcome-measures.md).

Registered under the provision app (imported by provision.models), so the tables are the app's.
"""

import uuid

from django.db import models
from django.utils import timezone

from pastoral.dates import uk_date
from pastoral.models import Pupil, School, User

from . import sdq, stars


class StarReading(models.Model):
    """One Outcomes Star reading for one pupil: a score and a note per outcome area of that star and edition."""

    class CompletedWith(models.TextChoices):
        COLLABORATIVE = "collaborative", "Collaboratively with the pupil"
        WORKER_ONLY = "worker_only", "Worker only (the pupil did not take part)"
        RETROSPECTIVE = "retrospective", "Retrospective"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="star_readings")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="star_readings")
    # Plain codes from stars.STARS: adding a star or edition needs no migration.
    star = models.CharField(max_length=30)
    edition = models.CharField(max_length=10)
    taken_on = models.DateField("date of the reading", default=timezone.localdate)
    completed_with = models.CharField("completed", max_length=20, choices=CompletedWith)
    scores = models.JSONField(default=dict)
    notes = models.JSONField(default=dict, blank=True)
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["taken_on", "pk"]
        default_permissions = ()
        permissions = [
            ("record_outcomes", "Record outcome measures and pupil voice"),
            ("view_outcomes", "Read every pupil's outcome measures and pupil voice in the school"),
            ("view_outcome_counts", "See counts of pupils improving on outcome measures in reports"),
            ("request_review_pack", "Request a pupil's annual-review pack"),
        ]
        indexes = [
            models.Index(fields=["pupil", "star", "edition", "taken_on"], name="provision_star_pupil_idx"),
            models.Index(fields=["school", "taken_on", "id"], name="provision_star_school_idx"),
        ]

    def __str__(self):
        return f"{self.star_label} reading, {uk_date(self.taken_on)}"

    @property
    def spec(self):
        return stars.edition(self.star, self.edition)

    @property
    def star_label(self):
        star = stars.get(self.star)
        spec = self.spec
        if star is None or spec is None:
            return f"{self.star} ({self.edition})"
        return f"{star.label} ({spec.label.lower()})"

    @property
    def average(self):
        values = [int(value) for value in self.scores.values()]
        return round(sum(values) / len(values), 2) if values else None

    def area_rows(self):
        spec = self.spec
        areas = spec.areas if spec else [(key, key) for key in self.scores]
        return [(key, label, self.scores.get(key), self.notes.get(key, "")) for key, label in areas]


class SdqResponse(models.Model):
    """One completed SDQ: the 25 responses as entered and the impact answers; every score is computed."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sdq_responses")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="sdq_responses")
    informant = models.CharField(max_length=10, choices=list(sdq.INFORMANTS.items()))
    form_version = models.CharField(max_length=10)
    follow_up = models.BooleanField("follow-up version (rates the last month)", default=False)
    completed_on = models.DateField("completed on", default=timezone.localdate)
    respondent = models.CharField("completed by", max_length=200, blank=True)
    # 25 values, each 0, 1, 2 or null (not answered), in the printed form's order.
    items = models.JSONField(default=list)
    # "" unanswered, "no" or "yes": did the respondent say the pupil has difficulties?
    difficulties = models.CharField(max_length=3, blank=True)
    impact = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["completed_on", "pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["pupil", "informant", "completed_on"], name="provision_sdq_pupil_idx"),
            models.Index(fields=["school", "completed_on", "id"], name="provision_sdq_school_idx"),
        ]

    def __str__(self):
        return f"SDQ ({self.get_informant_display().lower()}), {uk_date(self.completed_on)}"

    @property
    def result(self):
        if not hasattr(self, "_result"):
            self._result = sdq.score(self.informant, self.items, self.difficulties, self.impact)
        return self._result
