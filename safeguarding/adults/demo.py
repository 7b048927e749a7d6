"""Demo cases about adults in every state: an allegation referred to the LADO and still open, one concluded
unfounded, one found false (marked for removal from the personnel record), one raised today and not yet referred,
and low-level concerns in which the same volunteer is named three times and one kind of behaviour recurs across
three people. A termly review closes the set."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role

from .models import AdultCase, AdultConcernReview, retention_for
from .selectors import lado_due_by


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed_adult_cases(school, staff_by_role, pupils, rng, term):
    teachers = staff_by_role.get(Role.TEACHER, [])
    heads = staff_by_role.get(Role.HEADTEACHER, [])
    if len(teachers) < 3 or not heads:
        return
    head = heads[0]
    raisers = teachers[:2] + staff_by_role.get(Role.PASTORAL_STAFF, [])[:1]
    subject_teacher, other_teacher = teachers[-1], teachers[-2]
    today = timezone.localdate()
    cases = []

    def case(days_ago, kind, behaviour, account, *, user=None, name="", category=AdultCase.SubjectCategory.STAFF):
        day = today - datetime.timedelta(days=days_ago)
        item = AdultCase(
            code=uuid.UUID(int=rng.getrandbits(128)),
            school=school,
            kind=kind,
            subject_user=user,
            subject_name=name,
            subject_category=category,
            behaviour=behaviour,
            occurred_on=day,
            account=account,
            raised_by=rng.choice(raisers),
            raised_at=min(_at(day, rng.randint(9, 15)), timezone.now()),
            submission_key=uuid.uuid4(),
        )
        cases.append(item)
        return item

    A, L = AdultCase.Kind.ALLEGATION, AdultCase.Kind.LOW_LEVEL
    referred = case(
        12,
        A,
        AdultCase.Behaviour.PHYSICAL,
        "A Year 8 pupil said the teacher grabbed his wrist hard enough to leave a mark when moving him out of a queue.",
        user=subject_teacher,
    )
    referred.lado_referred_on = lado_due_by(referred)
    referred.lado_referred_by = head
    referred.lado_advice = "Threshold met. Strategy discussion to be held; no police involvement at this stage."
    referred.strategy_meeting_on = referred.lado_referred_on + datetime.timedelta(days=2)
    referred.strategy_notes = (
        "Agreed an internal investigation by the deputy head; the teacher to work away from the class meanwhile."
    )
    referred.suspension_reason = "Suspension considered and not needed: alternative duties agreed with the LADO."

    unfounded = case(
        60,
        A,
        AdultCase.Behaviour.SEXUAL,
        "A parent reported that a supply teacher made a comment of a sexual nature to their daughter.",
        name="Jordan Carter",
        category=AdultCase.SubjectCategory.SUPPLY,
    )
    unfounded.lado_referred_on = unfounded.raised_at.date()
    unfounded.lado_referred_by = head
    unfounded.lado_advice = "Agency informed; school to gather accounts from the pupils present."
    unfounded.outcome = AdultCase.Outcome.UNFOUNDED
    unfounded.conclusion = (
        "The four pupils present gave consistent accounts; the comment was about homework and was misheard."
    )

    false = case(
        45,
        A,
        AdultCase.Behaviour.PHYSICAL,
        "A pupil said a teaching assistant pushed him on the stairs.",
        user=other_teacher,
    )
    false.lado_referred_on = lado_due_by(false)
    false.lado_referred_by = head
    false.lado_advice = "Investigate internally; let the LADO know the outcome."
    false.outcome = AdultCase.Outcome.FALSE
    false.conclusion = "CCTV shows no contact; the pupil later said he had made it up after a sanction."

    case(
        0,
        A,
        AdultCase.Behaviour.ALONE,
        "Saw a cleaner alone in a locked classroom with a Year 7 pupil after school.",
        name="Dale Pike",
        category=AdultCase.SubjectCategory.CONTRACTOR,
    )

    volunteer = "Sam Whitby"
    for days_ago, behaviour, account in [
        (150, AdultCase.Behaviour.COMMUNICATION, "Gave his personal phone number to a pupil at the reading club."),
        (70, AdultCase.Behaviour.FAVOURITISM, "Bought one pupil a snack each week and no-one else."),
        (9, AdultCase.Behaviour.COMMUNICATION, "Follows two pupils on social media."),
    ]:
        case(days_ago, L, behaviour, account, name=volunteer, category=AdultCase.SubjectCategory.VOLUNTEER)
    case(
        30,
        L,
        AdultCase.Behaviour.COMMUNICATION,
        "Messaged a pupil about coursework on a personal account late in the evening.",
        user=other_teacher,
    )
    seen = case(
        20,
        L,
        AdultCase.Behaviour.COMMUNICATION,
        "A contractor asked pupils for their usernames to 'add them' online.",
        name="Ellis Dunn",
        category=AdultCase.SubjectCategory.CONTRACTOR,
    )
    seen.conclusion = "Spoken to by the site manager; reminded of the code of conduct for visitors. No further issue."

    for item in (unfounded, false, seen):
        item.status = AdultCase.Status.CONCLUDED
        item.concluded_at = min(item.raised_at + datetime.timedelta(days=21), timezone.now())
        item.concluded_by = head
        item.retention, item.retain_until = retention_for(item, item.concluded_at.date())
    AdultCase.objects.bulk_create(cases)
    AdultConcernReview.objects.create(
        code=uuid.UUID(int=rng.getrandbits(128)),
        school=school,
        reviewed_on=max(term.start, today - datetime.timedelta(days=40)) if term else today,
        reviewed_by=head,
        notes="Two low-level concerns about the same volunteer; spoke to the reading-club lead about boundaries.",
    )
