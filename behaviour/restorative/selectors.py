"""Reads for restorative meetings."""

import datetime

from django.db.models import Q
from django.utils import timezone

from pastoral.accounts import access

from ..events.models import BehaviourCategory
from ..events.selectors import events_visible_to
from .models import RestorativeMeeting


def restorative_meetings_visible_to(user):
    return RestorativeMeeting.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_restorative_meeting_for_user(user, code):
    """The meeting, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    meetings = RestorativeMeeting.objects.select_related("school", "recorded_by", "voided_by")
    return access.get_or_refuse(meetings, user, code, "behaviour.view_event", "meeting")


def restorative_candidates(user, school, chosen=(), *, days=14, limit=50):
    """Incidents offered on the restorative form: those already chosen, events logged with them, and
    the school's recent negative events (of the chosen events' pupils, when there are any)."""
    events = events_visible_to(user).filter(school=school, voided_at__isnull=True)
    chosen_ids = [event.pk for event in chosen]
    since = timezone.now() - datetime.timedelta(days=days)
    recent = Q(category__kind=BehaviourCategory.Kind.NEGATIVE, occurred_at__gte=since)
    if chosen_ids:
        recent &= Q(pupil__in={event.pupil_id for event in chosen})
        recent |= Q(group__in={event.group for event in chosen})
    nearby = events.filter(recent).order_by("-occurred_at").values_list("pk", flat=True)[:limit]
    return (
        events.filter(Q(pk__in=chosen_ids) | Q(pk__in=list(nearby)))
        .select_related("pupil", "category")
        .order_by("-occurred_at", "-pk")
    )
