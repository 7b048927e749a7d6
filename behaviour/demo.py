"""A term of demo behaviour: mostly praise, some low-level disruption, and a few pupils who need support."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.models import School

from .models import BehaviourCategory, BehaviourEvent, Location, Removal, RestorativeMeeting
from .services import categories_seed_defaults, milestones_seed

DESCRIPTIONS = {
    "Excellent work": "Outstanding piece of work, shared with the class.",
    "Helping others": "Helped a classmate who was struggling without being asked.",
    "Effort": "Kept going with a hard task and finished it.",
    "Kindness": "Looked after a younger pupil who was upset.",
    "Disruption": "Talking over the teacher repeatedly after reminders.",
    "Defiance": "Refused to follow a reasonable instruction.",
    "Lateness to lesson": "Arrived ten minutes late without a note.",
    "Unkind words": "Made a hurtful comment to another pupil.",
    "Mobile phone": "Phone out in lesson; confiscated until end of day.",
    "Fighting": "Physical altercation; separated by staff.",
}
PERIODS = ["P1", "P2", "P3", "P4", "P5", "Break", "Lunch", "Registration"]


def seed_behaviour(school, staff_by_role, pupils, rng, term):
    categories_seed_defaults(school=school)
    staff = staff_by_role.get(Role.TEACHER, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    if not staff or not pupils or term is None:
        milestones_seed(school=school)
        return
    positive = list(BehaviourCategory.objects.filter(school=school, kind="positive"))
    negative = list(BehaviourCategory.objects.filter(school=school, kind="negative").exclude(name="Fighting"))
    fighting = BehaviourCategory.objects.filter(school=school, name="Fighting").first()
    locations = list(Location.objects.filter(school=school))
    today = timezone.localdate()
    span = max((min(term.end, today) - term.start).days, 1)
    total = 3000 if school.phase == School.Phase.SECONDARY else 600
    # A few pupils attract most of the negative events, as in any school.
    frequent = rng.sample(pupils, k=max(1, len(pupils) // 20))
    events = []
    for _ in range(total):
        is_positive = rng.random() < 0.75
        if is_positive:
            category, pupil = rng.choice(positive), rng.choice(pupils)
        else:
            category = fighting if fighting and rng.random() < 0.02 else rng.choice(negative)
            pupil = rng.choice(frequent) if rng.random() < 0.4 else rng.choice(pupils)
        day = term.start + datetime.timedelta(days=rng.randrange(span))
        if day.weekday() >= 5:
            day -= datetime.timedelta(days=day.weekday() - 4)
        when = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)))
        )
        events.append(
            BehaviourEvent(
                school=school,
                pupil=pupil,
                category=category,
                occurred_at=min(when, timezone.now()),
                location=rng.choice(locations),
                period=rng.choice(PERIODS),
                description=DESCRIPTIONS.get(category.name, category.name),
                recorded_by=rng.choice(staff),
                group=uuid.UUID(int=rng.getrandbits(128)),
                submission_key=uuid.UUID(int=rng.getrandbits(128)),
                code=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    BehaviourEvent.objects.bulk_create(events, batch_size=1000)
    milestones_seed(school=school, milestones=_milestones_for(events))
    negatives = [event for event in events if event.category.kind == BehaviourCategory.Kind.NEGATIVE]
    _seed_removals(school, negatives, staff, rng)
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    _seed_restorative(school, negatives, leads or staff, rng)


REMOVED_TO = ["Reflection room", "Head of year's office", "Partner classroom", "Inclusion base"]
REMOVAL_REASONS = [
    "Continued to disrupt after a final warning.",
    "Refused to follow instructions and was stopping others from learning.",
    "Needed time away from the class to calm down.",
]
AGREEMENTS = [
    "Apologised to each other and agreed to sit apart for two weeks.",
    "Agreed to come to the head of year if it starts again.",
    "Will write a letter of apology; check in on Friday.",
]


def _seed_removals(school, negatives, staff, rng):
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


def _seed_restorative(school, negatives, staff, rng):
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


def _milestones_for(events):
    """Bronze to Platinum set where half, a fifth, a twentieth and the very top of the pupils reach them.

    A demo term holds far fewer points than a whole year, so fixed thresholds such as 25/50/100/200 would
    leave the rewards page empty.
    """
    totals = {}
    for event in events:
        if event.category.kind == BehaviourCategory.Kind.POSITIVE:
            totals[event.pupil_id] = totals.get(event.pupil_id, 0) + event.category.points
    ranked = sorted(totals.values(), reverse=True) or [1]
    milestones, floor = [], 0
    for name, share in (("Bronze", 0.5), ("Silver", 0.2), ("Gold", 0.05), ("Platinum", 0.0)):
        points = max(ranked[int(len(ranked) * share)], floor + 1)
        milestones.append((f"{name} certificate", points))
        floor = points
    return milestones


def seed_rising_behaviour(school, staff_by_role, pupils, rng, term):
    """Moves some negative events of three pupils into the last ten days, so the rising-behaviour panel has
    rows. Events are moved rather than added, and only those without a removal or meeting, so the other
    seeders' proportions hold."""
    from django.db.models import Count

    today = timezone.localdate()
    now = timezone.now()
    free = BehaviourEvent.objects.filter(
        school=school, category__kind="negative", removals__isnull=True, restorative_meetings__isnull=True
    )
    busiest = free.values("pupil_id").annotate(events=Count("pk")).filter(events__gte=4).order_by("-events", "pupil_id")
    moved = []
    for row in rng.sample(list(busiest[:20]), k=min(3, len(busiest[:20]))):
        for event in free.filter(pupil_id=row["pupil_id"]).order_by("pk")[: rng.randint(4, 6)]:
            day = today - datetime.timedelta(days=rng.randint(0, 10))
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=day.weekday() - 4)
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 14), 15)))
            event.occurred_at = min(when, now)
            moved.append(event)
    BehaviourEvent.objects.bulk_update(moved, ["occurred_at"])
