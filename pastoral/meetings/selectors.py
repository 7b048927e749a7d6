"""Who sees which meetings: meeting readers in the school; child protection kinds only the DSL team."""

from django.db.models import Q

from ..accounts import access
from .models import CP_KINDS, Meeting, MeetingAction
from .permissions import VIEW, VIEW_CP


def meetings_visible_to(user):
    cp_schools = access.schools_with_perm(user, VIEW_CP)
    return Meeting.objects.filter(school_id__in=access.schools_with_perm(user, VIEW)).filter(
        ~Q(kind__in=CP_KINDS) | Q(school_id__in=cp_schools)
    )


def actions_visible_to(user):
    return MeetingAction.objects.filter(meeting__in=meetings_visible_to(user))


def get_meeting_for_user(user, code):
    """404 outside the school, 403 to its staff who may not read it; refusals of CP meetings are audited."""
    meeting = Meeting.objects.select_related("school", "pupil", "recorded_by").filter(code=code).first()
    if meeting is not None and meetings_visible_to(user).filter(pk=meeting.pk).exists():
        return meeting
    known = meeting is not None and access.is_member_of(user, meeting.school_id)
    refused = "pastoral.meeting.refused" if meeting is None or meeting.is_cp else None
    access.refuse(user, meeting, code, refused, allowed_to_know=known, noun="meeting")


def get_action_for_user(user, code):
    action = MeetingAction.objects.select_related("meeting", "meeting__pupil").filter(code=code).first()
    if action is not None and actions_visible_to(user).filter(pk=action.pk).exists():
        return action
    known = action is not None and access.is_member_of(user, action.meeting.school_id)
    access.refuse(user, action, code, None, allowed_to_know=known, noun="action")
