"""Keywork: who keyworks which pupil, how often they agreed to meet, and the sessions and check-ins they log.

Registered under the provision app (imported by provision.models), so the tables are the app's.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pastoral.dates import uk_date
from pastoral.models import Pupil, School, User


class KeyworkAssignment(models.Model):
    """One keyworker for one pupil from a start date, until ended. A pupil may have several at once."""

    class Frequency(models.IntegerChoices):
        DAILY = 1, "Every day"
        TWICE_WEEKLY = 3, "Twice a week"
        WEEKLY = 7, "Every week"
        FORTNIGHTLY = 14, "Every fortnight"
        MONTHLY = 28, "Every four weeks"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="keywork_assignments")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="keywork_assignments")
    keyworker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="keywork_assignments")
    starts_on = models.DateField("starts on", default=timezone.localdate)
    ends_on = models.DateField("ended on", null=True, blank=True)
    frequency_days = models.PositiveSmallIntegerField(
        "agreed contact", choices=Frequency, default=Frequency.WEEKLY, help_text="How often they agreed to meet."
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_on", "pk"]
        default_permissions = ()
        permissions = [
            ("keywork", "Keywork pupils: a caseload, sessions and check-ins for their own keywork pupils"),
            ("view_all_keywork", "Read every keywork note of the school"),
            ("manage_keywork", "Assign and end keyworkers"),
            ("view_keyworker", "See who a pupil's keyworkers are"),
            ("view_keywork_counts", "See keywork and intervention counts in reports"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "keyworker"], condition=Q(ends_on__isnull=True), name="provision_keywork_one_open"
            ),
        ]
        indexes = [models.Index(fields=["keyworker", "ends_on"], name="provision_kw_caseload_idx")]

    def __str__(self):
        return f"{self.keyworker} for {self.pupil}"

    @property
    def current(self):
        return self.ends_on is None


class KeyworkSession(models.Model):
    """A planned 1:1, a check-in, crisis support or a phone call home, with the pupil's own rating of their mood."""

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned 1:1"
        CHECK_IN = "check_in", "Check-in"
        CRISIS = "crisis", "Crisis support"
        PHONE_HOME = "phone_home", "Phone call home"

    class Zone(models.TextChoices):
        BLUE = "blue", "Blue zone (low, tired, sad)"
        GREEN = "green", "Green zone (calm, ready)"
        YELLOW = "yellow", "Yellow zone (worried, excited)"
        RED = "red", "Red zone (angry, out of control)"

    MOODS = {1: "Very low", 2: "Low", 3: "OK", 4: "Good", 5: "Very good"}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="keywork_sessions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="keywork_sessions")
    held_on = models.DateField("date", default=timezone.localdate)
    minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=15, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    kind = models.CharField("type", max_length=12, choices=Kind, default=Kind.CHECK_IN)
    mood = models.PositiveSmallIntegerField(
        "mood (1–5)", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    zone = models.CharField("Zones colour", max_length=8, choices=Zone, blank=True)
    discussion = models.TextField("what was discussed", blank=True)
    next_on = models.DateField("next session", null=True, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["pupil", "-held_on"], name="provision_kw_session_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} on {uk_date(self.held_on)}"

    @property
    def mood_label(self):
        return self.MOODS.get(self.mood, "")


class KeyworkAction(models.Model):
    """Something agreed in a session: who does it, by when, and when it was done."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(KeyworkSession, on_delete=models.PROTECT, related_name="actions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="keywork_actions")
    text = models.CharField("action", max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="keywork_actions")
    due_on = models.DateField("due on")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["pupil", "done_at"], name="provision_kw_action_idx")]

    def __str__(self):
        return self.text

    @property
    def overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()
