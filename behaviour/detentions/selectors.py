"""Reads for detentions: every read goes through a per-model "visible to this user" selector."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from pastoral.accounts import access

from .models import Detention, DetentionPolicy, DetentionSession, DetentionType

READ = "behaviour.view_event"
# How far ahead the "set a detention" form looks for a session with space.
LOOK_AHEAD_DAYS = 21


def detentions_visible_to(user):
    return Detention.objects.filter(school_id__in=access.schools_with_perm(user, READ))


def sessions_visible_to(user):
    return DetentionSession.objects.filter(school_id__in=access.schools_with_perm(user, READ))


def types_visible_to(user):
    return DetentionType.objects.filter(school_id__in=access.schools_with_perm(user, READ))


def get_detention_for_user(user, code):
    detentions = Detention.objects.select_related(
        "pupil",
        "school",
        "session__type",
        "session__run_by",
        "event__category",
        "set_by",
        "marked_by",
        "voided_by",
        "escalated_from__session",
        "rescheduled_from__session",
        "escalation_event",
    )
    return access.get_or_refuse(detentions, user, code, READ, "detention")


def get_session_for_user(user, code):
    sessions = DetentionSession.objects.select_related("school", "type", "run_by")
    return access.get_or_refuse(sessions, user, code, READ, "detention session")


def get_type_for_user(user, code, perm=READ):
    types = DetentionType.objects.select_related("school", "run_by", "escalate_to", "escalate_category")
    return access.get_or_refuse(types, user, code, perm, "detention type")


def policy_for(school):
    """The school's detention policy, or the defaults (unsaved) for a school that has not set one."""
    return DetentionPolicy.objects.filter(school=school).first() or DetentionPolicy(school=school)


def with_taken(sessions):
    """Each session with `taken`: the places filled (pupils set, or already marked, not voided or moved)."""
    return sessions.annotate(
        taken=Count(
            "detentions",
            filter=Q(detentions__voided_at__isnull=True, detentions__status__in=Detention.TAKES_A_PLACE),
        )
    )


def earliest_start(session_type, notice_hours, now=None):
    """The earliest a detention of this type may start if set now: after the notice where notice is required."""
    now = now or timezone.now()
    if session_type.notice_required:
        return now + datetime.timedelta(hours=notice_hours)
    return now


def allowed(session, notice_hours, now=None):
    return session.starts_at >= earliest_start(session.type, notice_hours, now)


def sessions_with_space(school, *, now=None, notice_hours=None, types=None, limit=None):
    """The school's coming sessions a pupil may be set now: space left, and far enough off for any notice.

    One query over the next few weeks; the notice rule is checked on the rows (it mixes a date and a time)."""
    now = now or timezone.now()
    if notice_hours is None:
        notice_hours = policy_for(school).notice_hours
    today = timezone.localtime(now).date()
    sessions = DetentionSession.objects.filter(
        school=school,
        type__active=True,
        date__gte=today,
        date__lte=today + datetime.timedelta(days=LOOK_AHEAD_DAYS),
    ).select_related("type", "run_by")
    if types is not None:
        sessions = sessions.filter(type__in=types)
    found = []
    for session in with_taken(sessions).order_by("date", "start_time", "id"):
        if session.taken < session.capacity and allowed(session, notice_hours, now):
            found.append(session)
            if limit and len(found) >= limit:
                break
    return found


def upcoming_sessions(user, school, today=None):
    today = today or timezone.localdate()
    sessions = sessions_visible_to(user).filter(school=school, date__gte=today).select_related("type", "run_by")
    return with_taken(sessions).order_by("date", "start_time", "id")


def pupil_detentions(user, pupil):
    return (
        detentions_visible_to(user)
        .filter(pupil=pupil)
        .select_related("session__type", "set_by", "event__category")
        .order_by("-starts_at", "-id")
    )


def day_sessions(user, school, day):
    """A day's sessions with their pupils, in three queries (sessions, detentions with pupils, notices)."""
    sessions = list(
        with_taken(sessions_visible_to(user).filter(school=school, date=day).select_related("type", "run_by")).order_by(
            "start_time", "id"
        )
    )
    rows = (
        detentions_visible_to(user)
        .filter(session__in=sessions, voided_at__isnull=True)
        .exclude(status=Detention.Status.RESCHEDULED)
        .select_related("pupil", "set_by", "event__category")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "id")
    )
    by_session = {}
    for detention in rows:
        by_session.setdefault(detention.session_id, []).append(detention)
    for session in sessions:
        session.pupils = with_why(user, by_session.get(session.pk, []))
    return sessions


def open_count(user, pupil):
    return detentions_visible_to(user).filter(pupil=pupil, status=Detention.Status.SET, voided_at__isnull=True).count()


def event_readable(user, event):
    """Whether `user` may read the linked event: an event of a sensitive category is read only by the pastoral and
    safeguarding teams and whoever logged it (as events_visible_to), so a detention never reveals its category."""
    if event is None:
        return False
    if not event.category.sensitive:
        return True
    return event.recorded_by_id == user.pk or access.has_school_perm(
        user, event.school_id, "behaviour.view_sensitive_event"
    )


def with_why(user, detentions):
    """Each detention with `why`: the event's category where the viewer may read the event, else the reason."""
    for detention in detentions:
        if detention.event_id and event_readable(user, detention.event):
            detention.why = detention.event.category.name
        elif detention.reason:
            detention.why = detention.reason
        else:
            detention.why = "A behaviour event"
    return detentions
