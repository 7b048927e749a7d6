"""Detentions: the school's kinds of detention, their dated sessions, the pupils set one, and the notice sent home.
Registered under the behaviour app (imported by behaviour.models), so the tables keep its name."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pastoral import titles
from pastoral.models import FamilyContact, Pupil, School, User, Voidable

from ..events.models import BehaviourCategory, BehaviourEvent

# The behaviour advice: where the school's policy asks for it, parents get 24 hours' written notice of a
# detention outside school hours (after school). The hours are kept per school, this is the default.
DEFAULT_NOTICE_HOURS = 24


class DetentionPolicy(models.Model):
    """A school's detention settings. A school without a row uses the defaults."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="detention_policy")
    notice_hours = models.PositiveSmallIntegerField(
        "hours of notice", default=DEFAULT_NOTICE_HOURS, validators=[MaxValueValidator(168)]
    )
    email_notice = models.BooleanField(
        "email families too",
        default=False,
        help_text="Also email the first family contact with an email address. The email names no child: it says a "
        "detention has been set and to read the letter or contact the school.",
    )

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Detention policy: {self.school}"


class DetentionType(models.Model):
    class Kind(models.TextChoices):
        BREAK = "break", "Break"
        LUNCH = "lunch", "Lunch"
        AFTER_SCHOOL = "after_school", "After school"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="detention_types")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.AFTER_SCHOOL)
    start_time = models.TimeField("starts at")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", validators=[MinValueValidator(5), MaxValueValidator(180)]
    )
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(200)])
    location = models.CharField(max_length=80)
    run_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="run by"
    )
    notice_required = models.BooleanField(
        "written notice to parents required",
        default=False,
        help_text="Parents must have the school's notice (24 hours by default) before the detention.",
    )
    weekdays = models.CharField(max_length=7, default="01234", help_text="Weekdays it runs on, Monday 0 to Friday 4")
    # What happens when a pupil misses one of these.
    escalate_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="if missed, set",
        help_text="The detention a pupil who misses this one is set instead (usually a longer one).",
    )
    escalate_category = models.ForeignKey(
        BehaviourCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="if missed, log",
        help_text="A negative behaviour event logged for the pupil when this detention is missed.",
    )
    notify_pastoral_lead = models.BooleanField("if missed, tell the pastoral leads", default=False)
    notify_setter = models.BooleanField("if missed, tell whoever set it", default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["school", "start_time", "name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="detention_type_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.weekdays and (set(self.weekdays) - set("01234") or len(set(self.weekdays)) != len(self.weekdays)):
            errors["weekdays"] = "Give weekdays as digits 0 (Monday) to 4 (Friday), each once."
        if self.escalate_to_id:
            if self.pk and self.escalate_to_id == self.pk:
                errors["escalate_to"] = "A detention cannot escalate to itself."
            elif self.escalate_to.school_id != self.school_id:
                errors["escalate_to"] = "Choose one of this school's detentions."
        if self.escalate_category_id:
            category = self.escalate_category
            if category.school_id != self.school_id or category.kind != BehaviourCategory.Kind.NEGATIVE:
                errors["escalate_category"] = "Choose one of this school's negative categories."
        if errors:
            raise ValidationError(errors)


class DetentionSession(models.Model):
    """One dated sitting of a detention type, with its own room, time, capacity and member of staff."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="detention_sessions")
    type = models.ForeignKey(DetentionType, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    start_time = models.TimeField("starts at")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", validators=[MinValueValidator(5), MaxValueValidator(180)]
    )
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(200)])
    location = models.CharField(max_length=80)
    run_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="run by"
    )
    # Set by the end-of-session check when pupils were left unmarked and whoever runs it was told.
    unmarked_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["type", "date"], name="detention_session_one_a_day")]
        indexes = [models.Index(fields=["school", "date", "start_time", "id"])]

    def __str__(self):
        return f"{self.type.name}, {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    @property
    def starts_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Detention(Voidable):
    class Status(models.TextChoices):
        SET = "set", "Set"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        EXCUSED = "excused", "Excused"
        RESCHEDULED = "rescheduled", "Rescheduled"

    # Still to happen, or happened: the places a session's capacity counts.
    TAKES_A_PLACE = [Status.SET, Status.ATTENDED, Status.MISSED, Status.EXCUSED]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="detentions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="detentions")
    session = models.ForeignKey(DetentionSession, on_delete=models.PROTECT, related_name="detentions")
    # Copied from the session so a pupil's list pages by it.
    starts_at = models.DateTimeField()
    event = models.ForeignKey(
        BehaviourEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="detentions"
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.SET)
    notice_required = models.BooleanField(default=False)
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)
    mark_note = models.CharField("note", max_length=200, blank=True)
    # A missed detention's escalation: the detention set in its place and the event logged for it.
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    rescheduled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reschedules"
    )
    escalation_event = models.ForeignKey(
        BehaviourEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_note = models.CharField(max_length=300, blank=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        default_permissions = ()
        permissions = [
            ("set_detention", "Set detentions"),
            ("manage_detentions", "Manage detention types and sessions, and mark attendance"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "session"],
                condition=Q(voided_at__isnull=True) & ~Q(status="rescheduled"),
                name="detention_once_a_session",
            )
        ]
        indexes = [
            models.Index(fields=["pupil", "-starts_at", "-id"]),
            models.Index(fields=["session", "status"]),
        ]

    def __str__(self):
        return f"Detention: {self.session}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        return titles.record_title([self.pupil.display_name], "Detention", self.starts_at)

    @property
    def is_open(self):
        return self.status == self.Status.SET and not self.voided_at


class DetentionNotice(models.Model):
    """Notice of a detention sent home: the written notice (a letter, the planner) or the email nudge."""

    class Method(models.TextChoices):
        LETTER = "letter", "Letter"
        PLANNER = "planner", "Written in the pupil's planner"
        EMAIL = "email", "Email (no child named: points to the letter)"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"

    WRITTEN = [Method.LETTER, Method.PLANNER]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    detention = models.ForeignKey(Detention, on_delete=models.PROTECT, related_name="notices")
    method = models.CharField(max_length=10, choices=Method)
    contact = models.ForeignKey(FamilyContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Empty until the email leaves the outbox.
    sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["detention", "recorded_at"])]

    def __str__(self):
        return f"{self.get_method_display()} notice"
