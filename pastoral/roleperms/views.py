"""The roles page (`/staff/roles/`): a headteacher fits each role's permissions to the school; headteachers and
DSLs approve the additions on the approvals page. Staff accounts and role grants live in accounts.staff_views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..accounts import access, role_catalogue
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..forms import RoleDeclineForm
from . import selectors, services

MANAGE = "pastoral.manage_roles"


def _school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        raise PermissionDenied
    return school


def _wanted_changes(rows, ticked):
    """[(Role, permission, granted)] for every cell a school may change whose box differs from the role's state."""
    changes = []
    for _area, lines in rows:
        for perm, _label, cells in lines:
            for cell in cells:
                if cell["allowed"] and not cell["pending"] and (cell["name"] in ticked) != cell["on"]:
                    changes.append((cell["role"], perm, cell["name"] in ticked))
    return changes


@login_required
def role_permissions(request):
    school = _school(request)
    rows, _effective = selectors.role_matrix(school)
    if request.method == "POST":
        changes = _wanted_changes(rows, set(request.POST.getlist("perm")))
        if not changes:
            messages.info(request, "Nothing was changed.")
            return redirect("pastoral:role_permissions")
        try:
            made = services.role_permissions_change(actor=request.user, school=school, changes=changes)
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            added = sum(1 for change in made if change.granted)
            removed = len(made) - added
            if removed:
                messages.success(
                    request, f"{removed} permission{'s' if removed != 1 else ''} taken away: this applies now."
                )
            if added:
                messages.warning(
                    request,
                    f"{added} permission{'s' if added != 1 else ''} to add: each waits until another headteacher or "
                    "DSL of the school approves it.",
                )
            return redirect("pastoral:role_permissions")
    context = {
        "school": school,
        "roles": role_catalogue.EDITABLE_ROLES,
        "rows": rows,
        "pending": list(selectors.changes_awaiting_approval_in(school)),
        "recent": list(selectors.recent_changes(school)),
    }
    return render(request, "pastoral/role_permissions.html", context)


def _pending_change(request, change_code):
    """404 outside the approver's schools; 403 to whoever asked for it."""
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        raise PermissionDenied
    change = get_object_or_404(
        selectors.changes_awaiting_approval(request.user).select_related("school"), code=change_code
    )
    if not selectors.can_approve_change(request.user, change):
        raise PermissionDenied
    return change


@login_required
@require_POST
def role_permission_approve(request, change_code):
    change = _pending_change(request, change_code)
    try:
        services.role_permission_approve(actor=request.user, change=change)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Approved: {change}.")
    return redirect("pastoral:role_approvals")


@login_required
@require_POST
def role_permission_decline(request, change_code):
    change = _pending_change(request, change_code)
    form = RoleDeclineForm(request.POST, prefix=f"perm-{change.code}")
    if not form.is_valid():
        from ..accounts.staff_views import _render_approvals

        return _render_approvals(request, {change.code: form})
    try:
        services.role_permission_decline(actor=request.user, change=change, reason=form.cleaned_data["reason"])
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Declined: {change}.")
    return redirect("pastoral:role_approvals")
