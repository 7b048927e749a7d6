"""Reads for behaviour: one `<thing>_visible_to(user)` per model, used by every list, search, export and task."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pastoral import access

from .models import BehaviourCategory, BehaviourEvent, Location


def events_visible_to(user):
    return BehaviourEvent.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def categories_for(school, *, active_only=False):
    categories = BehaviourCategory.objects.filter(school=school)
    return categories.filter(active=True) if active_only else categories


def locations_for(school, *, active_only=False):
    locations = Location.objects.filter(school=school)
    return locations.filter(active=True) if active_only else locations


def get_event_for_user(user, code):
    """The event, or 404 if the user has no way to know it exists, or 403 if their role stops them.

    Staff of the event's own school without the permission (the IT admin) get 403; anyone else
    gets 404 so records of other schools never reveal themselves.
    """
    event = (
        BehaviourEvent.objects.select_related("pupil", "school", "category", "location", "recorded_by", "voided_by")
        .filter(code=code)
        .first()
    )
    if event is None:
        raise Http404("No such event")
    if access.has_school_perm(user, event.school_id, "behaviour.view_event"):
        return event
    if access.is_member_of(user, event.school_id):
        raise PermissionDenied
    raise Http404("No such event")
