"""Demo restorative meetings, drawn from the demo term's negative events (see `events.demo`)."""

import datetime
import uuid

from django.utils import timezone

from .models import RestorativeMeeting

AGREEMENTS = [
    "Apologised to each other and agreed to sit apart for two weeks.",
    "Agreed to come to the head of year if it starts again.",
    "Will write a letter of apology; check in on Friday.",
]


def seed_restorative(school, negatives, staff, rng):
    """About one restorative meeting for every forty negative events, some bringing two pupils together."""
    today = timezone.localdate()
    by_day = {}
    for event in negatives:
        by_day.setdefault(event.occurred_at.date(), []).append(event)
    plans = []
    for event in rng.sample(negatives, k=len(negatives) // 40):
        incidents = [event]
        others = [other for other in by_day[event.occurred_at.date()] if other.pupil_id != event.pupil_id]
        if others and rng.random() < 0.5:
            incidents.append(rng.choice(others))
        held_on = min(event.occurred_at.date() + datetime.timedelta(days=rng.randint(0, 2)), today)
        meeting = RestorativeMeeting(
            code=uuid.UUID(int=rng.getrandbits(128)),
            school=school,
            held_on=held_on,
            people_present="Pupils involved and their head of year",
            agreed=rng.choice(AGREEMENTS),
            repair_happened=rng.choice(RestorativeMeeting.Repair.values),
            follow_up_on=held_on + datetime.timedelta(days=14) if rng.random() < 0.5 else None,
            recorded_by=rng.choice(staff),
        )
        plans.append((meeting, incidents))
    RestorativeMeeting.objects.bulk_create([meeting for meeting, _incidents in plans])
    Incident = RestorativeMeeting.incidents.through
    Involved = RestorativeMeeting.pupils.through
    Incident.objects.bulk_create(
        [Incident(restorativemeeting=meeting, behaviourevent=event) for meeting, events in plans for event in events]
    )
    Involved.objects.bulk_create(
        [
            Involved(restorativemeeting=meeting, pupil_id=pupil_id)
            for meeting, events in plans
            for pupil_id in {event.pupil_id for event in events}
        ]
    )
