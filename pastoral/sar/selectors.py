"""Reads for subject access requests: the one "visible to this user" selector and the page lookups."""

from ..accounts import access
from .models import SubjectAccessRequest
from .permissions import MANAGE


def requests_visible_to(user):
    return SubjectAccessRequest.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def get_request_for_user(user, code):
    requests = SubjectAccessRequest.objects.select_related("school", "pupil", "created_by")
    return access.get_or_refuse(requests, user, code, MANAGE, "subject access request")


def open_requests(requests):
    """Of `requests`, those still open (the list's first view and the dashboard panel)."""
    return requests.filter(status=SubjectAccessRequest.Status.OPEN)
