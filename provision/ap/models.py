"""Alternative provision: the trust's provider register with due diligence, placements from commissioning to exit,
the provider's daily attendance returns, reviews against objectives, progress reports and provider accounts.

Registered under the provision app (imported by provision.models), so the tables are the app's.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pastoral import titles
from pastoral.attendance.models import WEEK_SESSIONS
from pastoral.dates import uk_date
from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, Trust, User

DEFAULT_CHECK_MONTHS = 12
DEFAULT_REVIEW_WEEKS = 6  # about half a term
DEFAULT_CUTOFF = datetime.time(10, 30)
SESSION_KEYS = {value for value, _ in WEEK_SESSIONS}


class APTrustSettings(models.Model):
    """How long a due-diligence check stays current, for every provider of the trust."""

    trust = models.OneToOneField(Trust, on_delete=models.PROTECT, related_name="ap_settings")
    check_valid_months = models.PositiveSmallIntegerField(
        "months a check stays current",
        default=DEFAULT_CHECK_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )

    class Meta:
        default_permissions = ()


class APSchoolSettings(models.Model):
    """A school's cut-off for the providers' morning returns and its default weeks between placement reviews."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="ap_settings")
    return_cutoff = models.TimeField("attendance returns due by", default=DEFAULT_CUTOFF)
    review_weeks = models.PositiveSmallIntegerField(
        "weeks between reviews", default=DEFAULT_REVIEW_WEEKS, validators=[MinValueValidator(1), MaxValueValidator(26)]
    )

    class Meta:
        default_permissions = ()


class Provider(models.Model):
    """An alternative provider on the trust's register, shared by its schools."""

    class Registration(models.TextChoices):
        REGISTERED = "registered", "Registered school"
        UNREGISTERED = "unregistered", "Unregistered"

    class Ofsted(models.TextChoices):
        NONE = "", "No grade"
        OUTSTANDING = "1", "Outstanding"
        GOOD = "2", "Good"
        REQUIRES_IMPROVEMENT = "3", "Requires improvement"
        INADEQUATE = "4", "Inadequate"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="ap_providers")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    urn = models.CharField("URN", max_length=10, blank=True)
    registration = models.CharField("registration status", max_length=12, choices=Registration)
    ofsted_grade = models.CharField("Ofsted grade", max_length=1, choices=Ofsted, blank=True)
    ofsted_date = models.DateField("Ofsted inspection date", null=True, blank=True)
    contact_name = models.CharField("named contact", max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    offer = models.TextField("what they offer", blank=True)
    ages = models.CharField("ages", max_length=60, blank=True, help_text="e.g. 11 to 16")
    cost_per_session = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    cost_per_day = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        default_permissions = ()
        permissions = [
            ("manage_ap", "Keep the provider register and commission, review and end placements"),
            ("view_ap", "Read the school's alternative provision placements"),
            ("view_ap_counts", "See alternative provision figures in reports"),
            ("view_ap_trust", "See every placement and the spend across the trust"),
            ("ap_provider_portal", "As a provider's contact, see its current placements and send returns"),
        ]
        indexes = [models.Index(fields=["trust", "name"], name="provision_ap_provider_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.registration == self.Registration.REGISTERED and not self.urn:
            raise ValidationError({"urn": "A registered school has a URN."})
        if self.ofsted_grade and not self.ofsted_date:
            raise ValidationError({"ofsted_date": "Give the date of the inspection."})

    @property
    def registered(self):
        return self.registration == self.Registration.REGISTERED


class ProviderSite(models.Model):
    """A sub-site where the provider teaches pupils (KCSIE: keep the address of every site)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField()

    class Meta:
        ordering = ["name", "pk"]
        default_permissions = ()

    def __str__(self):
        return self.name


def _check_document_path(instance, filename):
    return f"provision/ap/checks/{stored_name(instance.document_type)}"


class DueDiligenceCheck(models.Model):
    """A dated check of a provider. Each stays current for the trust's interval; the newest of a kind counts."""

    class Kind(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Written safeguarding confirmation"
        INSURANCE = "insurance", "Insurance"
        HEALTH_SAFETY = "health_safety", "Health and safety"
        QA_VISIT = "qa_visit", "Quality-assurance visit"

    # What the provider's written confirmation must cover (statutory rules §5).
    SAFEGUARDING_ITEMS = [
        ("dbs", "Enhanced DBS checks"),
        ("barred", "Barred list checks"),
        ("identity", "Identity checks"),
        ("right_to_work", "Right to work checks"),
        ("qualifications", "Qualifications checked"),
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=16, choices=Kind)
    checked_on = models.DateField("date of the check or visit")
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="checked by")
    expires_on = models.DateField()
    covers = models.JSONField("the confirmation covers", default=list, blank=True)
    visitor = models.CharField(max_length=200, blank=True)
    findings = models.TextField(blank=True)
    document = models.FileField(upload_to=_check_document_path, max_length=200, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["provider", "kind", "-checked_on"], name="provision_ap_check_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({uk_date(self.checked_on)})"

    def current_on(self, day):
        return self.checked_on <= day <= self.expires_on


def _agreement_path(instance, filename):
    return f"provision/ap/agreements/{stored_name(instance.agreement_type)}"


class Placement(models.Model):
    """One pupil placed with a provider: commissioned, agreed, active, then ended with an exit plan."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Commissioner(models.TextChoices):
        SCHOOL = "school", "The school"
        LA = "la", "The local authority"

    class Code(models.TextChoices):
        B = "B", "B: approved educational activity arranged by the school"
        D = "D", "D: dual registered at the provider"
        K = "K", "K: provision arranged by the local authority"

    class EndKind(models.TextChoices):
        PLANNED = "planned", "Planned end"
        EARLY = "early", "Ended early"
        PERMANENT = "permanent", "Made permanent"

    CURRENT = (Status.AGREED, Status.ACTIVE)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="ap_placements")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ap_placements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    site = models.ForeignKey(ProviderSite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    commissioner = models.CharField(max_length=6, choices=Commissioner, default=Commissioner.SCHOOL)
    reason = models.TextField("why alternative provision")
    sessions = models.JSONField("sessions each week", default=list)
    full_time = models.BooleanField("full-time", default=False)
    cost_per_session = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    start = models.DateField("first day")
    planned_end = models.DateField("planned last day", null=True, blank=True)
    review_weeks = models.PositiveSmallIntegerField(
        "weeks between reviews", default=DEFAULT_REVIEW_WEEKS, validators=[MinValueValidator(1), MaxValueValidator(26)]
    )
    next_review = models.DateField("next review", null=True, blank=True)
    attendance_code = models.CharField("register code", max_length=1, choices=Code, blank=True)
    agreement = models.FileField("placement agreement", upload_to=_agreement_path, max_length=200, blank=True)
    agreement_type = models.CharField(max_length=40, blank=True)
    agreement_name = models.CharField(max_length=200, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_kind = models.CharField(max_length=10, choices=EndKind, blank=True)
    end_reason = models.TextField(blank=True)
    exit_plan = models.TextField("exit or reintegration plan", blank=True)
    reintegration_plan = models.ForeignKey(
        "provision.SupportPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "status", "start"], name="provision_ap_place_idx"),
            models.Index(fields=["provider", "status"], name="provision_ap_place_prov_idx"),
            models.Index(fields=["pupil", "-start"], name="provision_ap_place_pupil_idx"),
        ]

    def __str__(self):
        return f"{self.provider} from {uk_date(self.start)}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil, provider and first day."""
        return titles.record_title([self.pupil.display_name], f"AP placement at {self.provider}", self.start)

    def clean(self):
        errors = {}
        if any(value not in SESSION_KEYS for value in self.sessions or []):
            errors["sessions"] = "Choose sessions from the list."
        if self.planned_end and self.start and self.planned_end < self.start:
            errors["planned_end"] = "The planned last day must be on or after the first day."
        if self.site_id and self.provider_id and self.site.provider_id != self.provider_id:
            errors["site"] = "Choose a site of this provider."
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self):
        return self.status in self.CURRENT

    @property
    def part_time(self):
        return not self.full_time

    def sessions_on(self, day):
        """The timetabled sessions ("AM", "PM") on `day`, if the placement runs then."""
        if self.start > day or (self.planned_end and self.planned_end < day) or (self.ended_on and self.ended_on < day):
            return []
        return [s for s in ("AM", "PM") if f"{day.isoweekday()}{s}" in self.sessions]

    @property
    def timetable_labels(self):
        chosen = set(self.sessions or [])
        return [label for value, label in WEEK_SESSIONS if value in chosen]

    @property
    def address(self):
        return self.site.address if self.site_id else self.provider.address

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_current and self.next_review is not None and self.next_review < today


class PlacementObjective(models.Model):
    """What the placement should achieve: measurable, with a date (and the EHCP outcome it serves, if any)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="objectives")
    objective = models.CharField(max_length=300)
    target = models.CharField("measurable target", max_length=300)
    due_on = models.DateField("by")
    ehcp_outcome = models.CharField("EHCP outcome", max_length=300, blank=True)
    met = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ()

    def __str__(self):
        return self.objective


class InformationShare(models.Model):
    """Safeguarding information shared with the provider: what, when and by whom."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="information_shared")
    what = models.TextField("what was shared")
    shared_on = models.DateField("shared on")
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-shared_on", "-pk"]
        default_permissions = ()


class AttendanceReturn(models.Model):
    """The provider's mark for one timetabled session."""

    class Mark(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="returns")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=[("AM", "Morning"), ("PM", "Afternoon")])
    mark = models.CharField(max_length=8, choices=Mark)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField("reason for absence", max_length=300, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "session", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "session"], name="provision_ap_one_return"),
            models.CheckConstraint(condition=~Q(mark="absent") | ~Q(reason=""), name="provision_ap_absent_reason"),
        ]

    def __str__(self):
        return f"{self.get_mark_display()} {uk_date(self.date)} {self.session}"

    @property
    def register_code(self):
        """The code the school's register takes: the placement's code when attended, O (reason unknown) or the
        absence the school decides otherwise."""
        return self.placement.attendance_code if self.mark != self.Mark.ABSENT else "O"


class MissingReturnAlert(models.Model):
    """A timetabled session with no return by the school's cut-off: raised once a day per placement."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="missing_alerts")
    date = models.DateField()
    sessions = models.CharField(max_length=6)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["placement", "date"], name="provision_ap_missing_once")]
        indexes = [models.Index(fields=["school", "-date"], name="provision_ap_missing_idx")]


class PlacementReview(models.Model):
    """A review of a placement against its objectives, with the attendance of the period and a decision."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CHANGE = "change", "Change"
        END = "end", "End"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("held on")
    due_on = models.DateField("was due on", null=True, blank=True)
    attendees = models.TextField()
    sessions_attended = models.PositiveIntegerField(default=0)
    sessions_returned = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=10, choices=Decision)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        default_permissions = ()

    @property
    def attendance_percent(self):
        if not self.sessions_returned:
            return None
        return round(100 * self.sessions_attended / self.sessions_returned, 1)


class ObjectiveProgress(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(PlacementReview, on_delete=models.CASCADE, related_name="progress")
    objective = models.ForeignKey(PlacementObjective, on_delete=models.PROTECT, related_name="progress")
    score = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["objective__due_on", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["review", "objective"], name="provision_ap_progress_once"),
            models.CheckConstraint(condition=Q(score__gte=-2) & Q(score__lte=2), name="provision_ap_score_range"),
        ]


def _report_path(instance, filename):
    return f"provision/ap/reports/{stored_name(instance.document_type)}"


class ProgressReport(models.Model):
    """A progress report from the provider: typed, uploaded, or both."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="progress_reports")
    dated = models.DateField("report date")
    text = models.TextField("report", blank=True)
    document = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dated", "-pk"]
        default_permissions = ()


class ProviderAccount(models.Model):
    """The provider contact's sign-in: it sees the provider's current placements and nothing else."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="ap_provider_account")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="accounts")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
