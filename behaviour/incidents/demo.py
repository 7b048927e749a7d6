"""Demo incidents with detail, follow-up actions and bullying records, including a pupil bullied repeatedly."""

import datetime
import uuid

from django.db.models import Count
from django.utils import timezone

from pastoral.accounts.roles import Role

from ..events.models import BehaviourCategory, BehaviourEvent
from .models import BullyingIncident, BullyingInvolvement, BullyingType, FollowUpAction, Incident, IncidentPupil

INCIDENTS = [
    (
        "Asked to put his phone away at the start of P4 after a difficult break time.",
        "Shouted at the teacher, threw a chair towards the wall and left the room.",
        "Time in the inclusion base; restorative conversation with the class teacher.",
        "Calm voice, offered a choice of leaving for a movement break, reduced the audience.",
        Incident.Dysregulated.YES,
        "",
    ),
    (
        "Queue for lunch; another pupil pushed in front.",
        "Punched the other pupil twice in the arm before staff separated them.",
        "Internal exclusion for the afternoon; parents met the head of year.",
        "Staff stood between them and spoke quietly; moved the other pupil away.",
        Incident.Dysregulated.YES,
        "Bruising to the other pupil's upper arm; ice pack from the first aider.",
    ),
    (
        "Supply teacher in Science; seating plan changed.",
        "Refused to move seat, swore at the teacher and kicked a bin across the room.",
        "Detention; report card for a week.",
        "Offered a choice of two seats; gave take-up time.",
        Incident.Dysregulated.UNSURE,
        "",
    ),
]
ACTIONS = [
    "Call home to follow up the meeting",
    "Review the seating plan with the class teacher",
    "Refer to the school counsellor",
    "Check in with the pupil on Monday morning",
    "Update the pupil's support plan",
]
BULLYING = [
    ([BullyingType.VERBAL, BullyingType.RACIST], "Called racist names in the corridor, more than once this week."),
    ([BullyingType.CYBER], "Group chat messages mocking her; screenshots given by a friend."),
    ([BullyingType.RELATIONAL, BullyingType.VERBAL], "Left out of the group on purpose; rumours spread about her."),
    ([BullyingType.PHYSICAL], "Pushed into lockers on the way to PE."),
    ([BullyingType.HBT], "Homophobic comments in the changing room."),
]


def seed_incidents(school, staff_by_role, pupils, rng, term):
    staff = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    if not staff or len(pupils) < 6 or term is None:
        return
    negative = list(
        BehaviourEvent.objects.filter(
            school=school, voided_at__isnull=True, category__kind=BehaviourCategory.Kind.NEGATIVE
        )
        .exclude(category__sensitive=True)  # the incident stories are fights and outbursts
        .order_by("-category__severity", "-occurred_at")
        .select_related("pupil")[:40]
    )
    # One event for each group of events logged together: an incident details the whole group.
    negative = list({event.group: event for event in reversed(negative)}.values())[::-1]
    # The first incident is always one of several pupils logged together in different roles, whichever events the
    # day of the run puts among the most severe.
    shared = (
        BehaviourEvent.objects.filter(
            school=school, voided_at__isnull=True, category__kind=BehaviourCategory.Kind.NEGATIVE
        )
        .exclude(category__sensitive=True)
        .values("group")
        .annotate(pupils=Count("pupil", distinct=True), roles=Count("role", distinct=True))
        .filter(pupils__gte=2, roles__gte=2)
        .order_by("group")
        .values_list("group", flat=True)[:1]
    )
    first = [event for event in BehaviourEvent.objects.filter(group__in=list(shared)).order_by("pk")[:1]]
    others = [event for event in negative if not first or event.group != first[0].group]
    chosen = first + rng.sample(others, k=min(len(INCIDENTS) - len(first), len(others)))
    today = timezone.localdate()
    incidents = []
    for index, event in enumerate(chosen):
        antecedent, behaviour, consequence, deescalation, dysregulated, injuries = INCIDENTS[index]
        informed = index != 2
        incident = Incident.objects.create(
            school=school,
            group=event.group,
            antecedent=antecedent,
            behaviour=behaviour,
            consequence=consequence,
            deescalation=deescalation,
            dysregulated=dysregulated,
            injuries=bool(injuries),
            injury_details=injuries,
            parents_informed=informed,
            parents_informed_at=min(event.occurred_at + datetime.timedelta(hours=2), timezone.now())
            if informed
            else None,
            parents_informed_how="phone" if informed else "",
            parents_informed_by=staff[0] if informed else None,
            recorded_by=rng.choice(staff),
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
            code=uuid.UUID(int=rng.getrandbits(128)),
        )
        group = list(BehaviourEvent.objects.filter(group=event.group))
        incident.events.set(group)
        # Each pupil of the events logged together, in the role their event gives them.
        IncidentPupil.objects.bulk_create(
            [IncidentPupil(incident=incident, pupil_id=linked.pupil_id, role=linked.role) for linked in group]
        )
        incidents.append(incident)
        # One overdue action, one due soon, and one done.
        for offset, done in ((-3, False), (5, False), (-7, True)):
            FollowUpAction.objects.create(
                incident=incident,
                description=rng.choice(ACTIONS),
                owner=rng.choice(staff),
                due_on=today + datetime.timedelta(days=offset),
                done_at=timezone.now() - datetime.timedelta(days=1) if done else None,
                done_by=staff[0] if done else None,
                created_by=incident.recorded_by,
                submission_key=uuid.UUID(int=rng.getrandbits(128)),
                code=uuid.UUID(int=rng.getrandbits(128)),
            )
    _seed_bullying(school, staff, pupils, rng, term)


def _seed_bullying(school, staff, pupils, rng, term):
    """Five records: one pupil is the victim in three of them, and one pupil the perpetrator in two."""
    today = timezone.localdate()
    span = max((min(term.end, today) - term.start).days, 1)
    victim, bully, *others = rng.sample(pupils, k=6)
    plans = [
        ([victim], [bully]),
        ([victim], [bully, others[0]]),
        ([victim], [others[1]]),
        ([others[2]], [others[3]]),
        ([others[0]], []),
    ]
    for (types, description), (victims, perpetrators) in zip(BULLYING, plans, strict=True):
        record = BullyingIncident.objects.create(
            school=school,
            occurred_on=term.start + datetime.timedelta(days=rng.randrange(span)),
            types=[str(value) for value in types],
            description=description,
            outcome=rng.choice(BullyingIncident.Outcome.values),
            recorded_by=rng.choice(staff),
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
            code=uuid.UUID(int=rng.getrandbits(128)),
        )
        BullyingInvolvement.objects.bulk_create(
            [BullyingInvolvement(bullying=record, pupil=p, role="victim") for p in victims]
            + [BullyingInvolvement(bullying=record, pupil=p, role="perpetrator") for p in perpetrators]
        )
