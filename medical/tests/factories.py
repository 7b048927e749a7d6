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


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MedicineAgreement
        skip_postgeneration_save = True

    school = factory.SelfAttribute("pupil.school")
    medicine_name = "Methylphenidate 10 mg tablets"
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))
    dose_amount = 1
    dose_unit = "tablet"
    method = "oral"
    timing = "12:30 with lunch"
    times = "12:30"
    min_interval_minutes = 240
    parent_name = "Mrs Ainsworth"
    agreed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    low_stock_threshold = 5

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if create and extracted is not False:
            models.StockMovement.objects.create(
                agreement=self, kind="received", quantity=extracted or 28, recorded_by=self.recorded_by
            )


class AccidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Accident

    school = factory.SelfAttribute("pupil.school")
    location = "Playground"
    what_happened = "Tripped over a bag"
    injury = "cut"
    body_part = "knee"
    treatment = "Cleaned and a plaster"
    treated_by = factory.SelfAttribute("recorded_by")
