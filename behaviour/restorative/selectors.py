"""Reads for restorative meetings."""

from pastoral.accounts import access

from .models import RestorativeMeeting


def restorative_meetings_visible_to(user):
    return RestorativeMeeting.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_restorative_meeting_for_user(user, code):
    """The meeting, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    meetings = RestorativeMeeting.objects.select_related("school", "recorded_by", "voided_by")
    return access.get_or_refuse(meetings, user, code, "behaviour.view_event", "meeting")
