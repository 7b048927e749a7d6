"""Reads for subject access requests: the one "visible to this user" selector and the page lookups."""

from django.utils import timezone

from ..accounts import access
from .models import SubjectAccessRequest
from .permissions import MANAGE


def requests_visible_to(user):
    return SubjectAccessRequest.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def get_request_for_user(user, code):
    requests = SubjectAccessRequest.objects.select_related("school", "pupil", "created_by")
    return access.get_or_refuse(requests, user, code, MANAGE, "subject access request")


def open_requests(requests, today=None):
    """Open requests, nearest deadline first: the dashboard's and the list's first view."""
    return requests.filter(status=SubjectAccessRequest.Status.OPEN)


def overdue(requests, today=None):
    today = today or timezone.localdate()
    live = open_requests(requests)
    return live.filter(extended_to__isnull=True, due_on__lt=today) | live.filter(extended_to__lt=today)
