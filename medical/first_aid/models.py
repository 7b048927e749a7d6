"""The accident and first-aid log, for pupils and, where the school wants, staff and visitors. Registered under
the medical app (imported by medical.models)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pastoral import titles
from pastoral.models import Pupil, School, User, Voidable

BODY_PARTS = [
    ("head", "Head"),
    ("face", "Face"),
    ("eye", "Eye"),
    ("mouth_teeth", "Mouth or teeth"),
    ("neck", "Neck"),
    ("chest", "Chest"),
    ("back", "Back"),
    ("abdomen", "Abdomen"),
    ("arm", "Arm"),
    ("hand", "Hand or fingers"),
    ("leg", "Leg"),
    ("knee", "Knee"),
    ("foot", "Foot or ankle"),
    ("whole_body", "Whole body / not one place"),
]
HEAD_PARTS = {"head", "face", "eye", "mouth_teeth"}


class Accident(Voidable):
    class Person(models.TextChoices):
        PUPIL = "pupil", "Pupil"
        STAFF = "staff", "Member of staff"
        VISITOR = "visitor", "Visitor"

    class Injury(models.TextChoices):
        BUMP = "bump", "Bump or knock"
        CUT = "cut", "Cut or graze"
        BRUISE = "bruise", "Bruise"
        SPRAIN = "sprain", "Sprain or strain"
        FRACTURE = "fracture", "Suspected fracture"
        BURN = "burn", "Burn or scald"
        BITE = "bite", "Bite or sting"
        NOSEBLEED = "nosebleed", "Nosebleed"
        ILLNESS = "illness", "Feeling unwell"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        BACK_TO_CLASS = "class", "Back to class"
        HOME = "home", "Sent home"
        HOSPITAL = "hospital", "Taken to hospital"
        AMBULANCE = "ambulance", "Ambulance called"

    class ToldHow(models.TextChoices):
        PHONE = "phone", "Phone"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        LETTER = "letter", "Letter home"

    class Riddor(models.TextChoices):
        PENDING = "", "Not decided"
        REPORTED = "reported", "Reported to the HSE"
        NOT_REPORTABLE = "not_reportable", "Not reportable"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="accidents")
    person_kind = models.CharField("who was hurt", max_length=10, choices=Person, default=Person.PUPIL)
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="accidents")
    person_name = models.CharField("name (staff or visitor)", max_length=200, blank=True)
    occurred_at = models.DateTimeField("when", default=timezone.now)
    location = models.CharField("where", max_length=120)
    what_happened = models.TextField("what happened")
    injury = models.CharField("injury", max_length=10, choices=Injury)
    body_part = models.CharField("part of the body", max_length=12, choices=BODY_PARTS)
    treatment = models.TextField("treatment given")
    treated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="treated by")
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.BACK_TO_CLASS)
    parents_informed = models.BooleanField("parents or carers informed", default=False)
    parents_informed_at = models.DateTimeField("informed when", null=True, blank=True)
    parents_informed_how = models.CharField("informed how", max_length=10, choices=ToldHow, blank=True)
    parents_informed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="informed by"
    )
    head_injury = models.BooleanField("head injury", default=False)
    head_letter_given = models.BooleanField("head-injury letter given", default=False)
    riddor_possible = models.BooleanField(
        "may be reportable under RIDDOR",
        default=False,
        help_text="Taken from the scene to hospital for treatment, or a specified injury: the headteacher decides",
    )
    riddor_decision = models.CharField(max_length=15, choices=Riddor, blank=True, default="")
    riddor_decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    riddor_decided_at = models.DateTimeField(null=True, blank=True)
    possibly_non_accidental = models.BooleanField(
        "the injury may not be accidental", default=False, help_text="Offers to raise a safeguarding concern"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            models.Index(fields=["pupil", "-occurred_at"]),
        ]

    def __str__(self):
        return f"Accident: {self.get_injury_display()} ({self.get_body_part_display().lower()})"

    @property
    def reference(self):
        return titles.reference(self.code)

    @property
    def title(self):
        """By pupil (or the person hurt), injury and day."""
        return titles.record_title(
            [self.pupil.display_name if self.pupil_id else self.person_name],
            f"First aid: {self.get_injury_display().lower()}",
            self.occurred_at,
        )

    @property
    def who(self):
        return self.pupil.display_name if self.pupil_id else self.person_name

    @property
    def parents_due(self):
        """A head injury always needs parents told and the letter given."""
        return self.person_kind == self.Person.PUPIL and (
            not self.parents_informed or (self.head_injury and not self.head_letter_given)
        )

    def clean(self):
        errors = {}
        if self.person_kind == self.Person.PUPIL:
            if not self.pupil_id:
                errors["pupil"] = "Choose the pupil."
            elif self.school_id and self.pupil.school_id != self.school_id:
                errors["pupil"] = "This pupil is not in this school."
        elif not (self.person_name or "").strip():
            errors["person_name"] = "Give the name of the person hurt."
        if self.occurred_at and self.occurred_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["occurred_at"] = "This cannot be in the future."
        if self.parents_informed:
            if not self.parents_informed_at:
                errors["parents_informed_at"] = "Say when parents were informed."
            if not self.parents_informed_how:
                errors["parents_informed_how"] = "Say how parents were informed."
        if errors:
            raise ValidationError(errors)
