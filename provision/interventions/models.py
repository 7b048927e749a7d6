"""Targeted interventions: each school's catalogue of programmes, the groups that run them, their sessions with
attendance per pupil, and each pupil's own target rated at the end.

Registered under the provision app (imported by provision.models), so the tables are the app's. The entry and
exit measure is a plain code from provision.measures_registry (validated by the form), so a new measure needs no
migration here.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pastoral.models import Pupil, School, User

# The catalogue every school starts with: (name, weeks, sessions, description). Schools edit and add their own.
DEFAULT_PROGRAMMES = [
    ("ELSA", 8, 8, "Emotional literacy support: weekly 1:1 or small-group sessions with a trained ELSA."),
    ("Zones of Regulation", 10, 10, "Naming feelings by colour and building a toolkit to move between zones."),
    ("Protective Behaviours", 8, 8, "Feeling safe, early warning signs and a network of trusted adults."),
    ("Lego-based therapy", 12, 12, "Building in threes (engineer, supplier, builder) to practise social skills."),
    ("Nurture group", 12, 36, "Part-time nurture provision following the six nurture principles."),
    ("Social skills", 8, 8, "Small-group practice of turn-taking, listening, joining in and repair."),
    ("Anger management", 6, 6, "Recognising triggers and body signals, and calming strategies."),
    ("Drawing and Talking", 12, 12, "Weekly non-directive drawing sessions with the same trained adult."),
    ("1:1 mentoring", 10, 10, "Weekly mentoring with an adult in school: goals, strengths and next steps."),
]


class Programme(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="intervention_programmes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    default_weeks = models.PositiveSmallIntegerField(
        "default length (weeks)", default=8, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    session_count = models.PositiveSmallIntegerField(
        "number of sessions", default=8, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    measure_code = models.CharField("entry and exit measure", max_length=40, blank=True)
    cost = models.DecimalField(
        "cost of running one group (£)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        default_permissions = ()
        permissions = [
            ("view_interventions", "See intervention groups, their sessions and impact"),
            ("run_interventions", "Start and run intervention groups"),
            ("manage_programmes", "Edit the school's programme catalogue"),
        ]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="provision_programme_name_once")]

    def __str__(self):
        return self.name


class InterventionGroup(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="intervention_groups")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=120, help_text="e.g. Year 4 ELSA, Tuesday")
    facilitators = models.ManyToManyField(User, related_name="facilitated_groups")
    schedule = models.CharField(max_length=200, help_text="e.g. Tuesdays 10:30 in the nurture room")
    starts_on = models.DateField("planned start")
    ends_on = models.DateField("planned end")
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    finished_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="provision_group_dates")
        ]

    def __str__(self):
        return self.name

    @property
    def end(self):
        """The day the group finished, or its planned end."""
        return self.finished_on or self.ends_on


class GroupMember(models.Model):
    """A pupil in a group, with their own target and its rating (−2 much worse … +2 much better) at the end."""

    RATINGS = [
        (-2, "−2 much worse"),
        (-1, "−1 a little worse"),
        (0, "0 no change"),
        (1, "+1 a little better"),
        (2, "+2 much better"),
    ]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(InterventionGroup, on_delete=models.PROTECT, related_name="members")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="intervention_memberships")
    target = models.CharField("individual target", max_length=300, blank=True)
    rating = models.SmallIntegerField(
        "target rating at the end",
        null=True,
        blank=True,
        choices=RATINGS,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
    )
    rating_note = models.CharField(max_length=300, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pupil__legal_last_name", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="provision_member_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=-2, rating__lte=2), name="provision_rating_range"
            ),
        ]


class GroupSession(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(InterventionGroup, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField("date")
    note = models.TextField("session note", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["group", "held_on"], name="provision_group_session_idx")]


class SessionAttendance(models.Model):
    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"
        REFUSED = "refused", "Refused"
        NOT_IN_SCHOOL = "not_in_school", "Not in school"

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=14, choices=Status)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["session", "pupil"], name="provision_attendance_once")]
