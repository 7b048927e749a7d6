"""Demo keywork: caseloads built from the pupils' keyworkers, weekly or fortnightly contact, sessions with moods
and actions, and some pupils not seen for longer than agreed (flagged as overdue)."""

import datetime

from django.utils import timezone

from pastoral.accounts.roles import Role

from .models import KeyworkAction, KeyworkAssignment, KeyworkSession

TOPICS = [
    "Talked about lunchtimes and who to sit with; practised the breathing square.",
    "Worried about the maths test; planned what to do if it feels too much.",
    "Good week: football club went well. Reviewed the time-out card.",
    "Falling out with a friend at the weekend; talked through repairing it.",
    "Tired and quiet; sleep has been poor. Agreed to tell mum about the worry box.",
]


def seed_keywork(school, staff_by_role, pupils, rng, term):
    keyworkers = staff_by_role.get(Role.PASTORAL_STAFF, []) + staff_by_role.get(Role.PASTORAL_LEAD, [])
    if not keyworkers or not pupils:
        return
    today = timezone.localdate()
    chosen = [p for p in pupils if p.keyworker_id][:18] or rng.sample(pupils, min(12, len(pupils)))
    by_id = {user.pk: user for user in keyworkers}
    for index, pupil in enumerate(chosen):
        keyworker = by_id.get(pupil.keyworker_id) or keyworkers[index % len(keyworkers)]
        frequency = KeyworkAssignment.Frequency.WEEKLY if index % 3 else KeyworkAssignment.Frequency.FORTNIGHTLY
        assignment = KeyworkAssignment.objects.create(
            school=school,
            pupil=pupil,
            keyworker=keyworker,
            starts_on=today - datetime.timedelta(days=70 + index),
            frequency_days=frequency,
            created_by=keyworker,
        )
        if pupil.keyworker_id != keyworker.pk:
            pupil.keyworker = keyworker
            pupil.save(update_fields=["keyworker"])
        # Every fourth pupil was last seen well before the agreed contact: flagged overdue on the caseload.
        gap = frequency + 10 if index % 4 == 0 else rng.randint(1, max(1, frequency - 1))
        day = today - datetime.timedelta(days=gap)
        mood = 2 + (index % 3)
        while day >= assignment.starts_on:
            session = KeyworkSession.objects.create(
                school=school,
                pupil=pupil,
                held_on=day,
                minutes=rng.choice([10, 15, 20, 30]),
                kind=rng.choice([KeyworkSession.Kind.PLANNED, KeyworkSession.Kind.CHECK_IN]),
                mood=max(1, min(5, mood + rng.choice([-1, 0, 0, 1]))),
                zone=rng.choice(["green", "green", "yellow", "blue", "red"]),
                discussion=rng.choice(TOPICS),
                author=keyworker,
            )
            if day == today - datetime.timedelta(days=gap):
                KeyworkAction.objects.create(
                    session=session,
                    pupil=pupil,
                    text="Check in with form tutor about seating",
                    owner=keyworker,
                    due_on=day + datetime.timedelta(days=5),
                )
            day -= datetime.timedelta(days=frequency)
    # One pupil has a second keyworker (the pastoral lead) for a crisis period.
    leads = staff_by_role.get(Role.PASTORAL_LEAD, [])
    if leads and chosen and leads[0].pk != chosen[0].keyworker_id:
        KeyworkAssignment.objects.create(
            school=school,
            pupil=chosen[0],
            keyworker=leads[0],
            starts_on=today - datetime.timedelta(days=14),
            frequency_days=KeyworkAssignment.Frequency.TWICE_WEEKLY,
            created_by=leads[0],
        )
