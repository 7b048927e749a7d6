"""Demo medical records for `make demo`: conditions from the pupils' alerts, healthcare plans, medicines with
stock and doses, emergency kit consent and an accident log, in every state worth seeing: an overdue plan review,
arrangements due, expiring and low stock, a lapsed agreement, a refused dose with parents not yet told, a head
injury whose letter is still to give and an accident flagged for RIDDOR."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from pastoral.accounts.roles import Role

from .conditions.models import MedicalCondition
from .conditions.selectors import condition_types_for
from .emergency.models import MedicalSettings
from .first_aid.models import Accident
from .medication.models import DoseAdministration, EmergencyKitConsent, MedicineAgreement, StockMovement
from .plans.models import HealthcarePlan, default_review_date

KINDS = [
    ("Asthma", "Asthma", "moderate"),
    ("Anaphylaxis", "Anaphylaxis / severe allergy", "life"),
    ("Epilepsy", "Epilepsy", "severe"),
    ("diabetes", "Type 1 diabetes", "severe"),
    ("Sickle", "Sickle cell disease", "moderate"),
    ("Heart", "Heart condition", "severe"),
    ("eczema", "Eczema", "mild"),
]
LOCATIONS = ["Playground", "PE hall", "Field", "Corridor", "Dining hall", "Science lab", "Stairs by the library"]


def _kind(alert):
    for word, name, severity in KINDS:
        if word.lower() in alert.lower():
            return name, severity
    return None, "moderate"


def _code(rng):
    return uuid.UUID(int=rng.getrandbits(128))


def seed_medical(school, staff_by_role, pupils, rng, term):
    medics = staff_by_role.get(Role.MEDICAL_LEAD) or staff_by_role.get(Role.PASTORAL_LEAD) or []
    if not medics:
        return
    medic = medics[0]
    staff = [u for role, users in staff_by_role.items() if role != Role.TRUST_LEADER for u in users]
    witness = next((u for u in staff if u.pk != medic.pk), medic)
    today = timezone.localdate()
    now = timezone.now()
    types = {t.name: t for t in condition_types_for(school)}
    MedicalSettings.objects.update_or_create(
        school=school,
        defaults={
            "phone_number": "0113 496 0" + str(rng.randint(100, 999)),
            "address": f"{school.name}, Moor Road, Leeds",
            "postcode": "LS6 " + rng.choice(["2AB", "4QD", "1JN"]),
            "exact_location": "Main building: the medical room is next to reception, ground floor",
            "best_entrance": "Main gate on Moor Road; the site team will meet the crew at reception",
        },
    )
    with_alert = [p for p in pupils if p.medical_alert][:24]
    conditions = []
    for index, pupil in enumerate(with_alert):
        name, severity = _kind(pupil.medical_alert)
        # The last pupil joined five days ago with a new diagnosis: arrangements are due within two weeks.
        identified = today - datetime.timedelta(days=5 if index == len(with_alert) - 1 else rng.randint(60, 900))
        conditions.append(
            MedicalCondition(
                code=_code(rng),
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

    plans = []
    for index, condition in enumerate(conditions[:-1]):
        if not condition.needs_plan:
            continue
        overdue = index == 0
        plan_date = today - datetime.timedelta(days=375 if overdue else rng.randint(20, 300))
        plans.append(
            HealthcarePlan(
                code=_code(rng),
                school=school,
                pupil=condition.pupil,
                status=HealthcarePlan.Status.ACTIVE,
                plan_date=plan_date,
                review_date=today - datetime.timedelta(days=10) if overdue else default_review_date(plan_date),
                ehcp_linked=condition.pupil.sen_status == "E",
                diagnosis=condition.name,
                symptoms="See the school nurse's notes",
                medication=condition.medication_location,
                emergency_signs="Breathing difficulty, collapse, or a seizure lasting more than 5 minutes",
                emergency_action="Call 999, give the emergency medicine as trained, then call parents",
                emergency_responsible="Medical lead or the nearest first aider",
                developed_with_parents=True,
                developed_with_parent_names="Parents",
                developed_with_professional="Kerry Lomas, school nurse",
                recorded_by=medic,
            )
        )
    HealthcarePlan.objects.bulk_create(plans)
    for plan in plans:
        plan.supporters.add(medic)

    asthma = [c.pupil for c in conditions if c.name == "Asthma"]
    allergy = [c.pupil for c in conditions if c.name.startswith("Anaphylaxis")]
    others = [p for p in pupils if not p.medical_alert]
    agreements, movements = [], []

    def agree(pupil, name, unit, method, **extra):
        agreement = MedicineAgreement(
            code=_code(rng),
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
                code=_code(rng),
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
                    code=_code(rng),
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
            code=_code(rng),
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
                code=_code(rng),
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

    accidents = []
    for index, pupil in enumerate(rng.sample(pupils, k=min(14, len(pupils)))):
        when = now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 5))
        head = index == 0
        hospital = index == 1
        told = not head and rng.random() < 0.8
        accidents.append(
            Accident(
                code=_code(rng),
                school=school,
                pupil=pupil,
                occurred_at=when,
                location=rng.choice(LOCATIONS),
                what_happened="Collided with another pupil while running" if head else "Fell during play",
                injury="bump" if head else ("fracture" if hospital else rng.choice(["cut", "bruise", "sprain"])),
                body_part="head" if head else ("arm" if hospital else rng.choice(["knee", "hand", "leg", "foot"])),
                head_injury=head,
                treatment="Cold compress; observed for 30 minutes" if head else "Cleaned and dressed",
                treated_by=medic,
                outcome="hospital" if hospital else "class",
                riddor_possible=hospital,
                parents_informed=head or told,
                parents_informed_at=when + datetime.timedelta(minutes=30) if head or told else None,
                parents_informed_how="phone" if head or told else "",
                parents_informed_by=medic if head or told else None,
                recorded_by=medic,
            )
        )
    # A pupil with repeated accidents shows on the trends page as a pattern to look at.
    if pupils:
        repeat = pupils[-1]
        for days in (3, 12, 25):
            accidents.append(
                Accident(
                    code=_code(rng),
                    school=school,
                    pupil=repeat,
                    occurred_at=now - datetime.timedelta(days=days),
                    location="Playground",
                    what_happened="Says they fell over",
                    injury="bruise",
                    body_part=rng.choice(["arm", "leg", "back"]),
                    head_injury=False,
                    treatment="Cold compress",
                    treated_by=medic,
                    parents_informed=False,
                    recorded_by=medic,
                )
            )
    Accident.objects.bulk_create(accidents)
