"""Retention: the data-protection lead's review of records due for disposal, legal holds and the disposal log.
Views are small: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import audit
from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..forms import add_service_errors
from ..lists import keyset_page
from ..models import Pupil
from . import registry, selectors, services
from .forms import ExtendForm, HoldForm, ReleaseForm
from .models import DisposalCandidate
from .permissions import MANAGE


def _lead_school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        raise PermissionDenied
    return school


@login_required
def retention_home(request):
    if not selectors.lead_schools(request.user):
        raise PermissionDenied
    school = current_school(request)
    rules = selectors.rules_for(school) if school and access.has_school_perm(request.user, school, MANAGE) else []
    return render(request, "pastoral/retention/home.html", {"groups": selectors.groups(request.user), "rules": rules})


def _batch(request, school, record_type, status=200, extend_form=None):
    kind = registry.get(record_type)
    if kind is None:
        raise PermissionDenied
    show = request.GET.get("show", DisposalCandidate.Status.AWAITING)
    if show not in DisposalCandidate.Status.values:
        show = DisposalCandidate.Status.AWAITING
    candidates = selectors.candidates_visible_to(request.user).filter(
        school=school, record_type=record_type, status=show
    )
    page = keyset_page(request, candidates.select_related("pupil", "rule").order_by("due_on", "id"))
    selectors.describe(page.object_list, record_type)
    context = {
        "school": school,
        "kind": kind,
        "page": page,
        "show": show,
        "statuses": DisposalCandidate.Status.choices,
        "extend_form": extend_form or ExtendForm(),
        "chosen": set(request.POST.getlist("chosen")) if request.method == "POST" else set(),
    }
    return render(request, "pastoral/retention/batch.html", context, status=status)


@login_required
def retention_batch(request, school, record_type):
    return _batch(request, selectors.school_for_lead(request.user, school), record_type)


@login_required
@require_POST
def retention_dispose(request, school, record_type):
    school = selectors.school_for_lead(request.user, school)
    try:
        result = services.dispose(
            actor=request.user, school=school, record_type=record_type, codes=request.POST.getlist("chosen")
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        text = f"{result['disposed']} record(s) disposed of."
        if result["blocked"]:
            text += f" {result['blocked']} could not be: see the blocked list."
        messages.success(request, text)
    return redirect("pastoral:retention_batch", school=school.code, record_type=record_type)


@login_required
@require_POST
def retention_extend(request, school, record_type):
    school = selectors.school_for_lead(request.user, school)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            count = services.extend(
                actor=request.user,
                school=school,
                record_type=record_type,
                codes=request.POST.getlist("chosen"),
                **form.cleaned_data,
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{count} record(s) kept until the new date.")
            return redirect("pastoral:retention_batch", school=school.code, record_type=record_type)
    return _batch(request, school, record_type, status=400, extend_form=form)


def _holds(request, school, form=None, status=200):
    holds = (
        selectors.holds_visible_to(request.user).filter(school=school).select_related("pupil", "set_by", "released_by")
    )
    page = keyset_page(request, holds.order_by("-set_at", "-id"))
    for hold in page:
        hold.record_label = registry.label(hold.record_type) if hold.record_type else ""
    context = {"school": school, "page": page, "form": form or HoldForm(), "release_form": ReleaseForm()}
    return render(request, "pastoral/retention/holds.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def retention_holds(request):
    school = _lead_school(request)
    if request.method != "POST":
        return _holds(request, school)
    form = HoldForm(request.POST)
    if form.is_valid():
        upn = form.cleaned_data["upn"].strip()
        pupil = Pupil.objects.filter(school=school, upn__iexact=upn).first() if upn else None
        if upn and pupil is None:
            form.add_error("upn", "No pupil of this school has this UPN.")
        else:
            try:
                services.set_hold(
                    actor=request.user,
                    school=school,
                    pupil=pupil,
                    record_type=form.cleaned_data["record_type"],
                    reason=form.cleaned_data["reason"],
                )
            except (PastoralError, ValidationError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Legal hold set. Nothing it covers will be offered for disposal.")
                return redirect("pastoral:retention_holds")
    return _holds(request, school, form=form, status=400)


@login_required
@require_POST
def retention_hold_release(request, code):
    hold = selectors.get_hold_for_user(request.user, code)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.release_hold(actor=request.user, hold=hold, reason=form.cleaned_data["reason"])
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Legal hold released.")
    else:
        messages.error(request, "Give the reason for releasing the hold.")
    return redirect("pastoral:retention_holds")


@login_required
def retention_log(request):
    school = _lead_school(request)
    entries = selectors.log_visible_to(request.user).filter(school=school).select_related("authorised_by")
    page = keyset_page(request, entries.order_by("-disposed_at", "-id"))
    audit.record("pastoral.retention.log_viewed", actor=request.user, school=school)
    return render(request, "pastoral/retention/log.html", {"school": school, "page": page})
