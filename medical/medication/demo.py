"""Demo medicines with stock and doses: a controlled drug on the round (one dose refused, parents not yet told),
a course of antibiotics expiring soon, a lapsed agreement, inhalers, adrenaline pens (the last low in stock),
and consent for the school's emergency inhaler."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ..conditions.models import MedicalCondition
from ..demo import code, medic_of, witness_for
from .models import DoseAdministration, EmergencyKitConsent, MedicineAgreement, StockMovement


def seed_medication(school, staff_by_role, pupils, rng, term):
    medic = medic_of(staff_by_role)
    if medic is None:
        return
    witness = witness_for(staff_by_role, medic)
    today = timezone.localdate()
    now = timezone.now()
    conditions = list(
        MedicalCondition.objects.filter(school=school, voided_at__isnull=True)
        .select_related("pupil", "condition_type")
        .order_by("pk")
    )
    asthma = [c.pupil for c in conditions if c.name == "Asthma"]
    allergy = [c.pupil for c in conditions if c.name.startswith("Anaphylaxis")]
    others = [p for p in pupils if not p.medical_alert]
    agreements, movements = [], []

    def agree(pupil, name, unit, method, **extra):
        agreement = MedicineAgreement(
            code=code(rng),
            school=school,
            pupil=pupil,
            medicine_name=name,
            expiry_date=extra.pop("expiry", today + datetime.timedelta(days=rng.randint(90, 400))),
            dose_amount=extra.pop("dose", Decimal(1)),
            dose_unit=unit,
            method=method,
            timing=extra.pop("timing", "When needed"),
            parent_name="Parent",
            agreed_on=extra.pop("agreed", today - datetime.timedelta(days=rng.randint(20, 200))),
            storage_location=extra.pop("where", "Medical room cupboard"),
            recorded_by=medic,
            **extra,
        )
        agreements.append(agreement)
        return agreement

    if others:
        agree(
            others[0],
            "Methylphenidate 10 mg tablets",
            "tablet",
            "oral",
            times="12:30",
            timing="12:30 with lunch",
            controlled_drug=True,
            where="Locked cabinet, medical room",
        )
    if len(others) > 1:
        agree(
            others[1],
            "Amoxicillin 250 mg/5 ml oral suspension",
            "ml",
            "oral",
            dose=Decimal(5),
            times="12:15",
            timing="12:15, course of 7 days",
            expiry=today + datetime.timedelta(days=9),
            where="Medical room fridge",
        )
    if len(others) > 2:
        # The agreement lapsed yesterday: no dose may be given until parents sign again.
        agree(
            others[2],
            "Cetirizine 10 mg tablets",
            "tablet",
            "oral",
            ends_on=today - datetime.timedelta(days=1),
            agreed=today - datetime.timedelta(days=300),
        )
    for pupil in asthma[:3]:
        agree(
            pupil,
            "Salbutamol 100 micrograms inhaler",
            "puffs",
            "inhaled",
            dose=Decimal(2),
            timing="When wheezy, up to 10 puffs in an attack",
            self_administers=True,
            where="Carried; spare in medical room",
        )
    for pupil in allergy[:2]:
        agree(
            pupil,
            "Adrenaline 0.3 mg auto-injector",
            "pen",
            "injection",
            specialist="adrenaline",
            timing="In anaphylaxis",
            where="Carried; spare in the main office",
        )
    MedicineAgreement.objects.bulk_create(agreements)
    for index, agreement in enumerate(agreements):
        quantity = Decimal(4) if index == len(agreements) - 1 else Decimal(rng.choice([28, 60, 100, 200]))
        movements.append(
            StockMovement(
                code=code(rng),
                agreement=agreement,
                kind="received",
                quantity=quantity,
                occurred_on=agreement.agreed_on,
                person="Parent",
                recorded_by=medic,
            )
        )
    doses = []
    round_ones = [a for a in agreements if a.times and (a.ends_on is None or a.ends_on >= today)]
    for agreement in round_ones:
        for days in range(1, 6):
            when = now - datetime.timedelta(days=days)
            if when.weekday() >= 5:
                continue
            refused = days == 1 and agreement is round_ones[0]
            doses.append(
                DoseAdministration(
                    code=code(rng),
                    school=school,
                    pupil=agreement.pupil,
                    agreement=agreement,
                    outcome="refused" if refused else "given",
                    given_at=when,
                    round_time=agreement.round_times[0],
                    dose_given=None if refused else agreement.dose_amount,
                    given_by=medic,
                    witness=witness if agreement.controlled_drug and not refused else None,
                    reason="Refused: said it made her feel sick" if refused else "",
                    recorded_by=medic,
                )
            )
    DoseAdministration.objects.bulk_create(doses)
    movements += [
        StockMovement(
            code=code(rng),
            agreement=d.agreement,
            kind="given",
            quantity=d.dose_given,
            occurred_on=timezone.localdate(d.given_at),
            person=str(medic),
            dose=d,
            recorded_by=medic,
        )
        for d in doses
        if d.outcome == "given"
    ]
    StockMovement.objects.bulk_create(movements)
    EmergencyKitConsent.objects.bulk_create(
        [
            EmergencyKitConsent(
                code=code(rng),
                school=school,
                pupil=p,
                kit="salbutamol",
                parent_name="Parent",
                consent_on=today - datetime.timedelta(days=rng.randint(30, 300)),
                recorded_by=medic,
            )
            for p in asthma[:8]
        ]
    )
