"""Staff accounts, for IT admins: joiners, movers and leavers. No pupil data here.

Safeguarding roles (roles.APPROVAL_ROLES) granted here wait on the "Roles awaiting
approval" page until a headteacher or DSL of the school approves them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .dashboard import Panel
from .exceptions import PastoralError
from .forms import MembershipGrantForm, RoleDeclineForm, StaffCreateForm
from .schools import current_school

_AWAITING = (
    "This role opens safeguarding records, so it gives no access until a headteacher or DSL of the school "
    "approves it. They have been emailed."
)


def _admin_school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, "pastoral.manage_staff"):
        raise PermissionDenied
    return school


def _staff_member(request, code):
    return get_object_or_404(selectors.staff_visible_to(request.user), code=code)


@login_required
def staff_list(request):
    school = _admin_school(request)
    memberships = (
        selectors.memberships_visible_to(request.user)
        .filter(school=school)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
    show_ended = request.GET.get("ended") == "1"
    rows = [m for m in memberships if show_ended or m.is_current]
    return render(
        request, "pastoral/staff_list.html", {"school": school, "memberships": rows, "show_ended": show_ended}
    )


@login_required
def staff_create(request):
    school = _admin_school(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.staff_create(actor=request.user, school=school, **form.cleaned_data)
        messages.success(request, f"Account created for {user}. A link to choose a password has been emailed to them.")
        if user.memberships.filter(approved_at__isnull=True).exists():
            messages.warning(request, _AWAITING)
        return redirect("pastoral:staff_detail", code=user.code)
    return render(request, "pastoral/staff_form.html", {"form": form, "school": school})


@login_required
def staff_detail(request, code):
    school = _admin_school(request)
    member = _staff_member(request, code)
    form = MembershipGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            granted = services.membership_grant(actor=request.user, user=member, school=school, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, "Role granted.")
            if granted.awaiting_approval:
                messages.warning(request, _AWAITING)
            return redirect("pastoral:staff_detail", code=member.code)
    memberships = selectors.memberships_visible_to(request.user).filter(user=member).select_related("school", "trust")
    context = {
        "school": school,
        "member": member,
        "memberships": memberships,
        "form": form,
        "has_mfa": member.totpdevice_set.filter(confirmed=True).exists(),
    }
    return render(request, "pastoral/staff_detail.html", context)


@login_required
@require_POST
def membership_end(request, code, membership_code):
    _admin_school(request)
    membership = get_object_or_404(
        selectors.memberships_visible_to(request.user), code=membership_code, user__code=code
    )
    try:
        services.membership_end(actor=request.user, membership=membership)
        messages.success(request, f"{membership.get_role_display()} role ended.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("pastoral:staff_detail", code=code)


def _account_action(service, done_message):
    @login_required
    @require_POST
    def view(request, code):
        school = _admin_school(request)
        member = _staff_member(request, code)
        try:
            service(actor=request.user, user=member, school=school)
            messages.success(request, done_message.format(name=member))
        except PastoralError as exc:
            messages.error(request, str(exc))
        return redirect("pastoral:staff_detail", code=member.code)

    return view


staff_deactivate = _account_action(services.staff_deactivate, "{name} has been deactivated and can no longer sign in.")
staff_reactivate = _account_action(services.staff_reactivate, "{name} has been reactivated.")
staff_reset_mfa = _account_action(
    services.staff_reset_mfa, "Two-factor authentication reset: {name} will set it up again at their next sign-in."
)


# Roles awaiting approval ---------------------------------------------------


def _approver(request):
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        raise PermissionDenied


def _render_approvals(request, decline_forms=None, status=200):
    pending = list(selectors.approvals_for(request.user))
    decline_forms = decline_forms or {}
    rows = [(m, decline_forms.get(m.pk) or RoleDeclineForm(prefix=str(m.code))) for m in pending]
    return render(request, "pastoral/staff_approvals.html", {"rows": rows}, status=status)


@login_required
def role_approvals(request):
    _approver(request)
    return _render_approvals(request)


def _pending_membership(request, membership_code):
    """404 outside the approver's schools (or trust); 403 for the holder or granter of the role."""
    _approver(request)
    membership = get_object_or_404(
        selectors.memberships_awaiting_approval(request.user).select_related("user", "school", "trust"),
        code=membership_code,
    )
    if not access.can_approve(request.user, membership):
        raise PermissionDenied
    return membership


@login_required
@require_POST
def membership_approve(request, membership_code):
    membership = _pending_membership(request, membership_code)
    try:
        services.membership_approve(actor=request.user, membership=membership)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("pastoral:role_approvals")


@login_required
@require_POST
def membership_decline(request, membership_code):
    membership = _pending_membership(request, membership_code)
    form = RoleDeclineForm(request.POST, prefix=str(membership.code))
    if not form.is_valid():
        return _render_approvals(request, {membership.pk: form})
    try:
        services.membership_decline(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Declined: {membership.user} will not be {membership.get_role_display()}.")
    return redirect("pastoral:role_approvals")


def role_approvals_panel(request, school):
    """Home panel for headteachers and DSLs: roles waiting for their approval (two queries at most)."""
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        return None
    pending = list(selectors.approvals_for(request.user)[:6])
    if not pending:
        return None
    return Panel(
        title="Roles awaiting your approval",
        template="pastoral/panels/_role_approvals.html",
        context={"pending": pending[:5], "more": len(pending) > 5},
    )
