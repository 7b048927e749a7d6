"""Allegations and low-level concerns about adults who work with the school's pupils (KCSIE Part four).

Registered under the safeguarding app (imported by safeguarding.models), so the tables and migrations are the
safeguarding app's. Nothing here is deleted: a false or malicious allegation is marked for removal from the
personnel record (which the school keeps elsewhere), and this record keeps the mark.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral.models import School, User

# A record kept because of its outcome: until the person's normal pension age or this many years from the
# allegation, whichever is longer (KCSIE Part four, see docs/adult-allegations.md).
KEEP_YEARS = 10


class AdultCaseSettings(models.Model):
    """How one school handles its cases about adults. Changed only by its headteacher."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="adult_case_settings")
    dsl_shares_case_management = models.BooleanField(
        "DSL shares case management of adult allegations",
        default=False,
        help_text="The DSL and deputies read and work these cases with the headteacher (never one about themselves).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return "Settings for concerns about adults"


class AdultCase(models.Model):
    """One allegation or low-level concern about one adult."""

    class Kind(models.TextChoices):
        ALLEGATION = "allegation", "Allegation (may meet the harm threshold)"
        LOW_LEVEL = "low_level", "Low-level concern"

    class SubjectCategory(models.TextChoices):
        STAFF = "staff", "Member of staff"
        SUPPLY = "supply", "Supply staff"
        VOLUNTEER = "volunteer", "Volunteer"
        CONTRACTOR = "contractor", "Contractor"

    class Behaviour(models.TextChoices):
        PHYSICAL = "physical", "Physical contact or harm"
        BOUNDARIES = "boundaries", "Over-familiar / blurred boundaries"
        FAVOURITISM = "favouritism", "Favouritism or singling a child out"
        COMMUNICATION = "communication", "Communication outside agreed channels (including online)"
        LANGUAGE = "language", "Inappropriate, offensive or humiliating language"
        ALONE = "alone", "Alone with a child where others cannot see"
        PHOTOS = "photos", "Photos or recordings on a personal device"
        SEXUAL = "sexual", "Sexual behaviour or comments"
        CONDUCT = "conduct", "Other conduct outside the code of conduct"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONCLUDED = "concluded", "Concluded"

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", "Substantiated"
        UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
        UNFOUNDED = "unfounded", "Unfounded"
        FALSE = "false", "False"
        MALICIOUS = "malicious", "Malicious"

    class Retention(models.TextChoices):
        KEEP = "keep", "Keep on the personnel file until normal pension age or 10 years, whichever is longer"
        REMOVE = "remove", "Remove from the personnel record (false or malicious)"
        UNTIL_LEAVES = "until_leaves", "Keep at least until the person leaves employment (low-level concern)"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="adult_cases")
    kind = models.CharField(max_length=12, choices=Kind)
    # Who it is about: a staff account of the school, or a name typed in (supply, volunteers, contractors).
    subject_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="member of staff"
    )
    subject_name = models.CharField("name", max_length=120, blank=True)
    subject_category = models.CharField("they are", max_length=12, choices=SubjectCategory)
    # Set when raised about a current headteacher of the school: the trust's named person manages it.
    about_headteacher = models.BooleanField(default=False, editable=False)
    behaviour = models.CharField("what kind of behaviour", max_length=16, choices=Behaviour)
    occurred_on = models.DateField("when it happened")
    account = models.TextField("what happened", help_text="What you saw or were told, in the words used.")
    children = models.TextField("children involved", blank=True, help_text="Names, year groups; leave blank if none.")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    # Allegations: the LADO within one working day, the strategy discussion, any suspension.
    lado_referred_on = models.DateField("referred to the LADO on", null=True, blank=True)
    lado_referred_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="referred by"
    )
    lado_advice = models.TextField("the LADO's advice", blank=True)
    lado_late_reason = models.TextField("why later than one working day", blank=True)
    strategy_meeting_on = models.DateField("strategy meeting on", null=True, blank=True)
    strategy_notes = models.TextField("what the strategy meeting agreed", blank=True)
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    suspension_reason = models.TextField("why suspension was (or was not) needed", blank=True)
    # Concluding: an allegation's outcome, or what was done about a low-level concern.
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    conclusion = models.TextField("reasons and action taken", blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    retention = models.CharField(max_length=14, choices=Retention, blank=True)
    pension_age_on = models.DateField("the person reaches normal pension age on", null=True, blank=True)
    retain_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        default_permissions = ()
        permissions = [
            ("raise_adult_concern", "Raise a concern or allegation about an adult"),
            ("manage_adult_cases", "As case manager, read and work concerns and allegations about adults"),
            ("manage_adult_cases_about_head", "As the trust's named person, manage cases about a headteacher"),
            ("share_adult_cases", "As DSL, work cases about adults where the school has chosen so"),
            ("view_adult_case_counts", "See counts of cases about adults in the termly report"),
        ]
        indexes = [models.Index(fields=["school", "-raised_at"])]
        constraints = [
            models.UniqueConstraint(fields=["raised_by", "submission_key"], name="adult_case_unique_submission"),
            models.CheckConstraint(
                condition=~models.Q(subject_user__isnull=True, subject_name=""), name="adult_case_has_subject"
            ),
        ]

    def __str__(self):
        # Shown in audit timelines: never the name of the person it is about.
        return f"Case about an adult {self.reference}"

    @property
    def reference(self):
        return f"A-{str(self.code)[:8].upper()}"

    @property
    def subject_display(self):
        return str(self.subject_user) if self.subject_user_id else self.subject_name

    @property
    def is_allegation(self):
        return self.kind == self.Kind.ALLEGATION

    def clean(self):
        errors = {}
        if not self.subject_user_id and not self.subject_name.strip():
            errors["subject_name"] = "Choose the member of staff or type the person's name."
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "This cannot be in the future."
        if self.suspended_from and self.suspended_until and self.suspended_until < self.suspended_from:
            errors["suspended_until"] = "The suspension cannot end before it starts."
        if self.outcome and not self.is_allegation:
            errors["outcome"] = "Outcomes are for allegations; record what was done about a low-level concern."
        if errors:
            raise ValidationError(errors)


def retention_for(case, concluded_on):
    """(rule, keep until) for a concluded case: the rule is recorded on the case with the date it gives."""
    if case.kind == AdultCase.Kind.LOW_LEVEL:
        return AdultCase.Retention.UNTIL_LEAVES, None
    if case.outcome in (AdultCase.Outcome.FALSE, AdultCase.Outcome.MALICIOUS):
        return AdultCase.Retention.REMOVE, None
    start = timezone.localdate(case.raised_at) if case.raised_at else concluded_on
    try:
        ten_years = start.replace(year=start.year + KEEP_YEARS)
    except ValueError:  # 29 February
        ten_years = start.replace(year=start.year + KEEP_YEARS, day=28)
    keep = max(ten_years, case.pension_age_on) if case.pension_age_on else ten_years
    return AdultCase.Retention.KEEP, keep


class AdultConcernReview(models.Model):
    """The case manager's termly look across the school's low-level concerns for patterns."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="adult_concern_reviews")
    reviewed_on = models.DateField(default=timezone.localdate)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(help_text="Patterns seen, and what will be done about them.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        default_permissions = ()

    def __str__(self):
        return f"Review of low-level concerns on {self.reviewed_on:%d/%m/%Y}"
