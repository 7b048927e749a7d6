"""The medical overview of a school and one pupil's medical record: every sub-area's rows, read and audited."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from pastoral.models import Pupil

from .conditions import selectors as conditions
from .selectors import MANAGE, RECORD, VIEW, can_record, get_or_refuse
from .services import record_read
from .views import school_with


@login_required
def overview(request):
    school = school_with(request, VIEW)
    user, today = request.user, timezone.localdate()
    record_read(actor=user, action="medical.overview.viewed", school=school)
    context = {
        "school": school,
        "today": today,
        "can_record": can_record(user, school),
        "can_manage": MANAGE in _perms(user, school),
        "arrangements": conditions.arrangements_due(user, school, today),
    }
    context.update(_extra_overview(user, school, today))
    return render(request, "medical/overview.html", context)


def _perms(user, school):
    from pastoral.accounts import access

    return access.perms_in_school(user, school.pk)


def _extra_overview(user, school, today):
    from .panels import rows_for

    return {"attention": rows_for(user, school, today)}


@login_required
def pupil_record(request, code):
    pupil = get_or_refuse(Pupil.objects.select_related("school"), request.user, code, "pupil", "medical.pupil.refused")
    record_read(actor=request.user, action="medical.pupil.viewed", obj=pupil, pupil=pupil)
    user = request.user
    context = {
        "pupil": pupil,
        "can_record": can_record(user, pupil.school_id),
        "conditions": conditions.current(conditions.conditions_visible_to(user).filter(pupil=pupil))
        .select_related("condition_type")
        .order_by("-created_at"),
        "RECORD": RECORD,
    }
    context.update(_extra_pupil(user, pupil))
    return render(request, "medical/pupil_record.html", context)


def _extra_pupil(user, pupil):
    from .first_aid.selectors import accidents_visible_to
    from .first_aid.selectors import current as current_accidents
    from .medication.selectors import agreements_visible_to
    from .plans.selectors import plans_visible_to

    due = [c for c in conditions.arrangements_due(user, pupil.school, timezone.localdate()) if c.pupil_id == pupil.pk]
    return {
        "arrangements_due": min((c.due_on for c in due), default=None),
        "plans": plans_visible_to(user).filter(pupil=pupil).order_by("-created_at"),
        "medicines": agreements_visible_to(user).filter(pupil=pupil).order_by("-created_at"),
        "accidents": current_accidents(accidents_visible_to(user).filter(pupil=pupil)).order_by("-occurred_at")[:20],
    }
