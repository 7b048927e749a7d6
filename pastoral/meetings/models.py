"""Multi-agency meetings about a pupil, with their actions. Refers to the core's models by name (no import circle)."""

import uuid

from django.conf import settings
from django.db import models

from pastoral.dates import uk_date

from ..files.uploads import stored_name


class MeetingKind(models.TextChoices):
    TAC = "tac", "Team Around the Child"
    EARLY_HELP = "early_help", "Early Help"
    CIN = "cin", "Child in Need"
    CP_CONFERENCE = "cp_conference", "Child protection conference"
    CORE_GROUP = "core_group", "Child protection core group"
    STRATEGY = "strategy", "Strategy meeting"
    PEP = "pep", "Personal education plan (PEP) for a looked-after child"
    EHCP_REVIEW = "ehcp_review", "EHCP annual review"


CP_KINDS = (MeetingKind.CP_CONFERENCE, MeetingKind.CORE_GROUP, MeetingKind.STRATEGY)


def _report_path(instance, filename):
    return f"meetings/{instance.code}/{stored_name(instance.report_type)}"


class Meeting(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pastoral.Pupil", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("type", max_length=20, choices=MeetingKind)
    held_on = models.DateField("date")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="staff attending"
    )
    professionals = models.ManyToManyField(
        "pastoral.Professional", blank=True, related_name="meetings", verbose_name="professionals attending"
    )
    others = models.CharField("others attending", max_length=300, blank=True, help_text="e.g. Mother, pupil")
    contribution = models.TextField("the school's contribution", blank=True)
    minutes = models.TextField(blank=True)
    report = models.FileField("minutes or report received", upload_to=_report_path, max_length=200, blank=True)
    report_type = models.CharField(max_length=40, blank=True)
    report_name = models.CharField(max_length=200, blank=True)
    next_meeting_on = models.DateField("next meeting", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        ordering = ["-held_on", "-id"]
        permissions = [
            ("view_meetings", "See multi-agency meetings (other than child protection ones)"),
            ("record_meetings", "Record multi-agency meetings and their actions"),
            ("view_cp_meetings", "See child protection conferences, core groups and strategy meetings"),
        ]
        indexes = [
            models.Index(fields=["pupil", "-held_on"]),
            models.Index(fields=["school", "next_meeting_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {uk_date(self.held_on)}"

    @property
    def is_cp(self):
        return self.kind in CP_KINDS


class MeetingAction(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField("owner (outside the school)", max_length=120, blank=True)
    due_on = models.DateField("due by")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"], condition=models.Q(done_at__isnull=True), name="meeting_action_open"
            )
        ]

    def __str__(self):
        return self.action
