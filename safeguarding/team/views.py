"""The safeguarding team page: the lead DSL and deputies with their training due dates, and the cover rota."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors

from . import selectors, services
from .forms import CoverSlotForm


def _school(request):
    school = current_school(request)
    if school is None or not selectors.may_see_team(request.user, school):
        raise PermissionDenied
    return school


def _context(request, school, form=None):
    members = selectors.team(school)
    today = timezone.localdate()
    current, upcoming = selectors.cover_now_and_next(request.user, school)
    can_manage = selectors.may_manage_cover(request.user, school)
    leads = [member for member in members if member.lead]
    return {
        "school": school,
        "members": [(member, member.status(today)) for member in members],
        "lead_count": len(leads),
        "current": current,
        "upcoming": upcoming,
        "can_manage": can_manage,
        "can_manage_concerns": can_manage,
        "form": form or (CoverSlotForm(team_users=[m.user for m in members]) if can_manage else None),
    }


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request):
    school = _school(request)
    if request.method == "GET":
        return render(request, "safeguarding/team.html", _context(request, school))
    if not selectors.may_manage_cover(request.user, school):
        raise PermissionDenied
    form = CoverSlotForm(request.POST, team_users=[member.user for member in selectors.team(school)])
    if form.is_valid():
        try:
            services.cover_add(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Cover added to the rota.")
            return redirect("safeguarding:team")
    return render(request, "safeguarding/team.html", _context(request, school, form), status=400)


@login_required
@require_POST
def cover_cancel(request, code):
    school = _school(request)
    slot = get_object_or_404(selectors.cover_visible_to(request.user).filter(school=school), code=code)
    try:
        services.cover_cancel(actor=request.user, slot=slot)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Cover cancelled. It stays in the rota's history.")
    return redirect("safeguarding:team")
