"""The school a signed-in user is working in (staff of several schools switch between them)."""

from . import access

SESSION_KEY = "pastoral_school_id"


def schools_for_switcher(request):
    if not hasattr(request, "_pastoral_schools"):
        # The schools came with the user's roles: no query of their own.
        request._pastoral_schools = access.member_schools(request.user)
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
