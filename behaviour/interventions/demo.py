"""Demo physical interventions: a handful a term, mostly for a few pupils with SEN, some still outstanding."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.models import Pupil

from ..events.models import Location
from .models import InterventionTechnique, RestrictiveIntervention, StaffTraining
from .services import techniques_seed_defaults

ANTECEDENTS = [
    "Became distressed when the fire alarm test sounded and ran towards the car park gate.",
    "Argument over a football at lunch escalated; pupil picked up a chair to throw.",
    "Refused to leave the corridor after a peer's comment and began kicking the door.",
    "Tried to hit another pupil who had taken their seat.",
]
RATIONALES = [
    "Pupil was running towards the road; holding was needed to prevent serious injury.",
    "To stop the chair being thrown at other pupils; lower-level strategies had not worked.",
    "To prevent harm to the pupil and a younger child nearby.",
]
SUPPORT = [
    "Quiet time in the calm room with their keyworker; water and a snack offered.",
    "Check-in with the SENCo the next morning; parents offered a meeting.",
]


def seed_interventions(school, staff_by_role, pupils, rng, term):
    techniques_seed_defaults(school=school)
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.HEADTEACHER, [])
    staff = (
        staff_by_role.get(Role.PASTORAL_STAFF, [])
        + staff_by_role.get(Role.TEACHER, [])
        + staff_by_role.get(Role.SENCO, [])
    )
    if not staff or not pupils or term is None or not leads:
        return
    today = timezone.localdate()
    lead = leads[0]
    # Training: everyone who holds pupils has Team Teach, except one teacher whose course has lapsed,
    # and two people whose certificates expire within the next 60 days.
    trainees = list(dict.fromkeys(staff + leads))
    lapsed = staff_by_role.get(Role.TEACHER, [staff[-1]])[-1]
    records = []
    for index, user in enumerate(trainees):
        completed = today - datetime.timedelta(days=rng.randint(100, 600))
        expires = completed + datetime.timedelta(days=3 * 365)
        if user == lapsed:
            completed, expires = today - datetime.timedelta(days=800), today - datetime.timedelta(days=70)
        elif index in (0, 2):
            expires = today + datetime.timedelta(days=rng.randint(10, 55))
        records.append(
            StaffTraining(
                code=uuid.UUID(int=rng.getrandbits(128)),
                school=school,
                user=user,
                course=StaffTraining.Course.TEAM_TEACH,
                positive_handling=True,
                completed_on=completed,
                expires_on=expires,
                tutor=index == 1,
                recorded_by=lead,
            )
        )
        if rng.random() < 0.4:
            records.append(
                StaffTraining(
                    code=uuid.UUID(int=rng.getrandbits(128)),
                    school=school,
                    user=user,
                    course=StaffTraining.Course.FIRST_AID,
                    completed_on=today - datetime.timedelta(days=rng.randint(30, 900)),
                    expires_on=today + datetime.timedelta(days=rng.randint(20, 700)),
                    recorded_by=lead,
                )
            )
    StaffTraining.objects.bulk_create(records)

    holds = list(InterventionTechnique.objects.filter(school=school, scheme="team_teach"))
    locations = list(Location.objects.filter(school=school)) or [None]
    sen_pupils = [p for p in pupils if p.sen_status != Pupil.SEN.NONE] or pupils
    frequent = rng.sample(sen_pupils, k=min(3, len(sen_pupils)))
    start = term.start
    span = max((today - start).days, 1)
    plans = []
    count = 14
    for index in range(count):
        pupil = rng.choice(frequent) if rng.random() < 0.7 else rng.choice(pupils)
        # The newest few fall in the last week so some are still outstanding.
        days_ago = index if index < 4 else rng.randrange(5, span + 1)
        day = today - datetime.timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        hour, minute = rng.choice([9, 10, 11, 12, 13, 14, 15]), rng.randint(0, 35)
        minutes = rng.choice([2, 3, 5, 5, 8, 10, 12, 20])
        kind = rng.choices(list(RestrictiveIntervention.Type.values), weights=[8, 2, 1])[0]
        trained = [user for user in staff if user != lapsed] or staff
        involved = rng.sample(trained, k=min(2, len(trained)))
        if index == 1:
            involved = [lapsed]  # the untrained-staff flag the lead must follow up
        recorded_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
        if index == 5:
            recorded_at += datetime.timedelta(days=1)  # one recorded late
        record = RestrictiveIntervention(
            code=uuid.UUID(int=rng.getrandbits(128)),
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
            school=school,
            pupil=pupil,
            sen_status=pupil.sen_status,
            age=pupil.age_on(day),
            occurred_on=day,
            started_at=datetime.time(hour, minute),
            ended_at=datetime.time(hour, minute + minutes),
            duration_minutes=minutes,
            location=rng.choice(locations),
            antecedents=rng.choice(ANTECEDENTS),
            deescalation=rng.sample([key for key, _label in RestrictiveIntervention.DEESCALATION], k=3),
            intervention_type=kind,
            technique=rng.choice(holds) if kind == "reasonable_force" and holds else None,
            rationale=rng.choice(RATIONALES),
            injuries=rng.random() < 0.15,
            support_offered=rng.choice(SUPPORT),
            recorded_by=involved[0],
            recorded_at=min(recorded_at, timezone.now()),
        )
        if record.injuries:
            record.injury_details = "Small graze to the pupil's forearm."
            record.first_aid = "Cleaned and checked by the first aider."
        if index >= 2:
            told = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 45)))
            if index % 5 == 0:
                told += datetime.timedelta(days=1)
            record.parent_reported_at = min(told, timezone.now())
            record.parent_report_method = "phone"
            record.parent_reported_to = "Parent"
            record.parent_report_content = (
                f"Told them what happened, that it lasted {minutes} minutes, the hold used, any injuries and why."
            )
            record.parent_reported_by = involved[0]
        if index >= 3 and index != 4:  # the fifth, a week or more old, has its debriefs overdue
            record.pupil_debrief_on = day + datetime.timedelta(days=1)
            record.pupil_debrief_notes = "Said they felt cross and scared; agreed a signal for needing space."
            record.pupil_debrief_by = involved[0]
            record.staff_debrief_on = day + datetime.timedelta(days=1)
            record.staff_debrief_notes = "Hold was applied as trained; agreed earlier change of face next time."
            record.staff_debrief_by = lead
        if index >= 6:
            record.reviewed_by = lead
            record.reviewed_at = recorded_at + datetime.timedelta(days=2)
            record.proportionate = True
            record.in_line_with_training = True
            record.learning_points = "Triggers around transitions; share strategies with the class team."
            record.support_plan_review = index % 4 == 0
        plans.append((record, involved))
    RestrictiveIntervention.objects.bulk_create([record for record, _staff in plans])
    Through = RestrictiveIntervention.staff_involved.through
    Through.objects.bulk_create(
        [Through(restrictiveintervention=record, user=user) for record, involved in plans for user in involved]
    )
