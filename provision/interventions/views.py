"""Views for interventions and their impact: fetch → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import audit
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from provision import measures_registry

from . import impact, selectors, services
from .filters import group_filter
from .forms import AddMemberForm, FinishForm, GroupStartForm, ProgrammeForm, RateForm, SessionForm
from .models import GroupMember, Programme, SessionAttendance


def _school_with(request, perm):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


@login_required
def group_list(request):
    school = _school_with(request, selectors.VIEW)
    listing = list_page(request, group_filter(request.user, school, request.GET))
    context = listing.context(
        can_run=selectors.can_run(request.user, school),
        can_manage=access.has_school_perm(request.user, school, selectors.MANAGE),
    )
    return render(request, "provision/interventions/group_list.html", context)


@login_required
def group_start(request):
    school = _school_with(request, selectors.RUN)
    initial = {"starts_on": timezone.localdate(), "facilitators": [request.user.pk]}
    form = GroupStartForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            group = services.group_start(actor=request.user, **data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{group.name} started.")
            return redirect("provision:group_detail", code=group.code)
    return render(request, "provision/interventions/group_start.html", {"form": form})


def _members(group):
    return list(group.members.select_related("pupil", "group", "group__programme").order_by("pupil__legal_last_name"))


@login_required
def group_detail(request, code):
    group = selectors.get_group_for_user(request.user, code)
    members = _members(group)
    sessions = list(
        group.sessions.select_related("recorded_by")
        .annotate(attended=Count("attendance", filter=Q(attendance__status=SessionAttendance.Status.ATTENDED)))
        .order_by("-held_on", "-pk")
    )
    can_run = selectors.can_run(request.user, group.school_id)
    context = {
        "group": group,
        "members": members,
        "sessions": sessions,
        "facilitators": list(group.facilitators.order_by("last_name")),
        "can_run": can_run,
        "add_form": AddMemberForm(user=request.user, school=group.school) if can_run else None,
        "finish_form": FinishForm(initial={"finished_on": timezone.localdate()}) if can_run else None,
        "measure": measures_registry.label(group.programme.measure_code) if group.programme.measure_code else "",
    }
    return render(request, "provision/interventions/group_detail.html", context)


@login_required
@require_POST
def member_add(request, code):
    group = selectors.get_group_for_user(request.user, code, selectors.RUN)
    form = AddMemberForm(request.POST, user=request.user, school=group.school)
    if form.is_valid():
        try:
            services.member_add(actor=request.user, group=group, **form.cleaned_data)
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['pupil'].display_name} added.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("provision:group_detail", code=group.code)


@login_required
def member_rate(request, code):
    member = selectors.get_member_for_user(request.user, code)
    form = RateForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_rate(
                actor=request.user,
                member=member,
                target=form.cleaned_data["target"],
                rating=form.cleaned_data["rating"],
                rating_note=form.cleaned_data["rating_note"],
            )
        except PastoralError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Target saved.")
            return redirect("provision:group_detail", code=member.group.code)
    return render(request, "provision/interventions/member_rate.html", {"member": member, "form": form})


@login_required
def session_record(request, code):
    group = selectors.get_group_for_user(request.user, code, selectors.RUN)
    members = [m for m in _members(group) if m.left_on is None]
    form = SessionForm(request.POST or None, members=members, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record(
                actor=request.user,
                group=group,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
                statuses=form.statuses(),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session recorded.")
            return redirect("provision:group_detail", code=group.code)
    return render(request, "provision/interventions/session_record.html", {"group": group, "form": form})


@login_required
@require_POST
def group_finish(request, code):
    group = selectors.get_group_for_user(request.user, code, selectors.RUN)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.group_finish(actor=request.user, group=group, **form.cleaned_data)
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The group has finished. Rate each pupil's target.")
    else:
        messages.error(request, "Give the date the group finished.")
    return redirect("provision:group_detail", code=group.code)


@login_required
def group_impact(request, code):
    group = selectors.get_group_for_user(request.user, code)
    rows = impact.impact_for(request.user, _members(group))
    services.impact_viewed(actor=request.user, obj=group)
    context = {
        "group": group,
        "rows": rows,
        "window": impact.window(group),
        "summary": impact.summarise(rows, [group]),
        "chart": impact.chart(rows),
        "measure_chart": impact.measure_chart(rows),
        "measure": measures_registry.label(group.programme.measure_code) if group.programme.measure_code else "",
    }
    return render(request, "provision/interventions/group_impact.html", context)


@login_required
def programme_list(request):
    school = _school_with(request, selectors.VIEW)
    programmes = list(
        selectors.programmes_visible_to(request.user)
        .filter(school=school)
        .annotate(groups_run=Count("groups"))
        .order_by("-active", "name")
    )
    for programme in programmes:
        programme.measure_label = measures_registry.label(programme.measure_code) if programme.measure_code else ""
    context = {"programmes": programmes, "can_manage": access.has_school_perm(request.user, school, selectors.MANAGE)}
    return render(request, "provision/interventions/programme_list.html", context)


def _programme_form(request, school, programme):
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.instance.school = school
        try:
            services.programme_save(actor=request.user, programme=form.instance, changed=audit.changes(form))
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Programme saved.")
            return redirect("provision:programme_list")
    return render(request, "provision/interventions/programme_form.html", {"form": form, "programme": programme})


@login_required
def programme_create(request):
    school = _school_with(request, selectors.MANAGE)
    return _programme_form(request, school, Programme(school=school))


@login_required
def programme_edit(request, code):
    programme = selectors.get_programme_for_user(request.user, code, selectors.MANAGE)
    return _programme_form(request, programme.school, programme)


@login_required
def programme_impact(request, code):
    programme = selectors.get_programme_for_user(request.user, code)
    groups = list(selectors.groups_visible_to(request.user).filter(programme=programme).select_related("programme"))
    members = list(
        GroupMember.objects.filter(group__in=groups)
        .select_related("pupil", "group", "group__programme")
        .order_by("group__starts_on", "pupil__legal_last_name")
    )
    rows = impact.impact_for(request.user, members)
    services.impact_viewed(actor=request.user, obj=programme)
    context = {
        "programme": programme,
        "groups": groups,
        "rows": rows,
        "summary": impact.summarise(rows, groups),
        "measure_chart": impact.measure_chart(rows),
        "chart": impact.chart(rows),
        "measure": measures_registry.label(programme.measure_code) if programme.measure_code else "",
    }
    return render(request, "provision/interventions/programme_impact.html", context)
