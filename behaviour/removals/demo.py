"""Demo removals from class, drawn from the demo term's negative events (see `events.demo`)."""

import datetime
import uuid

from django.utils import timezone

from .models import Removal

REMOVED_TO = ["Reflection room", "Head of year's office", "Partner classroom", "Inclusion base"]
REMOVAL_REASONS = [
    "Continued to disrupt after a final warning.",
    "Refused to follow instructions and was stopping others from learning.",
    "Needed time away from the class to calm down.",
]


def seed_removals(school, negatives, staff, rng):
    """About one removal for every twenty negative events, each linked to its event."""
    now = timezone.now()
    removals = []
    for event in rng.sample(negatives, k=len(negatives) // 20):
        removed_at = min(event.occurred_at + datetime.timedelta(minutes=rng.randint(1, 10)), now)
        told = rng.random() < 0.6
        removals.append(
            Removal(
                code=uuid.UUID(int=rng.getrandbits(128)),
                school=school,
                pupil=event.pupil,
                event=event,
                removed_at=removed_at,
                lesson=event.period,
                reason=rng.choice(REMOVAL_REASONS),
                removed_to=rng.choice(REMOVED_TO),
                duration_minutes=rng.choice([15, 20, 30, 45, 60]),
                parents_told=told,
                parents_told_at=min(removed_at + datetime.timedelta(hours=rng.randint(1, 4)), now) if told else None,
                parents_told_how=rng.choice(Removal.ParentsToldHow.values) if told else "",
                parents_told_by=event.recorded_by if told else None,
                recorded_by=event.recorded_by,
            )
        )
    Removal.objects.bulk_create(removals)
