"""Each school's medical settings and its Template F emergency card. Registered under the medical app."""

import uuid

from django.db import models

from pastoral.models import School


class MedicalSettings(models.Model):
    class TrainingRule(models.TextChoices):
        BLOCK = "block", "Refuse the dose"
        FLAG = "flag", "Save the dose and flag it"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="medical_settings")
    untrained_specialist = models.CharField(
        "a specialist medicine given by staff without in-date medication training",
        max_length=5,
        choices=TrainingRule,
        default=TrainingRule.BLOCK,
        help_text="Adrenaline auto-injectors, buccal midazolam and insulin",
    )
    adult_accidents = models.BooleanField(
        "log accidents to staff and visitors too", default=True, help_text="Untick to keep the log to pupils"
    )
    # Template F: contacting emergency services, printed for each phone.
    phone_number = models.CharField("school telephone number", max_length=40, blank=True)
    address = models.TextField("school address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    exact_location = models.TextField(
        "exact location on site", blank=True, help_text="How to find the school and the medical room, e.g. what3words"
    )
    best_entrance = models.TextField(
        "best entrance", blank=True, help_text="Which entrance the crew should use; say that they will be met there"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Medical settings: {self.school}"


def settings_for(school):
    found, _created = MedicalSettings.objects.get_or_create(school=school)
    return found
