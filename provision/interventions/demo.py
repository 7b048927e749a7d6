"""Demo interventions: an ELSA group and a Zones of Regulation group mid-programme with sessions and attendance,
and a finished Lego-based therapy group with rated targets and a cost."""

import datetime
from decimal import Decimal

from django.utils import timezone

from pastoral.accounts.roles import Role

from .models import GroupMember, GroupSession, InterventionGroup, Programme, SessionAttendance
from .services import programmes_ensure

STATUSES = ["attended"] * 8 + ["absent", "refused", "not_in_school"]


def _group(school, programme, name, facilitator, pupils, starts_on, rng, *, finished=False, targets=()):
    ends_on = starts_on + datetime.timedelta(weeks=programme.default_weeks, days=-1)
    group = InterventionGroup.objects.create(
        school=school,
        programme=programme,
        name=name,
        schedule="Weekly, " + rng.choice(["Monday 10:30", "Tuesday 13:15", "Thursday 9:00"]),
        starts_on=starts_on,
        ends_on=ends_on,
        status=InterventionGroup.Status.FINISHED if finished else InterventionGroup.Status.RUNNING,
        finished_on=ends_on if finished else None,
        created_by=facilitator,
    )
    group.facilitators.add(facilitator)
    for index, pupil in enumerate(pupils):
        GroupMember.objects.create(
            group=group,
            pupil=pupil,
            joined_on=starts_on,
            target=targets[index % len(targets)] if targets else "",
            rating=rng.choice([-1, 0, 1, 1, 2]) if finished else None,
        )
    day, last = starts_on, min(ends_on, timezone.localdate())
    while day <= last:
        session = GroupSession.objects.create(group=group, held_on=day, note="Went to plan.", recorded_by=facilitator)
        SessionAttendance.objects.bulk_create(
            [SessionAttendance(session=session, pupil=pupil, status=rng.choice(STATUSES)) for pupil in pupils]
        )
        day += datetime.timedelta(weeks=1)
    return group


def seed_interventions(school, staff_by_role, pupils, rng, term):
    staff = staff_by_role.get(Role.PASTORAL_STAFF, []) + staff_by_role.get(Role.PASTORAL_LEAD, [])
    if not staff or len(pupils) < 14:
        return
    programmes_ensure(school)
    catalogue = {p.name: p for p in Programme.objects.filter(school=school)}
    today = timezone.localdate()
    chosen = rng.sample(pupils, 14)
    _group(
        school,
        catalogue["ELSA"],
        "ELSA small group",
        staff[0],
        chosen[:4],
        today - datetime.timedelta(weeks=4),
        rng,
        targets=["Name three feelings and what they feel like", "Ask an adult for help when stuck"],
    )
    _group(
        school,
        catalogue["Zones of Regulation"],
        "Zones of Regulation",
        staff[-1],
        chosen[4:9],
        today - datetime.timedelta(weeks=5),
        rng,
        targets=["Use a green-zone tool when in yellow"],
    )
    lego = catalogue["Lego-based therapy"]
    lego.cost = Decimal("240.00")
    lego.save(update_fields=["cost"])
    _group(
        school,
        lego,
        "Lego club (autumn)",
        staff[0],
        chosen[9:14],
        today - datetime.timedelta(weeks=16),
        rng,
        finished=True,
        targets=["Take turns as the supplier", "Give clear instructions as the engineer"],
    )
