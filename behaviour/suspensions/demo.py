"""Demo suspensions: a few decisions this term, one of which takes a pupil past 5 days and sets governors' tasks.

Records are written directly (no audit entries) so the demo can be reset, as the other seeders do.
"""

import datetime

from django.db.models import Count
from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.models import School

from ..events.models import BehaviourEvent
from . import school_days
from .models import (
    ExclusionReasonCode,
    GovernorsReview,
    GovernorTask,
    ReintegrationMeeting,
    Suspension,
    SuspensionNotification,
)
from .selectors import assess, terms_of

R = SuspensionNotification.Recipient
WORK = "Work set on the learning platform for each lesson; subject teachers mark it on return."


def _when(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _make(school, pupil, head, lead, terms, *, kind, start, units, codes, summary, final=True, **extra):
    suspension = Suspension.objects.create(
        school=school,
        pupil=pupil,
        kind=kind,
        start_date=start,
        start_session=Suspension.Session.PM if kind == Suspension.Kind.LUNCHTIME else Suspension.Session.AM,
        length_units=units,
        summary=summary,
        work_set=WORK if kind != Suspension.Kind.LUNCHTIME else "",
        work_set_by="Head of year" if kind != Suspension.Kind.LUNCHTIME else "",
        recorded_by=lead,
        **extra,
    )
    reasons = ExclusionReasonCode.active_on(start).filter(census_code__in=codes)
    suspension.reasons.set(reasons)
    events = BehaviourEvent.objects.filter(pupil=pupil, category__kind="negative", occurred_at__date__lte=start)
    suspension.incidents.set(events.order_by("-occurred_at")[:2])
    decided_on = start - datetime.timedelta(days=1)
    assessment = assess(suspension, decided_on=decided_on, terms=terms, notified=set())
    suspension.end_date = assessment.end_date
    if final:
        suspension.status = Suspension.Status.FINALISED
        suspension.decided_by = head
        suspension.decided_at = _when(decided_on, 16)
        GovernorTask.objects.bulk_create(
            GovernorTask(school=school, suspension=suspension, kind=k, reason=reason, due_on=due)
            for k, reason, due in assessment.tasks
        )
        SuspensionNotification.objects.bulk_create(
            SuspensionNotification(
                suspension=suspension,
                recipient=recipient,
                recipient_name=name,
                notified_at=_when(decided_on, hour),
                method=method,
                recorded_by=lead,
            )
            for recipient, name, hour, method in (
                (R.PARENTS, "Parent / carer", 15, SuspensionNotification.Method.PHONE),
                (R.PARENTS, "Parent / carer", 16, SuspensionNotification.Method.LETTER),
                (R.LOCAL_AUTHORITY, "LA exclusions team", 17, SuspensionNotification.Method.PORTAL),
            )
        )
    suspension.save()
    return suspension


def seed_suspensions(school, staff_by_role, pupils, rng, term):
    heads = staff_by_role.get(Role.HEADTEACHER, [])
    leads = staff_by_role.get(Role.PASTORAL_LEAD, []) + staff_by_role.get(Role.DSL, [])
    if term is None or not heads or not leads or not pupils or school.phase == School.Phase.PRIMARY:
        return
    head, lead = heads[0], leads[0]
    terms = terms_of(school)
    today = timezone.localdate()
    days = [d for d in school_days.school_days_from(term.start, terms) if d <= min(term.end, today)]
    if len(days) < 25:
        # Early in a term, the decisions fall in the term before.
        earlier = [t for t in terms if t.end < term.start]
        if not earlier:
            return
        days = [d for d in school_days.school_days_from(earlier[-1].start, terms) if d <= earlier[-1].end]
    # The pupils with the most negative events this term are the ones suspended.
    ids = [pupil.pk for pupil in pupils]
    ranked = list(
        BehaviourEvent.objects.filter(
            school=school, category__kind="negative", pupil_id__in=ids, voided_at__isnull=True
        )
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "pupil_id")
        .values_list("pupil_id", flat=True)[:4]
    )
    by_id = {pupil.pk: pupil for pupil in pupils}
    chosen = [by_id[pk] for pk in ranked if not by_id[pk].looked_after]
    if len(chosen) < 4:
        return
    first, second, third, fourth = chosen[:4]
    kind = Suspension.Kind
    # Two suspensions this term take the first pupil to 6 days: governors told, representations within 50 days.
    earlier = _make(
        school,
        first,
        head,
        lead,
        terms,
        kind=kind.SUSPENSION,
        start=days[5],
        units=6,
        codes=["VA"],
        summary="Swore at and threatened a member of staff who asked them to leave the corridor.",
    )
    _make(
        school,
        first,
        head,
        lead,
        terms,
        kind=kind.SUSPENSION,
        start=days[-8],
        units=6,
        codes=["PP", "DB"],
        summary="Punched another pupil at lunch after repeated warnings about behaviour this term.",
    )
    # The governing board considered the first suspension and upheld it (its tasks are then done).
    met_on = min(today, school_days.add_school_days(earlier.end_date, 5, terms))
    GovernorsReview.objects.create(
        suspension=earlier,
        met_on=met_on,
        attended="Chair of governors, two governors, the headteacher and the pupil's mother",
        outcome=GovernorsReview.Outcome.UPHOLD,
        decision_sent_on=met_on,
        recorded_by=lead,
    )
    earlier.governor_tasks.filter(done_at__isnull=True).update(
        done_at=_when(met_on, 18), done_by=head, done_note="The board met and upheld the decision."
    )
    ReintegrationMeeting.objects.create(
        suspension=earlier,
        offered_on=earlier.end_date,
        held_on=school_days.add_school_days(earlier.end_date, 1, terms),
        attendees="Pupil, mother, head of year, pastoral lead",
        agreed_support="Daily check-in with the head of year for two weeks; lunchtime club place.",
        recorded_by=lead,
    )
    window = _make(
        school,
        second,
        head,
        lead,
        terms,
        kind=kind.SUSPENSION,
        start=days[12],
        units=4,
        codes=["DM"],
        summary="Deliberately smashed a window in the science block.",
    )
    # Cancelled by the head on its first day: CCTV showed another pupil; only that first day counts.
    window.cancelled_at = _when(window.start_date, 12)
    window.cancelled_by = head
    window.cancel_reason = "CCTV showed another pupil broke the window; the family has been told and apologised to."
    window.returns_on = school_days.add_school_days(window.start_date, 1, terms)
    window.returns_session = Suspension.Session.AM
    window.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "returns_on", "returns_session"])
    _make(
        school,
        third,
        head,
        lead,
        terms,
        kind=kind.LUNCHTIME,
        start=days[-6],
        units=3,
        codes=["BU"],
        summary="Repeated unkind behaviour towards younger pupils at lunchtimes.",
    )
    _make(
        school,
        fourth,
        head,
        lead,
        terms,
        kind=kind.SUSPENSION,
        start=days[-1],
        units=2,
        codes=["MT"],
        summary="Shared an edited photo of a teacher on social media.",
        final=False,
    )
