"""Demo safeguarding activity: a handful of concerns a term, some triaged and referred, one urgent and new."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role

from .models import (
    BodyMark,
    CaseAction,
    Concern,
    CoverSlot,
    DecisionRecord,
    ExpectedFile,
    FileTransfer,
    Notification,
    Referral,
)
from .selectors import transfer_due_by
from .services import categories_ensure

SCENARIOS = [
    (
        "Physical abuse",
        "Noticed bruising on the upper arm while the pupil rolled up a sleeve in PE.",
        "My dad grabbed me because I didn't tidy my room.",
        True,
    ),
    (
        "Neglect",
        "Pupil has arrived without breakfast four days this week and is wearing the same uniform, unwashed.",
        "",
        False,
    ),
    (
        "Online safety",
        "Pupil showed a friend messages from an adult stranger asking for photos.",
        "He said he'd tell everyone if I didn't send one.",
        False,
    ),
    (
        "Mental health",
        "Pupil was tearful in tutor time and said she could not cope at home.",
        "I don't want to be here any more.",
        False,
    ),
    (
        "Child-on-child abuse (including sexual violence and harassment)",
        "Overheard a group of Year 10 boys making sexual comments to a girl in the corridor.",
        "",
        False,
    ),
    (
        "Attendance / children missing education",
        "Third unexplained absence this fortnight; no answer from home.",
        "",
        False,
    ),
    (
        "Domestic abuse",
        "Pupil said the police came to the house last night after shouting.",
        "Mum was crying and there was glass everywhere.",
        False,
    ),
]


def _when(term, today, rng):
    span = max((min(term.end, today) - term.start).days, 1)
    day = term.start + datetime.timedelta(days=rng.randrange(span))
    if day.weekday() >= 5:
        day -= datetime.timedelta(days=day.weekday() - 4)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.randint(0, 59))))


def seed_safeguarding(school, staff_by_role, pupils, rng, term):
    categories = {c.name: c for c in categories_ensure(school)}
    reporters = staff_by_role.get(Role.TEACHER, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    dsls = staff_by_role.get(Role.DSL, []) + staff_by_role.get(Role.DEPUTY_DSL, [])
    if not reporters or not dsls or not pupils or term is None:
        return
    today = timezone.localdate()
    count = 24 if len(pupils) > 300 else 10
    for i in range(count):
        name, account, words, marked = SCENARIOS[i % len(SCENARIOS)]
        pupil = rng.choice(pupils)
        when = _when(term, today, rng)
        newest = i >= count - 2
        concern = Concern.objects.create(
            school=school,
            reporter=rng.choice(reporters),
            reported_at=when + datetime.timedelta(minutes=20),
            occurred_at=when,
            location=rng.choice(["Classroom", "Corridor", "PE changing room", "Tutor room", "Playground"]),
            category=categories[name],
            account=account,
            child_words=words,
            immediate_action="Reassured the pupil and told them I would pass this on to keep them safe.",
            others_informed="Head of year",
            urgent=newest and i == count - 1,
            submission_key=uuid.uuid4(),
        )
        concern.pupils.set([pupil])
        if marked:
            BodyMark.objects.create(
                concern=concern, side="front", x=72, y=58, note="Three oval bruises, fingertip size"
            )
        for dsl in dsls:
            Notification.objects.create(recipient=dsl, concern=concern, read_at=None if newest else when)
        if newest:
            continue
        owner = rng.choice(dsls)
        decision = rng.choice(["monitor", "early_help", "csc", "nfa", "monitor"])
        reasons = {
            "monitor": "First concern; pattern not yet clear. Tutor to check in daily for two weeks.",
            "early_help": "Family struggling but no indication of significant harm; parent agrees to Early Help.",
            "csc": "Indicators of significant harm; threshold for a referral to children's social care met.",
            "nfa": "Spoke to the pupil and parent; explanation consistent and no further concerns.",
        }
        concern.owner = owner
        concern.status = Concern.Status.OPEN
        concern.decision = decision
        DecisionRecord.objects.create(
            concern=concern,
            decision=decision,
            reason=reasons[decision],
            decided_by=owner,
            decided_at=when + datetime.timedelta(hours=2),
        )
        CaseAction.objects.create(
            concern=concern,
            description="Check in with the pupil and record how they are",
            owner=owner,
            due_on=(when + datetime.timedelta(days=rng.randint(3, 20))).date(),
            created_by=owner,
        )
        if decision == "csc":
            Referral.objects.create(
                school=school,
                concern=concern,
                pupil=pupil,
                agency=Referral.Agency.CSC,
                referred_on=when.date(),
                reference=f"MASH-{rng.randint(10000, 99999)}",
                follow_up_due=when.date() + datetime.timedelta(days=3),
                made_by=owner,
            )
        if decision == "nfa" and rng.random() < 0.7:
            concern.status = Concern.Status.CLOSED
            concern.outcome = "No further concerns after two weeks of check-ins."
            concern.referral_made = False
            concern.referral_rationale = "Threshold not met; parent engaged and explanation consistent."
            concern.closed_at = when + datetime.timedelta(days=14)
            concern.closed_by = owner
        concern.save()
    leaver = pupils[-1]
    leave = today - datetime.timedelta(days=9)
    FileTransfer.objects.create(
        school=school,
        pupil=leaver,
        kind=FileTransfer.Kind.IN_YEAR,
        leave_date=leave,
        due_by=transfer_due_by(school, leave, FileTransfer.Kind.IN_YEAR),
        destination="Moor End High School",
        destination_urn="108000",
        created_by=dsls[0],
    )
    # A new pupil's CP file that has not come from the previous school (flagged), and tonight's cover.
    newcomer = pupils[-2]
    ExpectedFile.objects.create(
        school=school,
        pupil=newcomer,
        from_school="Hillside Primary School",
        expected_by=today - datetime.timedelta(days=3),
        created_by=dsls[0],
    )
    evening = timezone.make_aware(datetime.datetime.combine(today, datetime.time(17, 0)))
    CoverSlot.objects.create(
        school=school,
        starts_at=evening,
        ends_at=evening + datetime.timedelta(hours=15),
        staff=dsls[-1],
        phone="07700 900777",
        notes="School mobile; the local authority out-of-hours team if no answer",
        created_by=dsls[0],
    )
