"""The school a signed-in user is working in (staff of several schools switch between them)."""

from ..models import School
from . import access

SESSION_KEY = "pastoral_school_id"


def schools_for_switcher(request):
    if not hasattr(request, "_pastoral_schools"):
        ids = list(access.school_roles(request.user))
        request._pastoral_schools = list(School.objects.filter(id__in=ids).order_by("name")) if ids else []
    return request._pastoral_schools


def current_school(request):
    schools = schools_for_switcher(request)
    if not schools:
        return None
    chosen = request.session.get(SESSION_KEY)
    for school in schools:
        if school.id == chosen:
            return school
    return schools[0]


def set_current_school(request, school):
    request.session[SESSION_KEY] = school.id
