"""Demo alternative provision: a registered and two unregistered providers, one with an expired insurance check
and one whose full-time places call for registration, active placements with today's returns (one missing, so
the dashboard shows an alert), an overdue review and an ended placement with an exit plan.

Made directly rather than through the services: seeding sends no email and writes no audit."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.models import Membership

from .models import (
    AttendanceReturn,
    DueDiligenceCheck,
    MissingReturnAlert,
    Placement,
    PlacementObjective,
    PlacementReview,
    ProgressReport,
    Provider,
    ProviderAccount,
    ProviderSite,
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ALL = [key for key, _ in DueDiligenceCheck.SAFEGUARDING_ITEMS]
FULL = [f"{d}{s}" for d in range(1, 6) for s in ("AM", "PM")]


def _providers(trust, actor, today):
    existing = list(Provider.objects.filter(trust=trust).order_by("pk"))
    if existing:
        return existing
    specs = [
        ("Northfield Learning Centre (AP academy)", Provider.Registration.REGISTERED, "140123", "2", 45),
        ("Hillside Skills Farm", Provider.Registration.UNREGISTERED, "", "", 55),
        ("Riverside Boxing Academy", Provider.Registration.UNREGISTERED, "", "", 40),
    ]
    made = []
    for name, registration, urn, grade, cost in specs:
        provider = Provider.objects.create(
            trust=trust,
            name=name,
            address=f"{name}, Station Road, Northfield NF{len(made) + 3} 1AB",
            urn=urn,
            registration=registration,
            ofsted_grade=grade,
            ofsted_date=today - datetime.timedelta(days=400) if grade else None,
            contact_name=["Priya Shah", "Tom Hughes", "Dee Marsh"][len(made)],
            phone="01632 960000",
            email=f"contact{len(made) + 1}@provider.example",
            offer=["Full-time KS3–KS4 curriculum", "Land-based vocational learning", "Boxing and mentoring"][len(made)],
            ages="11 to 16",
            cost_per_session=cost,
            created_by=actor,
        )
        made.append(provider)
        for kind in (DueDiligenceCheck.Kind.SAFEGUARDING, DueDiligenceCheck.Kind.HEALTH_SAFETY):
            check = DueDiligenceCheck(
                provider=provider,
                kind=kind,
                checked_on=today - datetime.timedelta(days=60),
                checked_by=actor,
                expires_on=today + datetime.timedelta(days=305),
                covers=ALL if kind == DueDiligenceCheck.Kind.SAFEGUARDING else [],
            )
            if kind == DueDiligenceCheck.Kind.SAFEGUARDING:
                check.document_type, check.document_name = "application/pdf", "Safeguarding confirmation.pdf"
                check.document.save("confirmation", ContentFile(PDF), save=False)
            check.save()
    ProviderSite.objects.create(provider=made[1], name="Lower Field site", address="Lower Field, Mill Lane, NF4 2CD")
    # The demo's provider contact (pastoral.demo.STAFF) signs in to the skills farm's portal.
    contact = (
        Membership.objects.filter(trust=trust, role=Role.AP_PROVIDER, approved_at__isnull=False)
        .select_related("user")
        .first()
    )
    if contact is not None and not ProviderAccount.objects.filter(user=contact.user).exists():
        ProviderAccount.objects.create(user=contact.user, provider=made[1], created_by=actor)
    # An expired insurance check: the boxing academy takes no new placements until it is renewed.
    DueDiligenceCheck.objects.create(
        provider=made[2],
        kind=DueDiligenceCheck.Kind.INSURANCE,
        checked_on=today - datetime.timedelta(days=400),
        checked_by=actor,
        expires_on=today - datetime.timedelta(days=35),
    )
    DueDiligenceCheck.objects.create(
        provider=made[0],
        kind=DueDiligenceCheck.Kind.QA_VISIT,
        checked_on=today - datetime.timedelta(days=30),
        checked_by=actor,
        expires_on=today + datetime.timedelta(days=335),
        visitor=actor.get_full_name(),
        findings="Calm, purposeful lessons; registers taken promptly.",
    )
    return made


def _placement(school, pupil, provider, actor, start, *, full_time=True, sessions=None, code="B", status="active"):
    placement = Placement.objects.create(
        school=school,
        pupil=pupil,
        provider=provider,
        status=status,
        commissioner=Placement.Commissioner.SCHOOL,
        reason="Disengaged from mainstream lessons; a practical curriculum to rebuild attendance and confidence.",
        sessions=sessions or FULL,
        full_time=full_time,
        cost_per_session=provider.cost_per_session,
        start=start,
        planned_end=start + datetime.timedelta(weeks=24),
        attendance_code=code,
        agreed_on=start - datetime.timedelta(days=7),
        started_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
        next_review=start + datetime.timedelta(weeks=6),
        created_by=actor,
    )
    PlacementObjective.objects.create(
        placement=placement,
        objective="Attend every timetabled session",
        target="95% attendance over the half term",
        due_on=start + datetime.timedelta(weeks=6),
    )
    PlacementObjective.objects.create(
        placement=placement,
        objective="Gain a Level 1 qualification",
        target="Complete two units",
        due_on=start + datetime.timedelta(weeks=20),
    )
    return placement


def seed_ap(school, staff_by_role, pupils, rng, term):
    coordinators = staff_by_role.get(Role.AP_COORDINATOR) or staff_by_role.get(Role.HEADTEACHER) or []
    if not coordinators or Placement.objects.filter(school=school).exists():
        return
    actor = coordinators[0]
    today = timezone.localdate()
    providers = _providers(school.trust, actor, today)
    registered, farm, boxing = providers
    candidates = [p for p in pupils if 1 <= p.year_group <= 11]
    if len(candidates) < 6:
        return
    # A pupil who is looked after or has an EHCP, full-time at an unregistered provider: a registration warning.
    special = [p for p in candidates if p.looked_after or p.sen_status == p.SEN.EHCP]
    first = special[0] if special else candidates[0]
    chosen = [first, *rng.sample([p for p in candidates if p != first], 5)]
    start = today - datetime.timedelta(weeks=8)
    active = [
        _placement(school, first, farm, actor, start),
        _placement(school, chosen[1], farm, actor, start, full_time=False, sessions=["1AM", "1PM", "3AM", "3PM"]),
        _placement(school, chosen[2], registered, actor, start, code="D"),
        _placement(school, chosen[3], boxing, actor, start, full_time=False, sessions=["2AM", "4AM"]),
    ]
    # The second placement's review is overdue.
    Placement.objects.filter(pk=active[1].pk).update(next_review=today - datetime.timedelta(days=9))
    # Returns for the last two weeks; today's return from the farm for the looked-after pupil has not come.
    day = today - datetime.timedelta(days=14)
    while day <= today:
        for placement in active:
            for session in placement.sessions_on(day):
                if day == today and placement == active[0]:
                    continue
                absent = rng.random() < 0.08
                AttendanceReturn.objects.create(
                    placement=placement,
                    date=day,
                    session=session,
                    mark="absent" if absent else ("late" if rng.random() < 0.1 else "present"),
                    minutes_late=None,
                    reason="Unwell, mum called" if absent else "",
                    submitted_by=actor,
                )
        day += datetime.timedelta(days=1)
    if active[0].sessions_on(today):
        MissingReturnAlert.objects.create(school=school, placement=active[0], date=today, sessions="AM,PM")
    review = PlacementReview.objects.create(
        placement=active[2],
        held_on=start + datetime.timedelta(weeks=6),
        due_on=start + datetime.timedelta(weeks=6),
        attendees="Parent, provider's key worker, AP coordinator",
        sessions_attended=55,
        sessions_returned=60,
        decision=PlacementReview.Decision.CONTINUE,
        notes="Settled well; attendance much improved.",
        reviewed_by=actor,
    )
    Placement.objects.filter(pk=active[2].pk).update(next_review=review.held_on + datetime.timedelta(weeks=6))
    ProgressReport.objects.create(
        placement=active[0],
        dated=today - datetime.timedelta(days=10),
        text="Working well with the animals team; punctual most days.",
        submitted_by=actor,
    )
    ended = _placement(school, chosen[4], farm, actor, start - datetime.timedelta(weeks=20), status="ended")
    Placement.objects.filter(pk=ended.pk).update(
        ended_on=start - datetime.timedelta(weeks=2),
        end_kind=Placement.EndKind.PLANNED,
        exit_plan="Back to full time in school with a mentor and a reduced timetable for two weeks.",
    )
