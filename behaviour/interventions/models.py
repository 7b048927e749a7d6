"""Restrictive interventions (force, restraint, seclusion), the holds used and staff training records.
Registered under the behaviour app (imported by behaviour.models), so tables keep their names."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.dates import uk_date
from pastoral.files.uploads import stored_name
from pastoral.models import Pupil, School, User, Voidable


class InterventionTechnique(models.Model):
    """A hold or technique from the school's positive-handling scheme, chosen when force or restraint is recorded."""

    class Scheme(models.TextChoices):
        TEAM_TEACH = "team_teach", "Team Teach"
        NORFOLK_STEPS = "norfolk_steps", "Norfolk Steps"
        OTHER = "other", "Other / school's own"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="intervention_techniques")
    name = models.CharField(max_length=80)
    scheme = models.CharField(max_length=20, choices=Scheme, default=Scheme.TEAM_TEACH)
    active = models.BooleanField(default=True, help_text="Inactive techniques stay on old records but cannot be chosen")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="intervention_technique_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.get_scheme_display()})"


class RestrictiveIntervention(Voidable):
    """One significant incident of force, restraint or seclusion, with parent reporting, debriefs and review.

    Recorded under the Schools (Recording and Reporting of Seclusion and Restraint) Regulations 2025.
    """

    class Type(models.TextChoices):
        REASONABLE_FORCE = "reasonable_force", "Reasonable force"
        RESTRAINT = "restraint", "Restraint without force"
        SECLUSION = "seclusion", "Seclusion"

    class ReportMethod(models.TextChoices):
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        APP = "app", "School app / message"

    DEESCALATION = [
        ("calm_voice", "Calm voice and body language"),
        ("reassurance", "Verbal reassurance"),
        ("choices", "Offered choices"),
        ("distraction", "Distraction / diversion"),
        ("space", "Offered space or time out"),
        ("change_of_face", "Change of face (another adult)"),
        ("removed_audience", "Removed the audience"),
        ("plan_strategies", "Strategies from the pupil's support plan"),
        ("warning", "Clear warning of what would happen"),
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="restrictive_interventions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="restrictive_interventions")
    event = models.ForeignKey(
        "behaviour.BehaviourEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restrictive_interventions",
        verbose_name="behaviour event",
    )
    # Snapshots at the time: a later change of SEN status or birthday does not rewrite the record.
    sen_status = models.CharField("SEN status at the time", max_length=1, choices=Pupil.SEN)
    age = models.PositiveSmallIntegerField("age at the time")
    occurred_on = models.DateField("date")
    started_at = models.TimeField("start time")
    ended_at = models.TimeField("end time")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)")
    location = models.ForeignKey(
        "behaviour.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location_detail = models.CharField("where exactly", max_length=120, blank=True)
    staff_involved = models.ManyToManyField(User, related_name="restrictive_interventions")
    witnesses = models.ManyToManyField(User, blank=True, related_name="+", verbose_name="staff witnesses")
    other_witnesses = models.CharField("other witnesses", max_length=300, blank=True)
    antecedents = models.TextField("what happened before")
    deescalation = models.JSONField("de-escalation tried", default=list, blank=True)
    deescalation_notes = models.TextField("de-escalation: more detail", blank=True)
    intervention_type = models.CharField("type", max_length=20, choices=Type)
    technique = models.ForeignKey(
        InterventionTechnique, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="hold"
    )
    technique_notes = models.CharField("how it was used", max_length=300, blank=True)
    rationale = models.TextField("why it was necessary")
    injuries = models.BooleanField("was anyone injured?", default=False)
    injury_details = models.TextField("who was injured and how", blank=True)
    first_aid = models.TextField("first aid given", blank=True)
    support_offered = models.TextField("support offered afterwards")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(unique=True, editable=False)

    # Telling parents: either a report, kept as written, or a recorded decision to withhold.
    parent_reported_at = models.DateTimeField("reported when", null=True, blank=True)
    parent_report_method = models.CharField("how", max_length=10, choices=ReportMethod, blank=True)
    parent_reported_to = models.CharField("told whom", max_length=120, blank=True)
    parent_report_content = models.TextField("what was said", blank=True)
    parent_reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="reported by"
    )
    withheld = models.BooleanField("withheld from parents", default=False)
    withhold_reason = models.TextField("why telling parents would risk significant harm", blank=True)
    withhold_decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="decided by"
    )
    withhold_decided_at = models.DateTimeField(null=True, blank=True)

    pupil_debrief_on = models.DateField("pupil debrief date", null=True, blank=True)
    pupil_debrief_notes = models.TextField("pupil's view", blank=True)
    pupil_debrief_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    staff_debrief_on = models.DateField("staff debrief date", null=True, blank=True)
    staff_debrief_notes = models.TextField("staff debrief notes", blank=True)
    staff_debrief_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proportionate = models.BooleanField(null=True, blank=True)
    in_line_with_training = models.BooleanField("in line with training", null=True, blank=True)
    learning_points = models.TextField("learning points", blank=True)
    support_plan_review = models.BooleanField("behaviour support plan needs review", null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-started_at"]
        default_permissions = ()
        permissions = [
            ("view_intervention", "See every restrictive intervention record in the school"),
            ("record_intervention", "Record restrictive interventions, parent reports and debriefs"),
            ("review_intervention", "Sign off, withhold from parents and void restrictive interventions"),
            ("manage_techniques", "Edit the school's list of holds and techniques"),
            ("view_training", "See staff training records"),
            ("manage_training", "Add and change staff training records"),
        ]
        constraints = [
            # The statutory minimum: a type, a duration and a rationale, enforced by the database as well.
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0),
                name="intervention_has_duration",
                violation_error_message="Give the start and end times so the duration is recorded.",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""),
                name="intervention_has_rationale",
                violation_error_message="Say why the intervention was necessary.",
            ),
            models.CheckConstraint(
                condition=~models.Q(intervention_type=""),
                name="intervention_has_type",
                violation_error_message="Choose the type of intervention.",
            ),
            models.CheckConstraint(
                condition=models.Q(withheld=False)
                | (models.Q(withhold_decided_by__isnull=False) & ~models.Q(withhold_reason="")),
                name="intervention_withholding_has_reason_and_decider",
                violation_error_message="Withholding needs the reason and the person who decided.",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_on"]),
            models.Index(fields=["pupil", "-occurred_on"]),
            models.Index(fields=["school", "parent_reported_at", "withheld"]),
            models.Index(fields=["school", "reviewed_at"]),
        ]

    def __str__(self):
        return f"{self.get_intervention_type_display()} ({self.duration_minutes} min) on {uk_date(self.occurred_on)}"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil, type and day."""
        return titles.record_title([self.pupil.display_name], self.get_intervention_type_display(), self.occurred_on)

    @property
    def parent_report_outstanding(self):
        return self.parent_reported_at is None and not self.withheld

    @property
    def recorded_late(self):
        """Staff should record no later than the same day; later records are flagged, not refused."""
        return bool(self.recorded_at and timezone.localdate(self.recorded_at) > self.occurred_on)

    @property
    def reported_same_day(self):
        return bool(self.parent_reported_at and timezone.localdate(self.parent_reported_at) == self.occurred_on)

    def deescalation_labels(self):
        labels = dict(self.DEESCALATION)
        return [labels.get(key, key) for key in self.deescalation]

    @staticmethod
    def minutes_between(start, end):
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)

    def clean(self):
        errors = {}
        if self.started_at and self.ended_at:
            minutes = self.minutes_between(self.started_at, self.ended_at)
            if minutes < 0:
                errors["ended_at"] = "The end time must be after the start time."
            else:
                # A hold ended within the minute still took time; it is recorded as one minute.
                self.duration_minutes = max(minutes, 1)
        if not self.duration_minutes and "ended_at" not in errors:
            errors.setdefault("ended_at", "Give the start and end times so the duration is recorded.")
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "This cannot be in the future."
        if not (self.rationale or "").strip():
            errors["rationale"] = "Say why the intervention was necessary."
        if not self.intervention_type:
            errors["intervention_type"] = "Choose the type of intervention."
        if self.pupil_id and self.school_id and self.pupil.school_id != self.school_id:
            errors["pupil"] = "This pupil is not in this school."
        if self.event_id and self.pupil_id and self.event.pupil_id != self.pupil_id:
            errors["event"] = "This event is about another pupil."
        if self.technique_id and self.school_id and self.technique.school_id != self.school_id:
            errors["technique"] = "This technique belongs to another school."
        if self.location_id and self.school_id and self.location.school_id != self.school_id:
            errors["location"] = "This location belongs to another school."
        if self.intervention_type == self.Type.REASONABLE_FORCE and not self.technique_id:
            errors["technique"] = "Choose the hold or technique used."
        if self.injuries and not (self.injury_details or "").strip():
            errors["injury_details"] = "Say who was injured and how."
        if not self.location_id and not (self.location_detail or "").strip():
            errors["location_detail"] = "Say where it happened."
        if self.withheld and (not (self.withhold_reason or "").strip() or not self.withhold_decided_by_id):
            errors["withhold_reason"] = "Withholding needs the reason and the person who decided."
        if errors:
            raise ValidationError(errors)


def _certificate_path(instance, filename):
    # The stored name is random, with the extension of the checked type.
    return f"training-certificates/{stored_name(instance.certificate_type)}"


def add_years(day, years):
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class StaffTraining(Voidable):
    """A course a member of staff has completed, with its expiry and certificate."""

    class Course(models.TextChoices):
        TEAM_TEACH = "team_teach", "Team Teach"
        NORFOLK_STEPS = "norfolk_steps", "Norfolk Steps"
        FIRST_AID = "first_aid", "First aid at work"
        PAEDIATRIC_FIRST_AID = "paediatric_first_aid", "Paediatric first aid"
        MIDAS = "midas", "MIDAS (minibus driving)"
        DSL = "dsl", "DSL training"
        DSL_REFRESH = "dsl_refresh", "DSL knowledge refresh"
        PREVENT = "prevent", "Prevent awareness"
        MEDICATION = "medication", "Medication administration"
        CUSTOM = "custom", "Other course"

    POSITIVE_HANDLING_COURSES = {Course.TEAM_TEACH, Course.NORFOLK_STEPS}
    # KCSIE Annex C: DSL and deputy training is updated at least every two years, and their knowledge and skills
    # refreshed at least every year; an expiry left blank is filled in from these.
    DUE_AFTER_YEARS = {Course.DSL: 2, Course.DSL_REFRESH: 1}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff_training")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records", verbose_name="staff")
    course = models.CharField(max_length=30, choices=Course)
    custom_name = models.CharField("course name", max_length=120, blank=True, help_text="For other courses")
    # Team Teach and Norfolk Steps always count; an "other" course counts when a lead ticks this.
    positive_handling = models.BooleanField(
        "counts as positive-handling training", default=False, help_text="Tick for another positive-handling course"
    )
    completed_on = models.DateField("completed on")
    expires_on = models.DateField("expires on", null=True, blank=True)
    tutor = models.BooleanField("qualified tutor / trainer", default=False)
    certificate = models.FileField(upload_to=_certificate_path, blank=True, max_length=200)
    # The type the certificate's content was checked to be when uploaded; it is served as this type.
    certificate_type = models.CharField(max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "-completed_on"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "expires_on"]),
            models.Index(fields=["user", "positive_handling", "expires_on"]),
        ]

    def __str__(self):
        return f"{self.course_name} – {self.user}"

    @property
    def course_name(self):
        return self.custom_name if self.course == self.Course.CUSTOM else self.get_course_display()

    def in_date_on(self, day):
        """In date from the day of completion up to and including the expiry day."""
        return self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)

    def clean(self):
        errors = {}
        if self.course in self.POSITIVE_HANDLING_COURSES:
            self.positive_handling = True
        elif self.course != self.Course.CUSTOM:
            self.positive_handling = False
        if self.course == self.Course.CUSTOM and not (self.custom_name or "").strip():
            errors["custom_name"] = "Give the name of the course."
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "This cannot be in the future."
        if self.completed_on and not self.expires_on and self.course in self.DUE_AFTER_YEARS:
            self.expires_on = add_years(self.completed_on, self.DUE_AFTER_YEARS[self.course])
        if self.completed_on and self.expires_on and self.expires_on < self.completed_on:
            errors["expires_on"] = "The expiry date cannot be before the course was completed."
        if self.positive_handling and not self.expires_on:
            errors["expires_on"] = "Positive-handling training must have an expiry date."
        if errors:
            raise ValidationError(errors)
