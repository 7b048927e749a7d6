"""Demo accidents: a head injury whose letter is still to give, a trip to hospital flagged for RIDDOR, and a pupil
with repeated accidents for the trends page."""

import datetime

from django.utils import timezone

from ..demo import code, medic_of
from .models import Accident

LOCATIONS = ["Playground", "PE hall", "Field", "Corridor", "Dining hall", "Science lab", "Stairs by the library"]


def seed_accidents(school, staff_by_role, pupils, rng, term):
    medic = medic_of(staff_by_role)
    if medic is None:
        return
    now = timezone.now()
    accidents = []
    for index, pupil in enumerate(rng.sample(pupils, k=min(14, len(pupils)))):
        when = now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 5))
        head = index == 0
        hospital = index == 1
        told = not head and rng.random() < 0.8
        accidents.append(
            Accident(
                code=code(rng),
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
                    code=code(rng),
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
