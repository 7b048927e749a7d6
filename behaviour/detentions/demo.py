"""Demo detentions: the usual three types, sessions from last week to next, and detentions in every state (attended,
missed and escalated, excused, rescheduled, still to come with notice sent home)."""

import datetime
import uuid

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.calendar.school_days import SchoolCalendar
from pastoral.dates import uk_date

from ..events.models import BehaviourCategory, BehaviourEvent
from .models import Detention, DetentionNotice, DetentionPolicy, DetentionSession, DetentionType

TYPES = [
    # name, kind, start, minutes, capacity, location, notice
    ("Lunch detention", DetentionType.Kind.LUNCH, datetime.time(12, 30), 30, 20, "Room 12", False),
    ("After-school detention", DetentionType.Kind.AFTER_SCHOOL, datetime.time(15, 20), 60, 15, "Library", True),
    ("Head of year detention", DetentionType.Kind.AFTER_SCHOOL, datetime.time(15, 20), 90, 10, "Room 3", True),
]


def seed_detentions(school, staff_by_role, pupils, rng, term):
    teachers = staff_by_role.get(Role.TEACHER, []) + staff_by_role.get(Role.PASTORAL_STAFF, [])
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.HEADTEACHER, [])
    if not teachers or not leads or not pupils or term is None:
        return
    lead = leads[0]
    DetentionPolicy.objects.get_or_create(school=school, defaults={"email_notice": True})
    defiance = BehaviourCategory.objects.filter(school=school, kind="negative", name="Defiance").first()
    types = {}
    for index, (name, kind, start, minutes, capacity, location, notice) in enumerate(TYPES):
        types[name], _ = DetentionType.objects.get_or_create(
            school=school,
            name=name,
            defaults={
                "kind": kind,
                "start_time": start,
                "duration_minutes": minutes,
                "capacity": capacity,
                "location": location,
                "run_by": teachers[index % len(teachers)] if index < 2 else lead,
                "notice_required": notice,
            },
        )
    lunch, after, hoy = (types[name] for name, *_ in TYPES)
    lunch.escalate_to, lunch.notify_setter = after, True
    after.escalate_to, after.notify_pastoral_lead, after.escalate_category = hoy, True, defiance
    hoy.notify_pastoral_lead = True
    for detention_type in (lunch, after, hoy):
        detention_type.save()

    # Sessions on every school day from last Monday to next Friday.
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    calendar = SchoolCalendar.for_school(school, weekdays_without_terms=True)
    days = [monday + datetime.timedelta(days=n) for n in range(19)]
    school_days = [day for day in days if calendar.is_school_day(day)]
    if any(day < today for day in school_days) and any(day > today + datetime.timedelta(days=1) for day in school_days):
        days = school_days
    else:
        # A demo seeded in a holiday still shows every state: its sessions fall on the weekdays around today.
        days = [day for day in days if day.weekday() < 5]
    sessions = DetentionSession.objects.bulk_create(
        [
            DetentionSession(
                school=school,
                type=t,
                date=day,
                start_time=t.start_time,
                duration_minutes=t.duration_minutes,
                capacity=t.capacity,
                location=t.location,
                run_by=t.run_by,
            )
            for day in days
            for t in (lunch, after, hoy)
        ],
        ignore_conflicts=True,
    )
    sessions = list(DetentionSession.objects.filter(school=school, date__in=days).select_related("type"))
    now = timezone.now()
    past = [s for s in sessions if s.ends_at < now]
    coming = [s for s in sessions if s.starts_at > now + datetime.timedelta(hours=24)]
    if not past or not coming:
        return
    negatives = list(
        BehaviourEvent.objects.filter(school=school, category__kind="negative", voided_at__isnull=True)
        .select_related("pupil", "recorded_by")
        .order_by("-occurred_at")[:40]
    )
    if len(negatives) < 10:
        return
    rng.shuffle(negatives)
    used = set()

    def pick(session):
        for event in negatives:
            if (event.pupil_id, session.pk) not in used and event.occurred_at < session.starts_at:
                used.add((event.pupil_id, session.pk))
                return event
        return None

    def make(session, status, *, set_at=None, **extra):
        event = pick(session)
        if event is None:
            return None
        set_at = set_at or max(event.occurred_at, session.starts_at - datetime.timedelta(days=2))
        marked = status not in (Detention.Status.SET,)
        return Detention.objects.create(
            code=uuid.UUID(int=rng.getrandbits(128)),
            school=school,
            pupil=event.pupil,
            session=session,
            starts_at=session.starts_at,
            event=event,
            status=status,
            notice_required=session.type.notice_required,
            set_by=event.recorded_by,
            set_at=min(set_at, now),
            marked_by=session.run_by if marked else None,
            marked_at=min(session.ends_at, now) if marked else None,
            **extra,
        )

    def letter(detention, hours_before=40):
        sent = min(detention.starts_at - datetime.timedelta(hours=hours_before), now)
        DetentionNotice.objects.create(
            detention=detention, method=DetentionNotice.Method.LETTER, sent_at=sent, recorded_by=detention.set_by
        )

    past_lunch = [s for s in past if s.type_id == lunch.pk]
    past_after = [s for s in past if s.type_id == after.pk]
    coming_lunch = [s for s in coming if s.type_id == lunch.pk]
    coming_after = [s for s in coming if s.type_id == after.pk]
    for session in past_lunch[-3:]:
        for status in (Detention.Status.ATTENDED, Detention.Status.ATTENDED, Detention.Status.EXCUSED):
            make(session, status, mark_note="Dentist appointment" if status == Detention.Status.EXCUSED else "")
    for session in past_after[-2:]:
        done = make(session, Detention.Status.ATTENDED)
        if done:
            letter(done)
    # Missed, and escalated as the type says: the after-school detention set in its place, notice sent home.
    if past_lunch and coming_after:
        missed = make(past_lunch[-1], Detention.Status.MISSED)
        if missed and (missed.pupil_id, coming_after[0].pk) not in used:
            used.add((missed.pupil_id, coming_after[0].pk))
            later = Detention.objects.create(
                school=school,
                pupil=missed.pupil,
                session=coming_after[0],
                starts_at=coming_after[0].starts_at,
                event=missed.event,
                reason=f"Missed the {lunch.name} detention on {uk_date(missed.session.date)}.",
                notice_required=True,
                set_by=missed.marked_by or lead,
                set_at=missed.session.ends_at,
                escalated_from=missed,
            )
            letter(later, hours_before=0)
            missed.escalation_note = f"Set {after.name} on {uk_date(later.session.date)}; Told 1 member of staff"
            missed.save(update_fields=["escalation_note"])
    # Coming up: after-school ones with the letter (and one with the email nudge) sent, lunch ones set.
    for n, session in enumerate(coming_after[:2]):
        for _ in range(2):
            upcoming = make(session, Detention.Status.SET, set_at=now - datetime.timedelta(hours=2))
            if upcoming:
                letter(upcoming, hours_before=0)
                if n == 0:
                    contact = upcoming.pupil.contacts.exclude(email="").first()
                    if contact:
                        DetentionNotice.objects.create(
                            detention=upcoming,
                            method=DetentionNotice.Method.EMAIL,
                            contact=contact,
                            sent_at=upcoming.set_at,
                            recorded_by=upcoming.set_by,
                        )
    for session in coming_lunch[:2]:
        make(session, Detention.Status.SET, set_at=now - datetime.timedelta(hours=1))
    # One moved to another day (a clash with a music exam).
    if len(coming_lunch) >= 3:
        moved_from = make(coming_lunch[2], Detention.Status.RESCHEDULED, mark_note="Clash with a music exam")
        if moved_from and (moved_from.pupil_id, coming_lunch[-1].pk) not in used:
            used.add((moved_from.pupil_id, coming_lunch[-1].pk))
            Detention.objects.create(
                school=school,
                pupil=moved_from.pupil,
                session=coming_lunch[-1],
                starts_at=coming_lunch[-1].starts_at,
                event=moved_from.event,
                set_by=moved_from.set_by,
                set_at=now,
                rescheduled_from=moved_from,
            )
