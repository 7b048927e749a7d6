"""Demo support plans: every kind in every state, overdue reviews, outstanding read-receipts, a reintegration
plan after a suspension, and one pupil whose behaviour support plan is followed by fewer incidents."""

import datetime
import uuid

from django.utils import timezone

from behaviour.events.models import BehaviourCategory, BehaviourEvent
from behaviour.interventions.models import InterventionTechnique
from behaviour.suspensions.models import Suspension
from pastoral.accounts.roles import Role

from .kinds import Kind
from .models import PlanAcknowledgement, PlanReview, PlanShare, PlanVersion, SupportPlan

CONTENT = {
    Kind.BSP: {
        "behaviours": "Leaves the classroom and hides when work feels too hard: it tells us they feel they will fail.",
        "triggers": "Unexpected changes to the timetable; being asked to read aloud; loud corridors.",
        "early_signs": "Hood up, tapping the desk, short answers.",
        "proactive": "Warn of changes at registration. Offer a choice of two tasks. Sit near the door.",
        "deescalation": "Calm, few words, offer the movement break card, give time.",
        "avoid": "Raising your voice, standing over them, insisting on eye contact.",
        "techniques": "none",
        "post_incident": "Ten minutes in the calm room, then a restorative chat with the keyworker.",
        "with_parents": True,
        "with_pupil": True,
        "professionals": "Educational psychologist (report of March)",
    },
    Kind.RISK: {
        "variant": "trip",
        "activity": "Year 8 trip to the science museum",
        "context": "Has run from staff twice this year when anxious.",
        "hazards": [
            {
                "hazard": "Running from the group near roads",
                "who": "The pupil",
                "likelihood_before": 4,
                "severity_before": 5,
                "controls": "1:1 adult, hi-vis vest, agreed meeting point, pictures of the day in advance.",
                "likelihood_after": 2,
                "severity_after": 5,
                "owner": "Pastoral lead",
            },
            {
                "hazard": "Distress in crowded galleries",
                "who": "The pupil and other visitors",
                "likelihood_before": 3,
                "severity_before": 2,
                "controls": "Visit the quiet room first; ear defenders.",
                "likelihood_after": 2,
                "severity_after": 2,
                "owner": "Class teacher",
            },
        ],
    },
    Kind.REGULATION: {
        "green_looks": "Chatty, joins in, asks questions.",
        "green_pupil": "Use my planner, join group work.",
        "green_staff": "Praise effort quietly.",
        "amber_looks": "Fidgeting, pacing, answering back.",
        "amber_pupil": "Show my break card, use my fidget.",
        "amber_staff": "Offer a movement break; lower demands; one instruction at a time.",
        "red_looks": "Shouting, throwing things, running.",
        "red_pupil": "Go to the calm room with an adult.",
        "red_staff": "Keep others safe, few words, call the on-call member of staff.",
        "calming": "Weighted blanket, counting breaths, drawing.",
        "safe_spaces": "The calm room in the learning support base; the library corner.",
        "sensory": "Sensitive to noise; ear defenders in assemblies.",
    },
    Kind.PASSPORT: {
        "like_about_me": "I am funny and I know everything about trains.",
        "like_about_me_voice": True,
        "important_to_me": "My dog Biscuit, my nan, football on Saturdays.",
        "important_to_me_voice": True,
        "how_to_support": "Tell me what is happening next. Let me write instead of speaking in front of the class.",
        "how_to_support_voice": True,
    },
    Kind.SOCIAL_STORY: {
        "situation": "Fire drills",
        "who_reads": "Keyworker",
        "when_read": "Monday mornings, and before a planned drill",
        "pages": [
            {"text": "Sometimes at school there is a loud bell called a fire alarm.", "image": ""},
            {"text": "When I hear it, I can cover my ears and walk with my class.", "image": ""},
            {"text": "We stand on the field until the teacher says it is safe. Then we go back inside.", "image": ""},
        ],
    },
    Kind.REINTEGRATION: {
        "goals": "Attend every lesson in the first week; use the time-out card instead of leaving.",
        "support": "Daily check-in with the keyworker; mentoring from Year 11 buddy.",
        "adjustments": "Reduced timetable on Monday; lunch in the nurture room for a week.",
        "checkins": "Keyworker at 8:40 and 15:00 every day for two weeks, then weekly.",
    },
}
TITLES = {
    Kind.BSP: "Support when work feels too hard",
    Kind.RISK: "Science museum trip",
    Kind.REGULATION: "My zones",
    Kind.PASSPORT: "All about me",
    Kind.SOCIAL_STORY: "What happens in a fire drill",
    Kind.REINTEGRATION: "Return after suspension",
}


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _plan(school, pupil, kind, status, author, rng, *, agreed_days_ago=60, review_in_days=30, suspension=None):
    today = timezone.localdate()
    content = dict(CONTENT[kind])
    plan = SupportPlan.objects.create(
        code=uuid.UUID(int=rng.getrandbits(128)),
        school=school,
        pupil=pupil,
        kind=kind,
        status=status,
        title=TITLES[kind],
        content=content,
        review_date=today + datetime.timedelta(days=review_in_days),
        suspension=suspension,
        created_by=author,
    )
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        title=plan.title,
        content=content,
        review_date=plan.review_date,
        note="First draft",
        saved_by=author,
        saved_at=_at(today - datetime.timedelta(days=agreed_days_ago + 7)),
    )
    if status != SupportPlan.Status.DRAFT:
        plan.agreed_on = today - datetime.timedelta(days=agreed_days_ago)
        plan.agreed_with = "Parent, pupil, keyworker and SENCo"
        plan.parents_part = "Mum came to the meeting and added the triggers she sees at home."
        plan.pupil_part = "Chose the strategies with their keyworker beforehand."
        plan.activated_at, plan.activated_by = _at(plan.agreed_on, 15), author
        plan.save()
    return plan


def _second_version(plan, author, note, change):
    plan.content = {**plan.content, **change}
    plan.version = 2
    plan.save()
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        title=plan.title,
        content=plan.content,
        review_date=plan.review_date,
        note=note,
        saved_by=author,
        saved_at=plan.activated_at + datetime.timedelta(days=14) if plan.activated_at else timezone.now(),
    )


def _fewer_incidents(school, pupil, author, plan, rng):
    """Negative events: several a week in the eight weeks before the plan, one every other week since."""
    category = BehaviourCategory.objects.filter(school=school, kind=BehaviourCategory.Kind.NEGATIVE).first()
    if category is None:
        return
    since = timezone.localdate(plan.activated_at)
    events = []
    for day in range(1, 57):
        if rng.random() < 0.45:
            events.append(since - datetime.timedelta(days=day))
    for day in range(1, (timezone.localdate() - since).days):
        if rng.random() < 0.07:
            events.append(since + datetime.timedelta(days=day))
    BehaviourEvent.objects.bulk_create(
        BehaviourEvent(
            school=school,
            pupil=pupil,
            category=category,
            occurred_at=_at(day, rng.choice([9, 11, 13, 14])),
            description="Left the lesson without permission and would not come back in.",
            recorded_by=author,
            submission_key=uuid.UUID(int=rng.getrandbits(128)),
        )
        for day in events
        if day.weekday() < 5
    )


def seed_plans(school, staff_by_role, pupils, rng, term):
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.SENCO, [])
    teachers = staff_by_role.get(Role.TEACHER, [])
    if not leads or len(pupils) < 12:
        return
    lead = leads[0]
    chosen = rng.sample(pupils, 12)
    S = SupportPlan.Status
    # The pupil whose behaviour support plan is followed by fewer incidents: agreed 8 weeks ago, review due soon.
    bsp = _plan(school, chosen[0], Kind.BSP, S.ACTIVE, lead, rng, agreed_days_ago=56, review_in_days=28)
    technique = InterventionTechnique.objects.filter(school=school).first()
    if technique is not None:
        _second_version(
            bsp, lead, "Agreed a guide hold after the review of an incident", {"techniques": [str(technique.code)]}
        )
    _fewer_incidents(school, chosen[0], lead, bsp, rng)
    _plan(school, chosen[0], Kind.PASSPORT, S.ACTIVE, lead, rng)
    _plan(school, chosen[0], Kind.REGULATION, S.REVIEWED, lead, rng, agreed_days_ago=120, review_in_days=50)
    # Every kind as a draft and as ended; overdue reviews (active and "review due").
    for index, kind in enumerate(Kind):
        if kind != Kind.REINTEGRATION:
            _plan(school, chosen[1 + index], kind, S.DRAFT, lead, rng)
        ended = _plan(school, chosen[6], kind, S.ENDED, lead, rng, agreed_days_ago=300, review_in_days=-200)
        ended.ended_at, ended.ended_by, ended.end_reason = (
            _at(timezone.localdate() - datetime.timedelta(days=150)),
            lead,
            "No longer needed: settled well",
        )
        ended.save()
    overdue = [
        _plan(school, chosen[7], Kind.BSP, S.REVIEW_DUE, lead, rng, agreed_days_ago=100, review_in_days=-10),
        _plan(school, chosen[7], Kind.RISK, S.ACTIVE, lead, rng, agreed_days_ago=120, review_in_days=-3),
        _plan(school, chosen[8], Kind.SOCIAL_STORY, S.ACTIVE, lead, rng, agreed_days_ago=90, review_in_days=-21),
    ]
    _plan(school, chosen[8], Kind.REGULATION, S.REVIEW_DUE, lead, rng, agreed_days_ago=84, review_in_days=0)
    reviewed = _plan(school, chosen[9], Kind.PASSPORT, S.REVIEWED, lead, rng, agreed_days_ago=200, review_in_days=120)
    PlanReview.objects.create(
        plan=reviewed,
        reviewed_on=timezone.localdate() - datetime.timedelta(days=30),
        due_on=timezone.localdate() - datetime.timedelta(days=28),
        outcome=PlanReview.Outcome.KEPT,
        notes="Working well: the pupil says staff use it.",
        pupil_view="I like that teachers know about Biscuit.",
        next_review_date=reviewed.review_date,
        version=1,
        reviewed_by=lead,
    )
    # A reintegration plan after a finalised suspension, when the demo has one without a plan.
    suspension = (
        Suspension.objects.filter(school=school, status=Suspension.Status.FINALISED, voided_at__isnull=True)
        .exclude(kind=Suspension.Kind.PERMANENT)
        .order_by("-start_date")
        .first()
    )
    if suspension is not None:
        _plan(
            school,
            suspension.pupil,
            Kind.REINTEGRATION,
            S.ACTIVE,
            lead,
            rng,
            agreed_days_ago=5,
            review_in_days=37,
            suspension=suspension,
        )
    # Read-receipts: shared with the teachers; some have read and understood, others have not yet.
    for plan in [bsp, *overdue]:
        PlanShare.objects.create(plan=plan, role=Role.TEACHER, shared_by=lead)
        for teacher in teachers[: len(teachers) // 2]:
            PlanAcknowledgement.objects.get_or_create(
                plan=plan, user=teacher, version=plan.version, defaults={"acknowledged_at": plan.activated_at}
            )
