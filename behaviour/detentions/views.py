"""Views for detentions: fetch → form → service → redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import selectors as core_selectors
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import keyset_page, page_query

from ..events.views import _event_to_link
from ..views import _require, _school_with
from . import selectors, services
from .forms import (
    DayForm,
    DetentionForm,
    DetentionTypeForm,
    GenerateForm,
    NoticeForm,
    PolicyForm,
    RescheduleForm,
    SessionForm,
    VoidForm,
)
from .models import Detention

READ = selectors.READ
MANAGE = "behaviour.manage_detentions"
SET = "behaviour.set_detention"


def _errors(exc):
    return " ".join(getattr(exc, "messages", [str(exc)]))


# --- setting ----------------------------------------------------------------------------------------------------


@login_required
def detention_create(request):
    school = _school_with(request, SET)
    event = _event_to_link(request, school)
    initial = {}
    pupil_code = request.GET.get("pupil")
    if pupil_code and event is None:
        pupil = core_selectors.get_pupil_for_user(request.user, pupil_code)
        if pupil.school_id == school.pk:
            initial["pupil"] = pupil
    sessions = selectors.sessions_with_space(school)
    form = DetentionForm(
        request.POST or None, user=request.user, school=school, sessions=sessions, event=event, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            detention = services.set_detention(
                actor=request.user,
                pupil=event.pupil if event else data["pupil"],
                session=data["session"],
                event=event,
                reason=data["reason"],
                submission_key=data["submission_key"],
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Detention set.")
            return redirect("behaviour:detention_detail", code=detention.code)
    context = {"form": form, "event": event, "policy": selectors.policy_for(school), "has_sessions": bool(sessions)}
    return render(request, "behaviour/detentions/detention_form.html", context)


# --- one detention --------------------------------------------------------------------------------------------------


def _detail_context(request, detention, **forms):
    user = request.user
    school_id = detention.school_id
    live = not detention.voided_at
    can_set = live and access.has_school_perm(user, school_id, SET)
    can_mark = live and services.can_mark(user, detention.session)
    still_to_sit = live and detention.status == Detention.Status.SET
    notices = list(detention.notices.select_related("recorded_by", "contact"))
    reschedule_form = forms.get("reschedule_form")
    if reschedule_form is None and still_to_sit and (can_set or can_mark):
        others = [s for s in selectors.sessions_with_space(detention.school) if s.pk != detention.session_id]
        reschedule_form = RescheduleForm(sessions=others)
    can_void = live and access.has_school_perm(user, school_id, MANAGE)
    return {
        "detention": detention,
        "event_readable": selectors.event_readable(user, detention.event),
        "notices": notices,
        "notice_given": services.notice_given(detention, notices),
        "escalations": list(detention.escalations.select_related("session__type")),
        "can_set": can_set,
        # Marks once the session has started, and not after a missed one has escalated.
        "can_mark": can_mark
        and detention.status != Detention.Status.RESCHEDULED
        and not detention.escalation_note
        and detention.session.starts_at <= timezone.now(),
        "marks": services.MARKS,
        "notice_form": forms.get("notice_form", NoticeForm() if can_set else None),
        "reschedule_form": reschedule_form,
        "void_form": forms.get("void_form", VoidForm() if can_void else None),
    }


@login_required
def detention_detail(request, code):
    detention = selectors.get_detention_for_user(request.user, code)
    if detention.voided_at and not access.has_school_perm(request.user, detention.school_id, MANAGE):
        raise PermissionDenied
    return render(request, "behaviour/detentions/detention_detail.html", _detail_context(request, detention))


@login_required
@require_POST
def detention_notice(request, code):
    detention = selectors.get_detention_for_user(request.user, code)
    _require(request.user, detention.school_id, SET)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.detention_notice_record(actor=request.user, detention=detention, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Notice recorded.")
            return redirect("behaviour:detention_detail", code=detention.code)
    context = _detail_context(request, detention, notice_form=form)
    return render(request, "behaviour/detentions/detention_detail.html", context, status=400)


@login_required
@require_POST
def detention_mark(request, code):
    detention = selectors.get_detention_for_user(request.user, code)
    if not services.can_mark(request.user, detention.session):
        raise PermissionDenied
    try:
        detention = services.detention_mark(
            actor=request.user, detention=detention, status=request.POST.get("status", ""), note=""
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        text = f"{detention.pupil.display_name}: {detention.get_status_display().lower()}."
        if detention.escalation_note:
            text += f" {detention.escalation_note}."
        messages.success(request, text)
    back = request.POST.get("back")
    if back == "session":
        return redirect("behaviour:detention_session", code=detention.session.code)
    if back == "day":
        return redirect(f"{reverse('behaviour:detention_day')}?day={detention.session.date.isoformat()}")
    return redirect("behaviour:detention_detail", code=detention.code)


@login_required
@require_POST
def detention_reschedule(request, code):
    detention = selectors.get_detention_for_user(request.user, code)
    if not (
        access.has_school_perm(request.user, detention.school_id, SET)
        or services.can_mark(request.user, detention.session)
    ):
        raise PermissionDenied
    others = [s for s in selectors.sessions_with_space(detention.school) if s.pk != detention.session_id]
    form = RescheduleForm(request.POST, sessions=others)
    if form.is_valid():
        try:
            moved = services.detention_reschedule(actor=request.user, detention=detention, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Detention moved.")
            return redirect("behaviour:detention_detail", code=moved.code)
    context = _detail_context(request, detention, reschedule_form=form)
    return render(request, "behaviour/detentions/detention_detail.html", context, status=400)


@login_required
@require_POST
def detention_void(request, code):
    detention = selectors.get_detention_for_user(request.user, code)
    _require(request.user, detention.school_id, MANAGE)
    form = VoidForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, detention, void_form=form)
        return render(request, "behaviour/detentions/detention_detail.html", context, status=400)
    try:
        services.detention_void(actor=request.user, detention=detention, reason=form.cleaned_data["reason"])
        messages.success(request, "Detention voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:detention_detail", code=detention.code)


# --- sessions, the day's list, a pupil's list ------------------------------------------------------------------------


@login_required
def session_list(request):
    """Coming sessions, earliest first, paged by keyset."""
    school = _school_with(request, READ)
    page = keyset_page(request, selectors.upcoming_sessions(request.user, school))
    context = {
        "page": page,
        "query": page_query(request),
        "today": timezone.localdate(),
        "can_set": access.has_school_perm(request.user, school, SET),
        "can_manage": access.has_school_perm(request.user, school, MANAGE),
    }
    return render(request, "behaviour/detentions/session_list.html", context)


@login_required
def session_detail(request, code):
    """One session's register for marking on a tablet (large tap targets)."""
    session = selectors.get_session_for_user(request.user, code)
    sessions = selectors.day_sessions(request.user, session.school, session.date)
    this = next(s for s in sessions if s.pk == session.pk)
    can_manage = access.has_school_perm(request.user, session.school_id, MANAGE)
    context = {
        "session": this,
        "can_mark": services.can_mark(request.user, session),
        "started": session.starts_at <= timezone.now(),
        "marks": services.MARKS,
        "session_form": SessionForm(instance=session) if can_manage else None,
    }
    return render(request, "behaviour/detentions/session_detail.html", context)


@login_required
@require_POST
def session_edit(request, code):
    session = selectors.get_session_for_user(request.user, code)
    _require(request.user, session.school_id, MANAGE)
    form = SessionForm(request.POST, instance=selectors.get_session_for_user(request.user, code))
    if form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "Session changed.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("behaviour:detention_session", code=session.code)


def _day(request):
    form = DayForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["day"], form
    if form.is_bound:
        raise Http404("No such day")
    return timezone.localdate(), DayForm(initial={"day": timezone.localdate()})


@login_required
def day_list(request):
    """The day's detentions, session by session: the printable list (its PDF through the exports) and marking."""
    school = _school_with(request, READ)
    day, form = _day(request)
    sessions = selectors.day_sessions(request.user, school, day)
    now = timezone.now()
    for session in sessions:
        session.can_mark = services.can_mark(request.user, session)
        session.started = session.starts_at <= now
    context = {
        "day": day,
        "form": form,
        "sessions": sessions,
        "marks": services.MARKS,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
    }
    return render(request, "behaviour/detentions/day_list.html", context)


@login_required
def pupil_list(request, code):
    pupil = core_selectors.get_pupil_for_user(request.user, code)
    _require(request.user, pupil.school_id, READ)
    page = keyset_page(request, selectors.pupil_detentions(request.user, pupil))
    selectors.with_why(request.user, page.object_list)
    context = {
        "pupil": pupil,
        "page": page,
        "query": page_query(request),
        "can_set": access.has_school_perm(request.user, pupil.school_id, SET),
    }
    return render(request, "behaviour/detentions/pupil_list.html", context)


# --- types and the school's policy -----------------------------------------------------------------------------------


@login_required
def type_list(request):
    school = _school_with(request, MANAGE)
    types = (
        selectors.types_visible_to(request.user)
        .filter(school=school)
        .select_related("run_by", "escalate_to", "escalate_category")
    )
    policy = selectors.policy_for(school)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.detention_policy_save(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Detention settings saved.")
            return redirect("behaviour:detention_types")
    context = {"types": types, "policy_form": form, "generate_form": GenerateForm()}
    return render(request, "behaviour/detentions/type_list.html", context)


@login_required
def type_form(request, code=None):
    # Another school's type is not found (404) before the working school's permission is asked.
    detention_type = selectors.get_type_for_user(request.user, code, MANAGE) if code else None
    school = _school_with(request, MANAGE)
    if detention_type is not None and detention_type.school_id != school.pk:
        raise Http404("No such detention type")
    form = DetentionTypeForm(request.POST or None, instance=detention_type, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = selectors.get_type_for_user(request.user, code, MANAGE) if code else None
            services.detention_type_save(actor=request.user, school=school, detention_type=fresh, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Detention type saved.")
            return redirect("behaviour:detention_types")
    return render(request, "behaviour/detentions/type_form.html", {"form": form, "detention_type": detention_type})


@login_required
@require_POST
def type_sessions(request, code):
    detention_type = selectors.get_type_for_user(request.user, code, MANAGE)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the first day to make sessions from.")
        return redirect("behaviour:detention_types")
    try:
        made = services.sessions_generate(
            actor=request.user, detention_type=detention_type, start=form.cleaned_data["start"]
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{len(made)} session{'s' if len(made) != 1 else ''} of {detention_type} made.")
    return redirect("behaviour:detention_types")
