"""Behaviour rules a school configures: a trigger over a pupil's events, and what happens when it is reached (staff
told in the app, a task, a letter home, a detention suggested). Registered under the behaviour app (imported by
behaviour.models), so the tables keep its name."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.models import Pupil, School, User

from ..events.models import BehaviourCategory, BehaviourEvent

# Hits are kept once per pupil, rule and block of `period_days` days counted from this Monday, so a rule that
# keeps being met in the same block fires once. The live check and the trial share it.
WINDOW_ANCHOR = datetime.date(2001, 1, 1)
RISING_KEY = "rising"


class LetterTemplate(models.Model):
    """A letter home the school writes once; placeholders such as {{ pupil_name }} are filled in for each pupil."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_letter_templates")
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, help_text="The letter's heading, e.g. Behaviour this week")
    body = models.TextField(help_text="Plain text. Placeholders are listed beside the form.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="behaviour_letter_template_unique_name")]

    def __str__(self):
        return self.name


class BehaviourRule(models.Model):
    """When a pupil's events reach the trigger, the chosen actions happen once for that pupil in that window."""

    class Trigger(models.TextChoices):
        COUNT = "count", "A number of events of the chosen categories within the period"
        POINTS = "points", "A points total within the period"
        FIRST = "first", "The first event of a chosen category within the period"
        RISING = "rising", "Negative events well above the pupil's own usual level"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_rules")
    name = models.CharField(max_length=100)
    # "rising" for the school's negative-behaviour-rising rule, which the home page's panel reads.
    key = models.CharField(max_length=20, blank=True, editable=False)
    active = models.BooleanField("switched on", default=False)
    trigger = models.CharField(max_length=10, choices=Trigger, default=Trigger.COUNT)
    categories = models.ManyToManyField(
        BehaviourCategory,
        blank=True,
        related_name="+",
        help_text="For a points total, leave empty to count every category",
    )
    threshold = models.SmallIntegerField(
        "how many",
        default=3,
        help_text="Events to reach; for points, the total (negative, e.g. -10, or positive, e.g. 50)",
    )
    period_days = models.PositiveSmallIntegerField(
        "within (days)", default=7, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    baseline_weeks = models.PositiveSmallIntegerField(
        "usual level over (weeks)", default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    factor = models.PositiveSmallIntegerField(
        "times the usual level", default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # Actions.
    notify_keyworker = models.BooleanField("tell the pupil's keyworker (tutor)", default=False)
    notify_pastoral_leads = models.BooleanField("tell the pastoral leads", default=False)
    notify_staff = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="also tell",
        help_text="e.g. the year lead",
    )
    task_owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="task for",
        help_text="Leave empty for no task",
    )
    task_text = models.CharField("task", max_length=200, blank=True)
    task_due_days = models.PositiveSmallIntegerField(
        "task due after (days)", default=3, validators=[MaxValueValidator(60)]
    )
    letter_template = models.ForeignKey(
        LetterTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name="letter to parents",
        help_text="Leave empty for no letter",
    )
    suggest_detention = models.BooleanField("suggest a detention", default=False)
    # The last trial against a past term.
    trial_hits = models.PositiveIntegerField(null=True, blank=True, editable=False)
    trial_pupils = models.PositiveIntegerField(null=True, blank=True, editable=False)
    trial_start = models.DateField(null=True, blank=True, editable=False)
    trial_end = models.DateField(null=True, blank=True, editable=False)
    trial_ran_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        default_permissions = ()
        permissions = [("manage_rules", "Manage behaviour rules and letter templates")]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="behaviour_rule_unique_name"),
            models.UniqueConstraint(
                fields=["school", "key"], condition=~models.Q(key=""), name="behaviour_rule_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["school"], condition=models.Q(active=True), name="behaviour_rule_active_idx")]

    def __str__(self):
        return self.name

    @property
    def is_points(self):
        return self.trigger == self.Trigger.POINTS

    def describe(self):
        """The trigger in one sentence."""
        days = f"{self.period_days} day{'s' if self.period_days != 1 else ''}"
        if self.trigger == self.Trigger.RISING:
            return (
                f"At least {self.threshold} negative events in the last {days}, and at least {self.factor} times the "
                f"pupil's own average for that length of time over the {self.baseline_weeks} weeks before."
            )
        if self.trigger == self.Trigger.POINTS:
            sign = "or fewer" if self.threshold < 0 else "or more"
            return f"{self.threshold} points {sign} within {days}."
        if self.trigger == self.Trigger.FIRST:
            return f"The first event of the chosen categories within {days}."
        return f"{self.threshold} or more events of the chosen categories within {days}."

    def window_start(self, day):
        """The first day of the block of `period_days` days holding `day`: a hit's once-only key."""
        blocks = (day - WINDOW_ANCHOR).days // self.period_days
        return WINDOW_ANCHOR + datetime.timedelta(days=blocks * self.period_days)

    def clean(self):
        errors = {}
        if self.trigger == self.Trigger.POINTS and self.threshold == 0:
            errors["threshold"] = "A points total must be below or above zero."
        if self.trigger in (self.Trigger.COUNT, self.Trigger.RISING) and self.threshold < 1:
            errors["threshold"] = "Give at least one event."
        if self.task_owner_id and not self.task_text:
            errors["task_text"] = "Say what the task is."
        if self.letter_template_id and self.school_id and self.letter_template.school_id != self.school_id:
            errors["letter_template"] = "This letter belongs to another school."
        if errors:
            raise ValidationError(errors)


class BehaviourRuleHit(models.Model):
    """A rule reached by a pupil: the in-app alert its staff see, with the task, letter and suggestion it made."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="behaviour_rule_hits")
    rule = models.ForeignKey(BehaviourRule, on_delete=models.PROTECT, related_name="hits")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour_rule_hits")
    window_start = models.DateField()
    fired_at = models.DateTimeField(default=timezone.now)
    # What reached the rule, in words ("4 events within 7 days").
    summary = models.CharField(max_length=200)
    events = models.ManyToManyField(BehaviourEvent, related_name="rule_hits")
    notified = models.ManyToManyField(User, through="BehaviourRuleRecipient", related_name="behaviour_rule_hits")
    detention_suggested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-fired_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["rule", "pupil", "window_start"], name="behaviour_rule_hit_once_per_window")
        ]
        indexes = [
            models.Index(fields=["school", "-fired_at", "-id"]),
            models.Index(fields=["pupil", "-fired_at"]),
        ]

    def __str__(self):
        return f"{self.rule.name}: {self.summary}"

    @property
    def reference(self):
        return titles.reference(self.code)


class BehaviourRuleRecipient(models.Model):
    """A member of staff told of a hit, and when they first opened it."""

    hit = models.ForeignKey(BehaviourRuleHit, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["hit", "user"], name="behaviour_rule_recipient_unique")]
        indexes = [models.Index(fields=["user", "seen_at"])]


class BehaviourRuleTask(models.Model):
    """Something a rule asks a named member of staff to do by a date; shown on their home page until done."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hit = models.OneToOneField(BehaviourRuleHit, on_delete=models.PROTECT, related_name="task")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["owner", "due_on"], condition=models.Q(done_at__isnull=True), name="rule_task_open_idx"
            )
        ]

    def __str__(self):
        return self.description

    @property
    def overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()


class BehaviourRuleLetter(models.Model):
    """A letter to parents a rule queued: the template's text filled in when it was queued, then marked sent."""

    class SentHow(models.TextChoices):
        POST = "post", "Post"
        EMAIL = "email", "Email"
        HAND = "hand", "By hand (given to the pupil or a parent)"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hit = models.OneToOneField(BehaviourRuleHit, on_delete=models.PROTECT, related_name="letter")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_how = models.CharField(max_length=10, choices=SentHow, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-queued_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["sent_at"], condition=models.Q(sent_at__isnull=True), name="rule_letter_queued_idx")
        ]

    def __str__(self):
        return self.subject

    @property
    def reference(self):
        return titles.reference(self.code)
