"""Reads for the safeguarding team page: the lead DSL and deputies, their training, and the cover rota."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from pastoral import staff_training
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.models import Membership
from pastoral.staff_training import DSL, DSL_REFRESH, PREVENT

from ..selectors import MANAGE, VIEW
from .models import CoverSlot

DUE_SOON_DAYS = 60


def may_see_team(user, school):
    return access.has_school_perm(user, school, VIEW)


def may_manage_cover(user, school):
    return access.has_school_perm(user, school, MANAGE)


def cover_visible_to(user):
    return CoverSlot.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class TeamMember:
    user: object
    lead: bool
    formal: datetime.date | None  # the newest DSL training
    refresh: datetime.date | None  # the newest knowledge refresh
    prevent: datetime.date | None
    next_due: datetime.date | None  # formal training every 2 years, knowledge refreshed every year
    due_reason: str

    def status(self, today):
        if self.next_due is None:
            return "missing"
        if self.next_due < today:
            return "overdue"
        if self.next_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            return "soon"
        return "ok"


def next_due(formal, refresh):
    """(date, why): the earlier of the formal training's two years and the last update's one year."""
    if formal is None:
        return None, "No DSL training recorded"
    formal_due = add_years(formal, 2)
    refresh_due = add_years(max(formal, refresh or formal), 1)
    if refresh_due < formal_due:
        return refresh_due, "Yearly knowledge refresh"
    return formal_due, "DSL training (every two years)"


def team(school, today=None):
    """The current lead DSL(s) and deputies of the school with their training: three queries however many."""
    today = today or timezone.localdate()
    memberships = (
        Membership.objects.filter(
            school=school, role__in=[Role.DSL, Role.DEPUTY_DSL], starts_on__lte=today, approved_at__isnull=False
        )
        .exclude(ends_on__lt=today)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    people = {}
    for membership in memberships:
        member = people.setdefault(membership.user_id, {"user": membership.user, "lead": False})
        member["lead"] = member["lead"] or membership.role == Role.DSL
    records = staff_training.latest(school, people, [DSL, DSL_REFRESH, PREVENT])
    result = []
    for user_id, member in people.items():
        formal = records.get((user_id, DSL), (None, None))[0]
        refresh = records.get((user_id, DSL_REFRESH), (None, None))[0]
        due, why = next_due(formal, refresh)
        result.append(
            TeamMember(
                user=member["user"],
                lead=member["lead"],
                formal=formal,
                refresh=refresh,
                prevent=records.get((user_id, PREVENT), (None, None))[0],
                next_due=due,
                due_reason=why,
            )
        )
    result.sort(key=lambda member: (not member.lead, member.user.last_name, member.user.first_name))
    return result


def cover_now_and_next(user, school, now=None, limit=5):
    """The slot covering `now` (or None) and the next few, read through the visible-to selector."""
    now = now or timezone.now()
    live = cover_visible_to(user).filter(school=school, cancelled_at__isnull=True, ends_at__gt=now)
    slots = list(live.select_related("staff").order_by("starts_at")[: limit + 1])
    current = next((slot for slot in slots if slot.starts_at <= now), None)
    upcoming = [slot for slot in slots if slot is not current][:limit]
    return current, upcoming
