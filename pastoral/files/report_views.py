"""The termly report: ask for it for a date range (the dashboard panel posts here)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from . import exports, reports


@login_required
def termly_report(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, reports.VIEW):
        raise PermissionDenied
    can_trust = access.has_school_perm(request.user, school, reports.VIEW_TRUST)
    form = None
    if request.method == "POST":
        form = reports.TermlyReportForm(request.POST, school=school, can_trust=can_trust)
        if form.is_valid():
            try:
                key = uuid.UUID(request.POST.get("key", ""))
            except ValueError:
                key = None
            try:
                exports.request_export(
                    actor=request.user,
                    kind_name=reports.KIND,
                    school=school,
                    parameters=form.parameters(school),
                    submission_key=key,
                )
            except PastoralError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "The termly report is being prepared. It will appear below when it is ready.")
                return redirect("pastoral:export_list")
    context = {
        "panel": reports.panel_context(request.user, school, form),
        "can_safeguarding": access.has_school_perm(request.user, school, "safeguarding.view_concerns"),
    }
    return render(request, "pastoral/termly_report_form.html", context, status=400 if form is not None else 200)
