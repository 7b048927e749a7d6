"""The core's term of demo activity: a contact log that looks like a real pastoral team's."""

import datetime

from django.utils import timezone

from ..accounts.roles import Role
from ..models import PupilNote

NOTES = [
    ("phone_call", "Called home about punctuality", "Mum says the bus has been late; agreed to try the earlier one."),
    ("phone_call", "Positive call home", "Rang dad to share a great week in lessons and two merits."),
    ("meeting", "Parents' meeting about friendships", "Met both parents. Agreed a lunchtime check-in for two weeks."),
    ("check_in", "Morning check-in", "Settled, had breakfast at club, ready for the day."),
    (
        "check_in",
        "Check-in after a difficult lunchtime",
        "Upset after a falling-out; talked it through, back to lesson.",
    ),
    ("observation", "Seemed tired and withdrawn in form time", "Passed to keyworker to follow up."),
    ("email", "Email from carer about a family bereavement", "Staff informed to be mindful this week."),
    ("agency", "Update from school nurse", "Nurse will see the pupil at the drop-in next Tuesday."),
]


def seed_contact_log(school, staff_by_role, pupils, rng, term):
    authors = staff_by_role.get(Role.PASTORAL_STAFF, []) + staff_by_role.get(Role.PASTORAL_LEAD, [])
    if not authors or not pupils:
        return
    today = timezone.localdate()
    last_day = min(term.end, today)
    span = max((last_day - term.start).days, 1)
    notes = []
    for pupil in rng.sample(list(pupils), k=min(len(pupils), len(pupils) // 4)):
        for _ in range(rng.randint(1, 3)):
            kind, summary, detail = rng.choice(NOTES)
            day = term.start + datetime.timedelta(days=rng.randrange(span))
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=day.weekday() - 4)
            when = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.choice([0, 15, 30, 45])))
            )
            notes.append(
                PupilNote(
                    pupil=pupil,
                    kind=kind,
                    occurred_at=min(when, timezone.now()),
                    summary=summary,
                    detail=detail,
                    author=rng.choice(authors),
                )
            )
    PupilNote.objects.bulk_create(notes)
