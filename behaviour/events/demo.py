"""A term of demo behaviour: mostly praise, some low-level disruption, and a few pupils who need support."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.models import School

from ..removals.demo import seed_removals
from ..restorative.demo import seed_restorative
from .models import BehaviourCategory, BehaviourEvent, Location, PupilRole
from .services import categories_seed_defaults, milestones_seed, phrases_seed

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
# The school day: each period with its start and length in minutes, so an event's time falls inside its period
# and the analytics heat map (columns ordered by the hour events happen) reads as the day runs.
SLOTS = [
    ("Registration", datetime.time(8, 40), 20),
    ("P1", datetime.time(9, 0), 60),
    ("P2", datetime.time(10, 0), 60),
    ("Break", datetime.time(11, 0), 20),
    ("P3", datetime.time(11, 20), 60),
    ("Lunch", datetime.time(12, 20), 50),
    ("P4", datetime.time(13, 10), 60),
    ("P5", datetime.time(14, 10), 60),
]
# A sensitive category (read by the pastoral and DSL teams and whoever logged the event) with a few events.
SENSITIVE_CATEGORY = "Sexualised behaviour"
SENSITIVE_STORIES = [
    "Made sexualised comments to a younger pupil at break; passed to the DSL.",
    "Drew sexualised images on another pupil's book; pastoral team informed.",
    "Repeated sexual name-calling in the corridor after a warning.",
    "Inappropriate touching reported by a classmate; both pupils spoken to separately.",
]
# Some negative events are logged together for several pupils, each with a role: the first pupil's role, then
# the others'. Every EVERY_SHARED-th event of these categories becomes one.
SHARED_ROLES = {
    "Fighting": [PupilRole.INSTIGATOR, PupilRole.TARGET],
    "Unkind words": [PupilRole.INSTIGATOR, PupilRole.TARGET, PupilRole.WITNESS],
    "Disruption": [PupilRole.INVOLVED, PupilRole.INVOLVED, PupilRole.BYSTANDER],
    "Defiance": [PupilRole.INSTIGATOR, PupilRole.WITNESS],
}
EVERY_SHARED = 5
# The phrase bank of the demo schools: (category name or None for every category, phrase).
PHRASES = [
    ("Disruption", "Talking over the teacher after two reminders."),
    ("Disruption", "Calling out repeatedly during the lesson."),
    ("Defiance", "Refused to follow a reasonable instruction."),
    ("Lateness to lesson", "Arrived late without a note."),
    ("Mobile phone", "Phone out in lesson; confiscated until the end of the day."),
    ("Unkind words", "Made a hurtful comment to another pupil."),
    ("Excellent work", "Outstanding piece of work, shared with the class."),
    ("Kindness", "Looked after a pupil who was upset."),
    (None, "Parents informed by phone."),
]


def seed_behaviour(school, staff_by_role, pupils, rng, term):
    categories_seed_defaults(school=school)
    sensitive, _ = BehaviourCategory.objects.get_or_create(
        school=school,
        name=SENSITIVE_CATEGORY,
        defaults={"kind": "negative", "points": 3, "severity": 4, "sensitive": True, "order": 20},
    )
    phrases_seed(school=school, phrases=PHRASES)
    staff = staff_by_role.get(Role.TEACHER, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    if not staff or not pupils or term is None:
        milestones_seed(school=school)
        return
    positive = list(BehaviourCategory.objects.filter(school=school, kind="positive"))
    negative = list(
        BehaviourCategory.objects.filter(school=school, kind="negative")
        .exclude(name="Fighting")
        .exclude(pk=sensitive.pk)
    )
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
        period, starts, minutes = rng.choice(SLOTS)
        when = timezone.make_aware(
            datetime.datetime.combine(day, starts) + datetime.timedelta(minutes=rng.randrange(minutes))
        )
        events.append(
            BehaviourEvent(
                school=school,
                pupil=pupil,
                category=category,
                occurred_at=min(when, timezone.now()),
                location=rng.choice(locations),
                period=period,
                description=DESCRIPTIONS.get(category.name, category.name),
                recorded_by=rng.choice(staff),
                group=uuid.UUID(int=rng.getrandbits(128)),
                submission_key=uuid.UUID(int=rng.getrandbits(128)),
                code=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    # A few of the term's negative events become sensitive ones, spread over the term. Nothing is drawn from rng
    # for them, so the rest of the demo stays as it was.
    negatives = [event for event in events if event.category.kind == BehaviourCategory.Kind.NEGATIVE]
    step = max(1, len(negatives) // len(SENSITIVE_STORIES))
    for event, story in zip(negatives[::step], SENSITIVE_STORIES, strict=False):
        event.category, event.description = sensitive, story
    _share_some_events(events, pupils, frequent)
    BehaviourEvent.objects.bulk_create(events, batch_size=1000)
    milestones_seed(school=school, milestones=_milestones_for(events))
    negatives = [event for event in events if event.category.kind == BehaviourCategory.Kind.NEGATIVE]
    # Removals and meetings are drawn from these events as they were made, in the same random sequence.
    seed_removals(school, negatives, staff, rng)
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    seed_restorative(school, negatives, leads or staff, rng)


def _share_some_events(events, pupils, frequent):
    """Join some negative events into ones logged together, with a mix of roles (see SHARED_ROLES).

    The events that join are the next negative ones of the term, taking the first one's category, time, place
    and words; a target is one of a few pupils, so the patterns page has pupils who are often the target.
    Nothing is drawn from rng and no event is added, so the rest of the demo (and its counts) stays as it was.
    """
    negatives = [
        event
        for event in events
        if event.category.kind == BehaviourCategory.Kind.NEGATIVE and not event.category.sensitive
    ]
    targets = [pupil for pupil in pupils if pupil not in frequent][:4] or pupils[:1]
    taken, seen = set(), 0
    for index, lead in enumerate(negatives):
        roles = SHARED_ROLES.get(lead.category.name)
        if roles is None or index in taken:
            continue
        seen += 1
        if seen % EVERY_SHARED:
            continue
        others = [j for j in range(index + 1, len(negatives)) if j not in taken][: len(roles) - 1]
        if len(others) < len(roles) - 1:
            break
        taken.add(index)
        lead.role = roles[0]
        in_group = {lead.pupil_id}
        for j, role in zip(others, roles[1:], strict=True):
            partner = negatives[j]
            if role == PupilRole.TARGET:
                partner.pupil = targets[seen // EVERY_SHARED % len(targets)]
            if partner.pupil.pk in in_group:
                continue
            taken.add(j)
            in_group.add(partner.pupil.pk)
            partner.role = role
            for field in ("category", "occurred_at", "location", "period", "description", "recorded_by", "group"):
                setattr(partner, field, getattr(lead, field))


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
