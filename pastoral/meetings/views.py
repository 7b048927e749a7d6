"""Meeting pages: a pupil's meetings by month, recording one, reading one, its report, completing an action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..accounts import access
from ..files.uploads import download_name, file_response
from ..lists import list_page
from ..selectors import get_pupil_for_user
from . import services
from .filters import meeting_filter
from .forms import MeetingForm
from .permissions import RECORD, VIEW
from .selectors import get_action_for_user, get_meeting_for_user


@login_required
@require_GET
def pupil_meetings(request, code):
    pupil = get_pupil_for_user(request.user, code, perm=VIEW)
    listing = list_page(request, meeting_filter(request.user, pupil, request.GET))
    context = listing.context(pupil=pupil, can_record=access.has_school_perm(request.user, pupil.school_id, RECORD))
    return render(request, "pastoral/meetings/pupil_meetings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, code):
    pupil = get_pupil_for_user(request.user, code, perm=RECORD)
    form = MeetingForm(request.POST or None, request.FILES or None, user=request.user, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(
                actor=request.user,
                pupil=pupil,
                staff=form.cleaned_data["staff"],
                professionals=form.cleaned_data["professionals"],
                report=form.cleaned_data["report"],
                actions=form.actions(),
                **form.meeting_fields(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Meeting recorded.")
            return redirect("pastoral:meeting_detail", code=meeting.code)
    return render(request, "pastoral/meetings/meeting_form.html", {"pupil": pupil, "form": form})


@login_required
@require_GET
def meeting_detail(request, code):
    meeting = get_meeting_for_user(request.user, code)
    services.meeting_viewed(actor=request.user, meeting=meeting)
    context = {
        "meeting": meeting,
        "pupil": meeting.pupil,
        "staff": meeting.staff.all(),
        "professionals": meeting.professionals.all(),
        "actions": meeting.actions.select_related("owner"),
        "can_record": access.has_school_perm(request.user, meeting.school_id, RECORD),
    }
    return render(request, "pastoral/meetings/meeting_detail.html", context)


@login_required
@require_GET
def meeting_report(request, code):
    meeting = get_meeting_for_user(request.user, code)
    if not meeting.report:
        raise PermissionDenied
    services.report_downloaded(actor=request.user, meeting=meeting)
    response = file_response(
        meeting.report,
        content_type=meeting.report_type,
        filename=download_name(meeting.report_name, meeting.report_type),
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_POST
def meeting_action_done(request, code):
    action = get_action_for_user(request.user, code)
    try:
        services.action_done(actor=request.user, action=action)
    except ValidationError:
        messages.info(request, "That action was already done.")
    else:
        messages.success(request, "Action marked done.")
    return redirect("pastoral:meeting_detail", code=action.meeting.code)
