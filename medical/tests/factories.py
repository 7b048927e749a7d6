import datetime

import factory
from django.utils import timezone

from medical import models


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MedicalCondition

    school = factory.SelfAttribute("pupil.school")
    other_name = "Asthma"
    severity = "moderate"
    alert = "Asthma: blue inhaler in her bag"
    identified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HealthcarePlan

    school = factory.SelfAttribute("pupil.school")
    status = "active"
    diagnosis = "Asthma"
    emergency_signs = "Cannot speak in full sentences; blue lips"
    emergency_action = "Ten puffs of the blue inhaler, call 999"
    emergency_responsible = "Medical lead"
