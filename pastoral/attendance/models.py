"""Attendance: the DfE codes as data and the session marks imported from the MIS.

The models refer to the core's other models by name, so `pastoral/models.py` can import them without a circle.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models

from pastoral.dates import uk_date

# The 2024 Registration Regulations apply to sessions from this day: the withdrawn codes stop here.
CODES_2024_FROM = datetime.date(2024, 8, 19)


class Counts(models.TextChoices):
    """How a code counts in the DfE calculations (statutory rules §7.2)."""

    PRESENT = "present", "Present"
    ELSEWHERE = "elsewhere", "Attending approved education elsewhere"
    AUTHORISED = "authorised", "Authorised absence"
    UNAUTHORISED = "unauthorised", "Unauthorised absence"
    NOT_COUNTED = "not_counted", "Not counted (not a possible session)"


ATTENDING = (Counts.PRESENT, Counts.ELSEWHERE)
ABSENT = (Counts.AUTHORISED, Counts.UNAUTHORISED)


class Session(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class AttendanceCode(models.Model):
    """One register code, versioned by the dates it may be used (codes change with the regulations)."""

    code = models.CharField(max_length=3, unique=True)
    meaning = models.CharField(max_length=200)
    group = models.CharField(max_length=80, help_text="e.g. Leave of absence, Unauthorised")
    counts = models.CharField(max_length=12, choices=Counts)
    note_required = models.BooleanField(default=False, help_text="Refused without an explanatory note")
    valid_from = models.DateField(null=True, blank=True, help_text="First session date it may be used")
    valid_to = models.DateField(
        null=True, blank=True, help_text="Last session date it may be used; empty while current"
    )
    list_version = models.CharField(max_length=60, help_text="e.g. Registration Regulations 2024")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        default_permissions = ()

    def __str__(self):
        return f"{self.code}: {self.meaning}"

    def usable_on(self, day):
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_absence(self):
        return self.counts in ABSENT


class AttendanceMark(models.Model):
    """One pupil's mark for one session. Re-imported marks replace it; every change is kept in MarkChange.

    `counts` is copied from the code when the mark is written, so the calculations aggregate one table and the
    indexes below cover them without reading the rows.
    """

    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", on_delete=models.PROTECT, related_name="attendance_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session)
    code = models.CharField(max_length=3)
    counts = models.CharField(max_length=12, choices=Counts)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField()
    import_job = models.ForeignKey(
        "pastoral.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_attendance", "See attendance marks, rates and lists"),
            ("import_attendance", "Import attendance marks from the MIS"),
            ("manage_attendance", "Keep part-time timetables and act on attendance alerts"),
        ]
        ordering = ["date", "session"]
        constraints = [
            # Also the (pupil, date) index: one pupil's marks over a range, covered without the table.
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], include=["counts", "code"], name="attendance_one_mark"
            ),
        ]
        indexes = [
            # A school's marks over a range (lists, trends, alerts), covered for the per-pupil counts.
            models.Index(
                fields=["school", "date"], include=["pupil", "session", "counts", "code"], name="attendance_school_date"
            ),
        ]

    def __str__(self):
        return f"{self.code} on {uk_date(self.date)} {self.session}"


class AttendanceMarkChange(models.Model):
    """What a mark said before an import corrected it."""

    mark = models.ForeignKey(AttendanceMark, on_delete=models.CASCADE, related_name="changes")
    previous_code = models.CharField(max_length=3)
    previous_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_note = models.CharField(max_length=500, blank=True)
    new_code = models.CharField(max_length=3)
    changed_at = models.DateTimeField()
    import_job = models.ForeignKey(
        "pastoral.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.previous_code} → {self.new_code}"


class AttendanceAlert(models.Model):
    """A statutory attendance trigger reached by a pupil: a task for the attendance officer until marked done."""

    class Kind(models.TextChoices):
        TEN_DAYS_UNAUTHORISED = "ten_days", "10 school days of unauthorised absence in a row: tell the LA"
        FIFTEEN_DAYS = "fifteen_days", "15 school days absent in a row or in total: tell the LA (s19)"
        PENALTY = "penalty", "10 unauthorised sessions in 10 school weeks: consider a penalty notice"
        N_OVERDUE = "n_overdue", "N marks older than the limit: establish the reason"
        SOCIAL_WORKER = "social_worker", "Unexplained absence of a pupil with a social worker: DSL told"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", on_delete=models.PROTECT, related_name="attendance_alerts")
    kind = models.CharField(max_length=20, choices=Kind)
    raised_on = models.DateField()
    detail = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.CharField("what was done", max_length=300, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-raised_on", "-id"]
        constraints = [
            # One open alert of a kind per pupil: the daily check raises it once, not every day.
            models.UniqueConstraint(
                fields=["pupil", "kind"], condition=models.Q(done_at__isnull=True), name="attendance_alert_one_open"
            ),
        ]
        indexes = [
            models.Index(
                fields=["school", "-raised_on"], condition=models.Q(done_at__isnull=True), name="attendance_alert_open"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({uk_date(self.raised_on)})"


WEEK_SESSIONS = [
    (f"{day}{session}", f"{name} {label}")
    for day, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], start=1)
    for session, label in (("AM", "morning"), ("PM", "afternoon"))
]


class PartTimeTimetable(models.Model):
    """A temporary part-time timetable agreed with the parents. Sessions outside `attends` are marked C2.

    It must have both an end date and a review date: a part-time timetable is temporary by law and guidance.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", on_delete=models.PROTECT, related_name="part_time_timetables")
    reason = models.TextField(help_text="Why a part-time timetable, and how the pupil returns to full time")
    attends = models.JSONField("sessions in school", default=list, help_text="The sessions the pupil attends")
    start = models.DateField("first day")
    review_on = models.DateField("review by")
    end = models.DateField("last day")
    agreed_with_parents = models.BooleanField(default=False)
    agreed_on = models.DateField("agreed with parents on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["school", "end"]), models.Index(fields=["pupil", "start"])]

    def __str__(self):
        return f"Part-time timetable from {uk_date(self.start)}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The last day must be on or after the first day."
        if self.start and self.review_on and self.review_on < self.start:
            errors["review_on"] = "The review must be on or after the first day."
        if self.agreed_with_parents and not self.agreed_on:
            errors["agreed_on"] = "Give the date the parents agreed."
        known = {value for value, _ in WEEK_SESSIONS}
        if any(value not in known for value in self.attends):
            errors["attends"] = "Choose sessions from the list."
        if errors:
            raise ValidationError(errors)

    def review_overdue(self, today):
        return self.review_on < today and self.end >= today

    def covers(self, day, session):
        """The session falls in the timetable's dates and the pupil is not expected in school then."""
        return self.start <= day <= self.end and f"{day.isoweekday()}{session}" not in self.attends
