"""Safeguarding records: concerns and the DSL's case work, referrals, and child-protection file transfers.

Nothing here is ever deleted (every foreign key protects), and recorded text is
corrected by an Amendment that keeps the old wording, never by overwriting it.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.dates import uk_date
from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, User

KCSIE_CATEGORIES = [
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Neglect",
    "Child-on-child abuse (including sexual violence and harassment)",
    "Online safety",
    "Domestic abuse",
    "Child criminal / sexual exploitation",
    "County lines",
    "Radicalisation / Prevent",
    "FGM",
    "Mental health",
    "Attendance / children missing education",
    "Other",
]


class ConcernCategory(models.Model):
    """A school's own list, seeded from the KCSIE categories the first time the school uses it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="concern_categories")
    name = models.CharField(max_length=120)
    active = models.BooleanField(
        default=True, help_text="Inactive categories stay on old concerns but cannot be chosen"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="concern_category_unique_name")]

    def __str__(self):
        return self.name


class Concern(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        NFA = "nfa", "No further action"
        MONITOR = "monitor", "Monitor"
        EARLY_HELP = "early_help", "Early help"
        CSC = "csc", "Referral to children's social care"
        POLICE = "police", "Referral to police"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="concerns")
    pupils = models.ManyToManyField(Pupil, related_name="concerns")
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="concerns_raised")
    reported_at = models.DateTimeField(default=timezone.now)
    occurred_at = models.DateTimeField("date and time of the disclosure or observation")
    location = models.CharField(max_length=120, blank=True)
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="concerns")
    account = models.TextField("what was seen or heard")
    child_words = models.TextField("the child's own words", blank=True)
    immediate_action = models.TextField("immediate action taken", blank=True)
    others_informed = models.TextField("other people informed", blank=True)
    urgent = models.BooleanField("child at immediate risk", default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns_owned")
    decision = models.CharField(max_length=20, choices=Decision, blank=True)
    outcome = models.TextField(blank=True)
    referral_made = models.BooleanField(null=True)
    referral_rationale = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked = models.ManyToManyField("self", blank=True, symmetrical=True)
    submission_key = models.UUIDField(editable=False)
    # The first time a DSL or deputy opened it, and when an unopened urgent concern was escalated (once).
    first_opened_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        default_permissions = ()
        permissions = [
            ("raise_concern", "Raise a safeguarding concern"),
            ("view_concerns", "Read every safeguarding concern of the school"),
            ("manage_concerns", "Triage and work safeguarding concerns, referrals and file transfers"),
            ("see_record_marker", "Know that a pupil has safeguarding records (no detail)"),
            ("read_concern", "Read this one concern (granted per record by the DSL)"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "submission_key"], name="concern_unique_submission"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "-reported_at"]),
            models.Index(fields=["reporter", "-reported_at"]),
            # The escalation sweep every few minutes reads only urgent concerns nobody has opened yet.
            models.Index(
                fields=["reported_at"],
                condition=models.Q(urgent=True, first_opened_at__isnull=True, escalated_at__isnull=True),
                name="concern_urgent_unopened",
            ),
        ]

    def __str__(self):
        return f"Safeguarding concern {str(self.code)[:8]}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """How staff name a concern: by child and date ("Jay Smith, 3 Dec 2026"); the reference stays for paper
        and phone calls. Reads `pupils` through any prefetch, so lists prefetch it."""
        return f"{titles.pupil_names(p.display_name for p in self.pupils.all())}, {uk_date(self.reported_at)}"


class EscalationPolicy(models.Model):
    """A school's clock for urgent concerns: how long one may stay unopened, counted in school hours."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="safeguarding_escalation")
    urgent_unopened_minutes = models.PositiveSmallIntegerField(
        "minutes an urgent concern may stay unopened",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text="Counted in school hours on school days. Then the deputy DSLs and the headteacher are told.",
    )
    day_starts = models.TimeField("school day starts", default=datetime.time(8, 30))
    day_ends = models.TimeField("school day ends", default=datetime.time(16, 0))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Escalation for {self.school}"

    def clean(self):
        if self.day_starts and self.day_ends and self.day_starts >= self.day_ends:
            raise ValidationError({"day_ends": "The school day must end after it starts."})


class BodyMark(models.Model):
    """One mark on the body map, in the outline's own coordinates (0–100 across, 0–200 down)."""

    class Side(models.TextChoices):
        FRONT = "front", "Front"
        BACK = "back", "Back"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="marks")
    side = models.CharField(max_length=5, choices=Side)
    x = models.DecimalField(max_digits=5, decimal_places=1)
    y = models.DecimalField(max_digits=5, decimal_places=1)
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(x__gte=0, x__lte=100, y__gte=0, y__lte=200), name="mark_in_box"),
        ]


def attachment_path(instance, filename):
    # Random, with the extension of the type the content was checked to be; the uploader's name is kept in `name`.
    return f"safeguarding/{instance.concern.school.code}/{stored_name(instance.content_type)}"


class Attachment(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        default_permissions = ()

    def __str__(self):
        return self.name


class DecisionRecord(models.Model):
    """Every triage decision with its reason: the history, not just the latest."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Concern.Decision)
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at"]
        default_permissions = ()

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "Record the reason for this decision."})


class CaseAction(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="safeguarding_actions")
    due_on = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["due_on", "done_at"])]


class CaseNote(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        default_permissions = ()


class Amendment(models.Model):
    """A correction to a concern's recorded text: the old and new wording, who and why."""

    FIELDS = {
        "account": "What was seen or heard",
        "child_words": "The child's own words",
        "immediate_action": "Immediate action taken",
        "others_informed": "Other people informed",
        "location": "Location",
    }

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField(max_length=30, choices=list(FIELDS.items()))
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["amended_at"]
        default_permissions = ()


class Notification(models.Model):
    """In-app: a concern for this person to look at."""

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="safeguarding_notifications")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["recipient", "read_at"])]


class Referral(models.Model):
    class Agency(models.TextChoices):
        CSC = "csc", "Children's social care / MASH"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early Help"
        CAMHS = "camhs", "CAMHS"
        LADO = "lado", "LADO (allegation about staff)"
        PREVENT = "prevent", "Prevent / Channel"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="referrals")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="referrals")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="referrals")
    agency = models.CharField(max_length=20, choices=Agency)
    referred_on = models.DateField()
    reference = models.CharField("reference number", max_length=60, blank=True)
    follow_up_due = models.DateField("follow-up due", null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "follow_up_due"])]

    def __str__(self):
        return f"Referral to {self.get_agency_display()}"

    @property
    def overdue(self):
        return not self.outcome and self.follow_up_due is not None and self.follow_up_due < timezone.localdate()


class FileTransfer(models.Model):
    """Sending a leaver's child-protection file to the next school, with the KCSIE deadline."""

    class Kind(models.TextChoices):
        IN_YEAR = "in_year", "In-year move (5 school days after leaving)"
        NEW_TERM = "new_term", "Start of a new term (first 5 school days)"

    class Method(models.TextChoices):
        SECURE_ELECTRONIC = "secure_electronic", "Secure electronic transfer"
        HAND = "hand", "Hand delivery"
        TRACKED_POST = "tracked_post", "Tracked post"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cp_transfers")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cp_transfers")
    kind = models.CharField(max_length=10, choices=Kind)
    leave_date = models.DateField()
    due_by = models.DateField()
    destination = models.CharField("destination school", max_length=200, blank=True)
    destination_urn = models.CharField("destination URN", max_length=8, blank=True)
    destination_unknown = models.BooleanField(default=False, help_text="Archive the file securely instead")
    advance_information = models.TextField("information shared before the pupil left", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=Method, blank=True)
    receipt_confirmed_on = models.DateField(null=True, blank=True)
    receipt_confirmed_by = models.CharField(
        "receipt confirmed by", max_length=200, blank=True, help_text="Name and role at the receiving school"
    )

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["due_by"]
        default_permissions = ()
        indexes = [models.Index(fields=["school", "due_by"])]

    def __str__(self):
        return f"CP file transfer for {self.pupil}"

    @property
    def status(self):
        if self.destination_unknown:
            return "archived"
        if self.receipt_confirmed_on:
            return "receipted"
        if self.sent_at:
            return "sent"
        if self.due_by < timezone.localdate():
            return "overdue"
        return "pending"


def incoming_path(instance, filename):
    return f"safeguarding/{instance.school.code}/incoming/{stored_name(instance.content_type)}"


class IncomingFile(models.Model):
    """A CP file received from a pupil's previous school."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cp_incoming")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cp_incoming")
    from_school = models.CharField("previous school", max_length=200)
    received_on = models.DateField()
    file = models.FileField(upload_to=incoming_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    # Generated with the form; the same form sent twice finds the record it made instead of a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-received_on"]
        default_permissions = ()


class ExpectedFile(models.Model):
    """A child-protection file the school is waiting for from a new pupil's previous school, chased until it
    arrives. KCSIE expects the old school to send it within five school days; the receiving school chases one
    that has not arrived. Closed, never deleted, when the previous school confirms there is none."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cp_expected")
    from_school = models.CharField("previous school", max_length=200)
    expected_by = models.DateField("expected by")
    received = models.OneToOneField(
        IncomingFile, null=True, blank=True, on_delete=models.PROTECT, related_name="expectation"
    )
    last_chased_on = models.DateField("last chased", null=True, blank=True)
    chase_note = models.CharField("how it was chased", max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expected_by"]
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["school", "expected_by"],
                condition=models.Q(received__isnull=True, closed_at__isnull=True),
                name="safeguarding_expected_open",
            )
        ]

    def __str__(self):
        return f"CP file expected from {self.from_school}"

    @property
    def is_open(self):
        return self.received_id is None and self.closed_at is None


# Concerns and allegations about adults live in their sub-area; imported here so Django registers them under
# this app (same migrations).
from .adults.models import AdultCase, AdultCaseSettings, AdultConcernReview  # noqa: E402, F401
from .team.models import CoverSlot  # noqa: E402, F401  (the cover rota's table belongs to this app)
