"""The shared core: trust, schools, terms, staff memberships, pupils and the audit log."""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from pastoral.dates import uk_date

from . import request_cache
from .accounts.roles import Role
from .files.uploads import stored_name
from .pupils.upn import validate_upn


class Trust(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        AP = "ap", "Alternative provision"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=8, blank=True, help_text="DfE unique reference number")
    phase = models.CharField(max_length=20, choices=Phase, default=Phase.SECONDARY)
    local_authority = models.CharField(max_length=100, blank=True)
    pastoral_email = models.EmailField(blank=True, help_text="Where school-wide digests are sent")
    # What the school's approved RolePermissionChanges add to or take from each role's defaults, as
    # {role: {"granted": [...], "removed": [...]}}: kept here so that reading a user's roles (which loads
    # their schools) also reads them, at no extra query. Rewritten from the changes by the services only.
    role_permissions = models.JSONField(default=dict, blank=True, editable=False)
    # Raised in the same transaction as any change to the school's terms, academic years or closures. The school
    # row comes with every request's roles, so each process can keep the calendar between requests and know, at
    # no query, when to read it again (pastoral.calendar.school_days).
    calendar_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def current_term(self, on=None):
        on = on or timezone.localdate()

        def load():
            terms = Term.objects.filter(academic_year__school=self, start__lte=on, end__gte=on)
            return terms.select_related("academic_year").first()

        # Asked by the page and by several of its panels: read once per request, from the school's calendar when a
        # panel has already read it.
        kept = request_cache.peek(("calendar", "rows", self.pk))
        if kept is not None:
            return next((term for term in kept[0] if term.start <= on <= term.end), None)
        return request_cache.remember(("calendar", "term", self.pk, on), load)


class AcademicYear(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(max_length=20, help_text="e.g. 2026/27")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="academic_year_unique_name"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="academic_year_end_after_start"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The academic year must end after it starts."})
        if self.start and self.end and self.school_id:
            overlapping = AcademicYear.objects.filter(
                school_id=self.school_id, start__lte=self.end, end__gte=self.start
            )
            if overlapping.exclude(pk=self.pk).exists():
                raise ValidationError("These dates overlap another academic year of this school.")


class Term(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=40, help_text="e.g. Autumn")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="term_end_after_start"),
        ]

    def __str__(self):
        return f"{self.name} {self.academic_year.name}"

    def clean(self):
        if not (self.start and self.end and self.academic_year_id):
            return
        year = self.academic_year
        if self.end <= self.start:
            raise ValidationError({"end": "The term must end after it starts."})
        if self.start < year.start or self.end > year.end:
            raise ValidationError(
                f"A term must fall inside its academic year ({uk_date(year.start)}–{uk_date(year.end)})."
            )
        overlapping = year.terms.filter(start__lte=self.end, end__gte=self.start).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(f"These dates overlap {overlapping.first().name}.")


class SchoolClosure(models.Model):
    """A day or days in term time when the school is shut: not school days for any count."""

    class Kind(models.TextChoices):
        HALF_TERM = "half_term", "Half-term holiday"
        INSET = "inset", "INSET (staff training) day"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"
        OTHER = "other", "Other closure"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=80, help_text="e.g. Autumn half term, INSET day, Easter Monday")
    start = models.DateField("First day")
    end = models.DateField("Last day", help_text="The same as the first day for a single day")

    class Meta:
        ordering = ["start"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="closure_end_not_before_start"),
        ]
        indexes = [models.Index(fields=["school", "start"], name="closure_school_start")]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.start and self.end and self.school_id):
            return
        if self.end < self.start:
            raise ValidationError({"end": "The last day cannot be before the first day."})
        year = AcademicYear.objects.filter(school_id=self.school_id, start__lte=self.start, end__gte=self.start).first()
        if year is None:
            raise ValidationError({"start": "This date is in no academic year of the school: add the year first."})
        bounds = year.terms.aggregate(first=models.Min("start"), last=models.Max("end"))
        if not bounds.get("first"):
            raise ValidationError(
                {"start": "Set this academic year's term dates first: closures fall within or between its terms."}
            )
        if self.start < bounds["first"] or self.end > bounds["last"]:
            field = "start" if self.start < bounds["first"] else "end"
            raise ValidationError(
                {
                    field: f"A closure must fall within or between the terms of {year.name} "
                    f"({uk_date(bounds['first'])}–{uk_date(bounds['last'])})."
                }
            )
        overlapping = SchoolClosure.objects.filter(
            school_id=self.school_id, start__lte=self.end, end__gte=self.start
        ).exclude(pk=self.pk)
        if overlapping.exists():
            other = overlapping.first()
            raise ValidationError(
                {"start": f"These dates overlap {other.name} ({uk_date(other.start)}–{uk_date(other.end)})."}
            )


class StaffUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


def staff_name(first_name, last_name, username):
    """How a member of staff is named everywhere: their full name, or their username without one. For rows read as
    plain values (no User instance), the same as str(user)."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A member of staff. Access comes only from their school memberships."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    job_title = models.CharField(max_length=100, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = StaffUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        default_permissions = ()

    def __str__(self):
        # The username is read only without a name: lists load staff with only their names (.only()).
        return staff_name(self.first_name, self.last_name, "") or self.username


class Membership(models.Model):
    """A staff member's role in one school, or across a trust for trust roles."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True, help_text="Last day of access; leave empty if still in post")
    # Roles in roles.APPROVAL_ROLES granted through staff management start unapproved (None)
    # and give no access until an approver signs them off; every other row is approved when made.
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["school__name", "role"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=models.Q(school__isnull=True),
                name="membership_unique_trust_role",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "ends_on"]),
            models.Index(
                fields=["trust", "school"], condition=models.Q(approved_at__isnull=True), name="membership_pending"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.school or self.trust}"

    @property
    def awaiting_approval(self):
        return self.approved_at is None

    def clean(self):
        if self.school_id is None and not Role(self.role).trust_wide:
            raise ValidationError({"school": "This role belongs to one school; choose the school."})
        if self.school_id and self.trust_id and self.school.trust_id != self.trust_id:
            raise ValidationError({"school": "The school is not part of this trust."})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date cannot be before the start date."})

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class YearGroup(models.IntegerChoices):
    NURSERY = -1, "Nursery"
    RECEPTION = 0, "Reception"
    Y1 = 1, "Year 1"
    Y2 = 2, "Year 2"
    Y3 = 3, "Year 3"
    Y4 = 4, "Year 4"
    Y5 = 5, "Year 5"
    Y6 = 6, "Year 6"
    Y7 = 7, "Year 7"
    Y8 = 8, "Year 8"
    Y9 = 9, "Year 9"
    Y10 = 10, "Year 10"
    Y11 = 11, "Year 11"
    Y12 = 12, "Year 12"
    Y13 = 13, "Year 13"


def _photo_path(instance, filename):
    # Photos are always re-encoded to JPEG before they are saved (pupil_update), under a random name.
    return f"pupil-photos/{stored_name('image/jpeg')}"


class EthnicityCategory(models.Model):
    """An ethnicity category of the DfE school census, kept as data: the main codes are seeded by migration and a
    trust may add the extended codes its local authority uses (in the admin), each under one of the main groups
    that the disproportionality tables compare."""

    class Group(models.TextChoices):
        WHITE = "white", "White"
        MIXED = "mixed", "Mixed / multiple ethnic groups"
        ASIAN = "asian", "Asian / Asian British"
        BLACK = "black", "Black / African / Caribbean / Black British"
        CHINESE = "chinese", "Chinese"
        OTHER = "other", "Any other ethnic group"
        UNCLASSIFIED = "unclassified", "Refused or not yet obtained"

    code = models.CharField(max_length=4, unique=True)
    label = models.CharField(max_length=80)
    group = models.CharField(max_length=20, choices=Group)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        default_permissions = ()
        verbose_name_plural = "ethnicity categories"

    def __str__(self):
        return f"{self.label} ({self.code})"


class Pupil(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other / not stated"

    class SEN(models.TextChoices):
        NONE = "N", "No SEN"
        SUPPORT = "K", "SEN support"
        EHCP = "E", "EHCP"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    legal_first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    legal_last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender)
    year_group = models.SmallIntegerField(choices=YearGroup)
    form = models.CharField("form / class", max_length=20, blank=True)
    house = models.CharField(max_length=40, blank=True)
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    sen_status = models.CharField("SEN status", max_length=1, choices=SEN, default=SEN.NONE)
    pupil_premium = models.BooleanField(default=False)
    looked_after = models.BooleanField("looked after (CLA)", default=False)
    child_in_need = models.BooleanField("child in need (CIN)", default=False)
    child_protection_plan = models.BooleanField("child protection plan (CP)", default=False)
    young_carer = models.BooleanField(default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    # Special category data, from the MIS; read only by the disproportionality figures and the pupil's record.
    ethnicity = models.ForeignKey(
        EthnicityCategory,
        to_field="code",
        db_column="ethnicity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keyworker = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="keyworker_for")
    photo = models.ImageField(upload_to=_photo_path, blank=True, max_length=200)
    medical_alert = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown to every member of staff, e.g. 'Anaphylaxis – adrenaline pen in office'",
    )
    dietary_needs = models.TextField(blank=True)
    religious_needs = models.TextField(blank=True)
    cultural_needs = models.TextField(blank=True)
    communication_needs = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        default_permissions = ()
        permissions = [
            ("view_pupil", "View pupil records"),
            ("change_pupil", "Edit pupil details, needs, contacts and professionals"),
            ("import_pupils", "Import pupils from the MIS"),
            ("view_safeguarding_flags", "See child-protection and child-in-need flags"),
            ("view_audit", "Read the school's audit log"),
            ("manage_staff", "Manage staff accounts and roles"),
            ("manage_calendar", "Set the school's academic years and term dates"),
            ("approve_roles", "Approve safeguarding roles granted by staff administrators"),
            ("manage_roles", "Change what each role may do in the school"),
        ]
        constraints = [
            models.UniqueConstraint(Upper("upn"), "school", name="pupil_unique_upn_per_school"),
        ]
        indexes = [
            models.Index(fields=["school", "year_group", "form"]),
            models.Index(fields=["school", "leaving_date"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def first_name(self):
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self):
        return self.preferred_last_name or self.legal_last_name

    @property
    def display_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def legal_name(self):
        return " ".join(p for p in (self.legal_first_name, self.middle_names, self.legal_last_name) if p)

    @property
    def on_roll(self):
        return self.leaving_date is None or self.leaving_date >= timezone.localdate()

    def age_on(self, day):
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    def clean(self):
        if self.upn:
            self.upn = self.upn.strip().upper()
        if self.admission_date and self.leaving_date and self.leaving_date < self.admission_date:
            raise ValidationError({"leaving_date": "The leaving date cannot be before the admission date."})
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})


class FamilyContact(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60, help_text="e.g. Mother, Grandfather, Foster carer")
    parental_responsibility = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is contacted first")
    lives_with_pupil = models.BooleanField(default=True)
    phone = models.CharField(max_length=40, blank=True)
    mobile = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    restrictions = models.TextField(
        blank=True, help_text="Court orders or agreed limits, e.g. 'no contact', 'not to collect'"
    )

    class Meta:
        ordering = ["priority", "name"]
        default_permissions = ()

    def __str__(self):
        return f"{self.name} ({self.relationship})"


class Professional(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        EARLY_HELP = "early_help", "Early Help worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school head"
        YOUTH_WORKER = "youth_worker", "Youth worker"
        YOUTH_JUSTICE = "youth_justice", "Youth justice worker"
        CAMHS = "camhs", "CAMHS clinician"
        SCHOOL_NURSE = "school_nurse", "School nurse"
        EDUCATIONAL_PSYCHOLOGIST = "ed_psych", "Educational psychologist"
        PAEDIATRICIAN = "paediatrician", "Paediatrician"
        POLICE = "police", "Police officer"
        FAMILY_SUPPORT = "family_support", "Family support worker"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="professionals")
    kind = models.CharField("role", max_length=30, choices=Kind)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    involved_from = models.DateField(null=True, blank=True)
    involved_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    # Children's social care involvement: seeing one of these tells the reader the child is open to
    # social care (Early Help, child in need or child protection), so only readers of the
    # safeguarding flags see them (selectors.professionals_visible_to).
    SOCIAL_CARE_KINDS = (Kind.SOCIAL_WORKER, Kind.EARLY_HELP, Kind.FAMILY_SUPPORT)

    class Meta:
        ordering = ["kind", "name"]
        default_permissions = ()

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        if self.involved_from and self.involved_until and self.involved_until < self.involved_from:
            raise ValidationError({"involved_until": "The end date cannot be before the start date."})


class AuditEntry(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (see migration 0002)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Username tried, for failed sign-ins")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200, blank=True)
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ()
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            models.Index(fields=["pupil", "-at"]),
            models.Index(fields=["school", "-at"]),
            # The audit page's "Who" filter: one person's entries, newest first.
            models.Index(fields=["actor", "-at"], name="pastoral_audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit entries cannot be deleted.")


class Voidable(models.Model):
    """A record that is corrected by voiding with a reason, never by deleting (see pastoral.voiding)."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class PupilNote(Voidable):
    """The pastoral contact log: calls home, meetings, observations. Corrections void, never delete."""

    class Kind(models.TextChoices):
        PHONE_CALL = "phone_call", "Phone call with home"
        MEETING = "meeting", "Meeting with parents/carers"
        EMAIL = "email", "Email or letter"
        CHECK_IN = "check_in", "Check-in with the pupil"
        OBSERVATION = "observation", "Observation"
        AGENCY = "agency", "Contact with another agency"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind)
    occurred_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    follow_up = models.CharField(max_length=200, blank=True, help_text="What happens next, if anything")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["pupil", "-occurred_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    def clean(self):
        if self.occurred_at and self.occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError({"occurred_at": "This cannot be in the future."})


def export_stale_after():
    """How long after its start a "running" file must have died with its worker: longer than a build may run."""
    return datetime.timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)


class GeneratedFile(models.Model):
    """An export or report built off the request by a Celery task, kept outside the web root until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="generated_files")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="generated_files")
    kind = models.CharField(max_length=80)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    error = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    storage_name = models.CharField(max_length=200, blank=True, help_text="Path under GENERATED_FILES_ROOT")
    attempts = models.PositiveSmallIntegerField(default=0)
    scheduled_report = models.ForeignKey(
        "ScheduledReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, help_text="One file per submitted form")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="When the expired file was removed")

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [
            ("view_termly_report", "Generate the termly report for the school"),
            ("view_trust_report", "Generate the termly report across the trust"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["expires_at"], condition=models.Q(deleted_at__isnull=True), name="generated_live"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.owner} ({self.get_status_display()})"

    @property
    def expired(self):
        return self.deleted_at is not None or self.expires_at <= timezone.now()

    @property
    def stale(self):
        """Still "running" long after any build could have finished: its worker died; it may be tried again."""
        return self.stale_at(timezone.now())

    def stale_at(self, now):
        # Here rather than in exports.py, which imports this module: the rule lives with the row it judges.
        return (
            self.status == self.Status.RUNNING
            and self.started_at is not None
            and self.started_at <= now - export_stale_after()
        )

    @property
    def retryable(self):
        return self.status == self.Status.FAILED or self.stale


class ScheduledReport(models.Model):
    """Who receives which report, for which school, how often. Claimed by one beat run at a time."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        HALF_TERMLY = "half_termly", "Half-termly"
        TERMLY = "termly", "Termly"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="scheduled_reports")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="scheduled_reports")
    kind = models.CharField(max_length=80)
    parameters = models.JSONField(default=dict, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency)
    next_run_at = models.DateTimeField()
    period_start = models.DateField(null=True, blank=True, help_text="First day the next run covers")
    period_end = models.DateField(null=True, blank=True, help_text="Last day the next run covers")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_run_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["next_run_at"], condition=models.Q(active=True), name="scheduled_due")]

    def __str__(self):
        return f"{self.get_frequency_display()} {self.kind} for {self.recipient} at {self.school}"


class MfaResetRequest(models.Model):
    """A two-factor reset for someone holding a role in roles.APPROVAL_ROLES. It waits for a headteacher
    or DSL of one of their schools, so an IT admin who also controls the school's mail cannot reset a
    DSL's second factor and password and take over the account."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_reset_requests")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        default_permissions = ()
        constraints = [
            # One open request per person: a second click (or a second admin) does not queue another.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(approved_at__isnull=True, declined_at__isnull=True),
                name="mfa_reset_one_pending",
            ),
        ]

    def __str__(self):
        return f"Two-factor reset for {self.user}"

    @property
    def pending(self):
        return self.approved_at is None and self.declined_at is None


class RolePermissionChange(models.Model):
    """One school's change to what a role may do: a permission added to (granted) or taken from its defaults.

    An addition waits for a headteacher or DSL of the school other than whoever asked (like a role that reads
    pupils); a removal narrows access, so it applies at once (approved_at set, approved_by empty). Rows are
    kept as the history: the latest approved row for a role and permission decides, and the services write
    the result to School.role_permissions. See pastoral.accounts.role_catalogue for the guard rails."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="role_permission_changes")
    role = models.CharField(max_length=30, choices=Role.choices)
    permission = models.CharField(max_length=100)
    granted = models.BooleanField(help_text="True adds the permission to the role; False takes it away")
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["school", "role", "permission"],
                condition=models.Q(approved_at__isnull=True, declined_at__isnull=True),
                name="role_permission_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["school", "role", "permission", "approved_at"], name="role_permission_history")]

    def __str__(self):
        from .accounts.role_catalogue import label

        verb = "gains" if self.granted else "loses"
        return f"{self.get_role_display()} {verb} “{label(self.permission)}”"

    @property
    def pending(self):
        return self.approved_at is None and self.declined_at is None


class ImportJob(models.Model):
    """One uploaded MIS file, checked and applied by a Celery task while the page shows progress.

    The file waits under GENERATED_FILES_ROOT/imports (0600, random name) and is deleted when the job ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Checking and importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    class Kind(models.TextChoices):
        PUPILS = "pupils", "Pupils and contacts"
        ATTENDANCE = "attendance", "Attendance marks"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.PUPILS)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="import_jobs")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    original_name = models.CharField(max_length=200, blank=True)
    storage_name = models.CharField(max_length=200, blank=True, help_text="Path under GENERATED_FILES_ROOT")
    total = models.PositiveIntegerField(default=0, help_text="Rows in the file")
    processed = models.PositiveIntegerField(default=0, help_text="Rows checked so far")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0, help_text="Problems found, including any not stored")
    message = models.CharField(max_length=500, blank=True, help_text="Why the file was not imported")
    problems = models.JSONField(default=list, blank=True, help_text="The first problems, for display")
    result = models.JSONField(default=dict, blank=True, help_text="The full report once imported")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} import for {self.school} by {self.created_by} ({self.get_status_display()})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        return int(self.processed * 100 / self.total) if self.total else 0


class OutboxMessage(models.Model):
    """A task to run after the transaction that wrote this row commits (see pastoral/outbox.py).

    The row is saved with the change it follows, so the work survives a broker that is down at commit time;
    the periodic sweep publishes it again until a worker has run it, and `done_at` makes a second delivery
    a no-op."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, help_text="Optional: a second enqueue with it is ignored"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0, help_text="Times published to the broker")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(help_text="When the sweep may publish it again")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="A worker is running it since then")
    done_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(done_at__isnull=True, gave_up_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["done_at"], condition=models.Q(done_at__isnull=False), name="outbox_done"),
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)!r}"


class RateLimitHit(models.Model):
    """One counted request for a rate limit: `bucket` names the limit, `key` is a keyed hash of who asked."""

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["bucket", "key", "at"], name="ratelimit_lookup"),
            models.Index(fields=["bucket", "at"], name="ratelimit_expiry"),
        ]

    def __str__(self):
        return f"{self.bucket} at {self.at:%Y-%m-%d %H:%M}"


class BreakGlassAccess(models.Model):
    """One emergency opening of one record by a headteacher or trust DSL who is not on its access list.

    The grant lasts until `expires_at` (pastoral.breakglass.GRANT_MINUTES after it was given) and covers only the
    record named by `kind` and `record_code`. The DSL team and the data-protection lead review every use.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_uses")
    kind = models.CharField(max_length=60, help_text="The registered record kind (pastoral.breakglass.register)")
    record_code = models.UUIDField()
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ()
        permissions = [
            ("break_glass", "Open a record outside their access list in an emergency, giving a reason"),
            ("review_break_glass", "Review the emergency (break-glass) openings of records"),
        ]
        indexes = [
            models.Index(fields=["user", "kind", "expires_at"], name="breakglass_active"),
            models.Index(fields=["school", "-at"], name="breakglass_school_at"),
        ]

    def __str__(self):
        return f"Emergency opening of a {self.kind} record at {self.at:%Y-%m-%d %H:%M}"

    @property
    def active(self):
        return self.expires_at > timezone.now()


class BreakGlassNotice(models.Model):
    """The in-app notice of one break-glass use to one member of the school's DSL team."""

    access = models.ForeignKey(BreakGlassAccess, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["access", "recipient"], name="breakglass_notice_once")]
        indexes = [models.Index(fields=["recipient", "seen_at"], name="breakglass_notice_unseen")]


class RecordsSent(models.Model):
    """A leaver's records sent to their new school: what, how, when and by whom (the CP file has its own transfer)."""

    class Method(models.TextChoices):
        SECURE_TRANSFER = "secure_transfer", "Secure transfer (S2S / CTF)"
        SECURE_EMAIL = "secure_email", "Secure email"
        POST = "post", "Recorded post"
        BY_HAND = "by_hand", "By hand"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="records_sent")
    sent_on = models.DateField()
    new_school = models.CharField("new school", max_length=200)
    what = models.CharField("what was sent", max_length=300)
    method = models.CharField("how", max_length=20, choices=Method.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
        default_permissions = ()
        verbose_name_plural = "records sent"
        permissions = [
            ("write_leaver_records", "Change the records of a pupil who has left, and log records sent on"),
        ]

    def __str__(self):
        return f"Records sent to {self.new_school} on {self.sent_on:%d %b %Y}"

    def clean(self):
        if self.sent_on and self.sent_on > timezone.localdate():
            raise ValidationError({"sent_on": "The date cannot be in the future."})


# Attendance lives in the core because every duty area reads it; its models are defined in their package.
from .attendance.models import (  # noqa: E402, F401
    AttendanceAlert,
    AttendanceCode,
    AttendanceMark,
    AttendanceMarkChange,
    PartTimeTimetable,
)
from .meetings.models import Meeting, MeetingAction  # noqa: E402, F401
from .paper.models import PaperEntry, PaperFormSheet  # noqa: E402, F401
from .retention.models import DisposalCandidate, DisposalLogEntry, LegalHold, RetentionRule  # noqa: E402, F401
from .sar.models import SarPack, SarPackItem, SarRedaction, SubjectAccessRequest  # noqa: E402, F401
