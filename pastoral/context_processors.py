from django.conf import settings

from .accounts import access
from .accounts.schools import current_school, schools_for_switcher
from .paper import selectors as paper_selectors


def pastoral(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"idle_timeout_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES}
    school = current_school(request)
    return {
        "current_school": school,
        "switchable_schools": schools_for_switcher(request),
        "can_view_pupils": access.has_any_school_perm(user, "pastoral.view_pupil"),
        "can_manage_staff": access.has_any_school_perm(user, "pastoral.manage_staff"),
        "can_add_schools": access.can_add_schools(user),
        "can_import_pupils": school is not None and access.has_school_perm(user, school, "pastoral.import_pupils"),
        "can_view_attendance": school is not None and access.has_school_perm(user, school, "pastoral.view_attendance"),
        "can_import_attendance": school is not None
        and access.has_school_perm(user, school, "pastoral.import_attendance"),
        "can_view_audit": school is not None and access.has_school_perm(user, school, "pastoral.view_audit"),
        "can_manage_calendar": school is not None and access.has_school_perm(user, school, "pastoral.manage_calendar"),
        "idle_timeout_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
        "can_log_behaviour": school is not None and access.has_school_perm(user, school, "behaviour.record_event"),
        "can_view_analytics": school is not None and access.has_school_perm(user, school, "behaviour.view_analytics"),
        "can_raise_concern": school is not None and access.has_school_perm(user, school, "safeguarding.raise_concern"),
        "can_view_concerns": school is not None and access.has_school_perm(user, school, "safeguarding.view_concerns"),
        "can_view_plans": school is not None and access.has_school_perm(user, school, "provision.view_shared_plan"),
        "can_keywork": school is not None and access.has_school_perm(user, school, "provision.keywork"),
        "can_run_interventions": school is not None
        and access.has_school_perm(user, school, "provision.view_interventions"),
        "can_view_ap": school is not None and access.has_school_perm(user, school, "provision.view_ap"),
        "can_view_medical": school is not None and access.has_school_perm(user, school, "medical.view_records"),
        "can_view_medical_plans": school is not None
        and access.has_school_perm(user, school, "medical.view_shared_plans"),
        "can_manage_concerns": school is not None
        and access.has_school_perm(user, school, "safeguarding.manage_concerns"),
        # The paper fallback: whoever may print one of its forms, or list the school's printed sheets.
        "can_use_paper_forms": school is not None
        and (
            access.has_school_perm(user, school, "pastoral.view_paper_sheets")
            or bool(paper_selectors.printable_kinds(user, school))
        ),
    }
