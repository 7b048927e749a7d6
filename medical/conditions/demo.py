"""Demo conditions, one for each demo pupil with a medical alert; the last has a new diagnosis five days ago,
so its arrangements are due within two weeks."""

import datetime

from django.utils import timezone

from ..demo import code, medic_of
from .models import MedicalCondition
from .selectors import condition_types_for

KINDS = [
    ("Asthma", "Asthma", "moderate"),
    ("Anaphylaxis", "Anaphylaxis / severe allergy", "life"),
    ("Epilepsy", "Epilepsy", "severe"),
    ("diabetes", "Type 1 diabetes", "severe"),
    ("Sickle", "Sickle cell disease", "moderate"),
    ("Heart", "Heart condition", "severe"),
    ("eczema", "Eczema", "mild"),
]


def _kind(alert):
    for word, name, severity in KINDS:
        if word.lower() in alert.lower():
            return name, severity
    return None, "moderate"


def seed_conditions(school, staff_by_role, pupils, rng, term):
    medic = medic_of(staff_by_role)
    if medic is None:
        return
    today = timezone.localdate()
    types = {t.name: t for t in condition_types_for(school)}
    with_alert = [p for p in pupils if p.medical_alert][:24]
    conditions = []
    for index, pupil in enumerate(with_alert):
        name, severity = _kind(pupil.medical_alert)
        # The last pupil joined five days ago with a new diagnosis: arrangements are due within two weeks.
        identified = today - datetime.timedelta(days=5 if index == len(with_alert) - 1 else rng.randint(60, 900))
        conditions.append(
            MedicalCondition(
                code=code(rng),
                school=school,
                pupil=pupil,
                condition_type=types.get(name),
                other_name="" if name in types else "Other condition",
                severity=severity,
                alert=pupil.medical_alert,
                medication_location=pupil.medical_alert.split("–")[-1].strip()[:200],
                identified_on=identified,
                needs_plan=severity != "mild",
                recorded_by=medic,
            )
        )
    MedicalCondition.objects.bulk_create(conditions)
