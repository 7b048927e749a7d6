"""Reads for keywork. Every list, panel, card, export and report line reads through these selectors.

Who sees what:
- a pupil's current keyworkers read and write that pupil's keywork notes (sessions, check-ins and actions);
- the pastoral lead, SENCo, DSL and deputy DSL read every keywork note of their school and assign keyworkers;
- every other member of staff who reads pupils sees only that the pupil has a keyworker and who
  (`assignments_visible_to`, the pupil card), never the notes;
- trust leaders see counts in the termly report.
"""

import datetime

from django.db.models import Count, DateField, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pastoral import breakglass
from pastoral.accounts import access
from pastoral.models import Pupil

from .models import KeyworkAction, KeyworkAssignment, KeyworkSession

KEYWORK = "provision.keywork"
VIEW_ALL = "provision.view_all_keywork"
MANAGE = "provision.manage_keywork"
VIEW_KEYWORKER = "provision.view_keyworker"
COUNTS = "provision.view_keywork_counts"
# The break-glass record kind (pastoral.breakglass): one pupil's keywork notes, opened read-only in an emergency.
NOTES_KIND = "provision.keywork_notes"
# A plan is shown as due for review on the caseload this many days ahead.
PLAN_REVIEW_AHEAD_DAYS = 14


def current(assignments, on=None):
    on = on or timezone.localdate()
    return assignments.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))


def _my_pupils(user):
    """Pupils the user currently keyworks, in schools where their role lets them keywork."""
    mine = current(
        KeyworkAssignment.objects.filter(keyworker_id=user.pk, school_id__in=access.schools_with_perm(user, KEYWORK))
    )
    return mine.values("pupil_id")


def caseload_pupil_ids(user):
    """The pupils the user currently keyworks (a subquery of ids), or None when they keywork nowhere."""
    if not access.schools_with_perm(user, KEYWORK):
        return None
    return _my_pupils(user)


def notes_q(user, pupil_field="pupil_id"):
    """Q for rows about pupils whose keywork notes the user may read."""
    leads = access.schools_with_perm(user, VIEW_ALL)
    school_field = pupil_field.replace("pupil_id", "school_id")
    return Q(**{f"{school_field}__in": leads}) | Q(**{f"{pupil_field}__in": _my_pupils(user)})


def _readable(model, user, pupil_field):
    """Rows the user reads: as keyworker or lead, or through a current break-glass opening of the pupil's notes."""
    glass = breakglass.granted(user, NOTES_KIND, pupil_field.replace("pupil_id", "pupil__code"))
    if not access.schools_with_perm(user, VIEW_ALL) and not access.schools_with_perm(user, KEYWORK):
        return model.objects.filter(glass) if glass is not None else model.objects.none()
    condition = notes_q(user, pupil_field)
    return model.objects.filter(condition | glass if glass is not None else condition)


def sessions_visible_to(user):
    return _readable(KeyworkSession, user, "pupil_id")


def actions_visible_to(user):
    return _readable(KeyworkAction, user, "session__pupil_id")


def assignments_visible_to(user):
    """Who keyworks whom: every member of staff who reads pupils may see it (never the notes)."""
    return KeyworkAssignment.objects.filter(school_id__in=access.schools_with_perm(user, VIEW_KEYWORKER))


def may_read_notes(user, pupil):
    if access.has_school_perm(user, pupil.school_id, VIEW_ALL):
        return True
    return (
        access.has_school_perm(user, pupil.school_id, KEYWORK) and _my_pupils(user).filter(pupil_id=pupil.pk).exists()
    )


def may_manage(user, school):
    return access.has_school_perm(user, school, MANAGE)


def can_read_notes(user, pupil):
    """The access list of a pupil's keywork notes, without any break-glass opening."""
    return access.has_school_perm(user, pupil.school_id, VIEW_KEYWORKER) and may_read_notes(user, pupil)


def get_pupil_notes_for_user(user, code, *, for_writing=False):
    """The pupil, when the user may read their keywork notes: 404 outside the school, 403 otherwise (offering a
    headteacher or trust DSL the emergency opening). An opening lets them read, never write (`for_writing`)."""
    pupil = Pupil.objects.select_related("school").filter(code=code).first()
    if pupil is not None and can_read_notes(user, pupil):
        return pupil
    if pupil is not None and not for_writing and breakglass.holds(user, NOTES_KIND, pupil):
        breakglass.note_read(user, NOTES_KIND, pupil)
        return pupil
    breakglass.refuse(
        user,
        pupil,
        code,
        None,
        allowed_to_know=pupil is not None and access.is_member_of(user, pupil.school_id),
        noun="pupil",
        kind_name=NOTES_KIND,
    )


def get_session_for_user(user, code):
    session = KeyworkSession.objects.select_related("pupil", "school", "author").filter(code=code).first()
    if session is not None and sessions_visible_to(user).filter(pk=session.pk).exists():
        breakglass.note_read(user, NOTES_KIND, session.pupil)
        return session
    breakglass.refuse(
        user,
        session,
        code,
        "provision.keywork_session.refused",
        allowed_to_know=session is not None and access.is_member_of(user, session.school_id),
        noun="session",
        kind_name=NOTES_KIND,
        offered=session.pupil if session is not None else None,
    )


def get_action_for_user(user, code):
    action = KeyworkAction.objects.select_related("session", "pupil").filter(code=code).first()
    if action is not None and actions_visible_to(user).filter(pk=action.pk).exists():
        return action
    access.refuse(
        user,
        action,
        code,
        None,
        allowed_to_know=action is not None and access.is_member_of(user, action.pupil.school_id),
        noun="action",
    )


def get_assignment_for_manager(user, code):
    rows = KeyworkAssignment.objects.select_related("pupil", "keyworker")
    return access.get_or_refuse(rows, user, code, MANAGE, "assignment")


def caseload(user, keyworker, school, today=None, plans=None):
    """The keyworker's current assignments in the school, each with its pupil, last session, planned next session,
    latest mood, open actions, plans due for review and whether contact is overdue: one query.

    `plans` is the viewer's readable support plans (a queryset) or None when they may read none.
    """
    today = today or timezone.localdate()
    sessions = sessions_visible_to(user).filter(pupil_id=OuterRef("pupil_id")).order_by("-held_on", "-pk")
    open_actions = (
        actions_visible_to(user)
        .filter(pupil_id=OuterRef("pupil_id"), done_at__isnull=True)
        .order_by()
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        current(KeyworkAssignment.objects.filter(keyworker=keyworker, school=school), today)
        .select_related("pupil")
        .annotate(
            last_session=Subquery(sessions.values("held_on")[:1], output_field=DateField()),
            next_planned=Subquery(sessions.values("next_on")[:1], output_field=DateField()),
            latest_mood=Subquery(sessions.exclude(mood__isnull=True).values("mood")[:1]),
            latest_zone=Subquery(sessions.exclude(zone="").values("zone")[:1]),
            open_actions=Coalesce(Subquery(open_actions, output_field=IntegerField()), Value(0)),
        )
    )
    if plans is not None:
        due = (
            plans.filter(pupil_id=OuterRef("pupil_id"), status__in=("active", "review_due", "reviewed"))
            .filter(review_date__lte=today + datetime.timedelta(days=PLAN_REVIEW_AHEAD_DAYS))
            .order_by()
            .values("pupil_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = rows.annotate(plans_due=Coalesce(Subquery(due, output_field=IntegerField()), Value(0)))
    rows = list(rows.order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk"))
    for row in rows:
        _mark(row, today)
    return sorted(rows, key=lambda row: (not row.overdue, row.pupil.legal_last_name, row.pk))


def _mark(row, today):
    since = row.last_session or row.starts_on
    row.due_on = since + datetime.timedelta(days=row.frequency_days)
    row.next_session = row.next_planned if row.next_planned and row.next_planned >= today else None
    row.overdue = row.due_on < today
    row.days_since = (today - row.last_session).days if row.last_session else None
    row.zone_label = KeyworkSession.Zone(row.latest_zone).label if row.latest_zone else ""
    row.mood_label = KeyworkSession.MOODS.get(row.latest_mood, "")


def overdue_contacts(user, school, today=None):
    """The user's own caseload rows where contact is overdue (the dashboard panel): one query."""
    return [row for row in caseload(user, user, school, today) if row.overdue]


def keyworkers_in(school):
    """Staff with a current assignment in the school, for the caseload picker."""
    from pastoral.models import User

    return (
        User.objects.filter(Exists(current(KeyworkAssignment.objects.filter(school=school, keyworker=OuterRef("pk")))))
        .annotate(
            pupils=Count(
                "keywork_assignments",
                filter=Q(keywork_assignments__ends_on__isnull=True, keywork_assignments__school=school),
            )
        )
        .order_by("last_name", "first_name")
    )


def lead_keyworker_id(pupil_id, on=None):
    """The keyworker kept on the pupil record: the longest-standing current assignment."""
    row = (
        current(KeyworkAssignment.objects.filter(pupil_id=pupil_id), on)
        .order_by("starts_on", "pk")
        .values_list("keyworker_id", flat=True)
    )
    return row.first()


def counted_for(user):
    return access.schools_with_perm(user, COUNTS)
