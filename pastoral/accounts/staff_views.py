"""Staff accounts, for IT admins and headteachers: joiners, movers and leavers. No pupil data here.

Roles that read pupils (roles.APPROVAL_ROLES: every role but IT admin) granted here, and two-factor
resets for people holding them, wait on the "Awaiting approval" page until a headteacher or DSL of the
school approves them. A new account's sign-up link is emailed only once one of its roles is approved.
Ending a role is for an administrator of its school; a trust-wide role, for a trust-level administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import counting, selectors, services
from ..dashboard import Panel
from ..exceptions import PastoralError
from ..forms import MembershipGrantForm, MfaResetForm, RoleDeclineForm, StaffCreateForm
from ..models import Membership, MfaResetRequest
from ..roleperms import selectors as roleperm_selectors
from . import access
from .roles import Role
from .schools import current_school

_AWAITING = (
    "This role opens pupil records, so it gives no access until a headteacher or DSL of the school "
    "approves it. They have been emailed."
)


def _awaiting(request, school):
    if school.pk in access.approval_scope(request.user)[0]:
        # A head who adds staff cannot also approve what they granted.
        return (
            "This role opens pupil records, so it gives no access until another headteacher or DSL of the "
            "school approves it: you granted it, so you cannot. They have been emailed; a school with no "
            "other headteacher or DSL yet asks the platform operator (manage.py approve_role)."
        )
    return _AWAITING


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
    context = {
        "school": school,
        "memberships": rows,
        "show_ended": show_ended,
        "can_fit_roles": access.has_school_perm(request.user, school, "pastoral.manage_roles"),
    }
    return render(request, "pastoral/staff_list.html", context)


@login_required
def staff_create(request):
    school = _admin_school(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.staff_create(actor=request.user, school=school, **form.cleaned_data)
        if user.memberships.filter(approved_at__isnull=True).exists():
            messages.success(
                request, f"Account created for {user}. They are emailed a link to choose a password once approved."
            )
            messages.warning(request, _awaiting(request, school))
        else:
            messages.success(request, f"Account created for {user}. A link to choose a password has been emailed.")
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
                messages.warning(request, _awaiting(request, school))
            return redirect("pastoral:staff_detail", code=member.code)
    memberships = list(
        selectors.memberships_visible_to(request.user).filter(user=member).select_related("school", "trust")
    )
    for membership in memberships:
        membership.can_end = membership.is_current and access.can_end_membership(request.user, membership)
    mine, kept = access.open_roles_split(request.user, member)
    context = {
        "school": school,
        "member": member,
        "memberships": memberships,
        "form": form,
        "has_mfa": member.totpdevice_set.filter(confirmed=True).exists(),
        "can_deactivate": bool(mine) or not kept,
        "keeps_roles_elsewhere": bool(kept),
    }
    return render(request, "pastoral/staff_detail.html", context)


@login_required
@require_POST
def membership_end(request, code, membership_code):
    _admin_school(request)
    membership = get_object_or_404(
        selectors.memberships_visible_to(request.user), code=membership_code, user__code=code
    )
    if not access.can_end_membership(request.user, membership):
        raise PermissionDenied  # a trust-wide role, and the user is not a trust-level administrator
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


@login_required
@require_POST
def staff_deactivate(request, code):
    """Ends the leaver's roles this administrator manages; the account closes only if none remain elsewhere."""
    school = _admin_school(request)
    member = _staff_member(request, code)
    mine, kept = access.open_roles_split(request.user, member)
    if kept and not mine:
        raise PermissionDenied
    try:
        services.staff_deactivate(actor=request.user, user=member, school=school)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        if member.is_active:
            messages.success(request, f"{member}'s roles here have ended. They keep their roles elsewhere.")
        else:
            messages.success(request, f"{member} has been deactivated and can no longer sign in.")
    return redirect("pastoral:staff_detail", code=member.code)


staff_reactivate = _account_action(services.staff_reactivate, "{name} has been reactivated.")


@login_required
@require_POST
def staff_reset_mfa(request, code):
    """Immediate for IT admins; a request awaiting approval for anyone holding a role that reads pupils."""
    school = _admin_school(request)
    member = _staff_member(request, code)
    form = MfaResetForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        reset_request = services.staff_reset_mfa(actor=request.user, user=member, school=school, reason=reason)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        if reset_request is None:
            messages.success(
                request,
                f"Two-factor authentication reset: {member} will set it up again at their next sign-in.",
            )
        else:
            messages.warning(
                request,
                f"{member} holds a role that opens pupil records, so the two-factor reset waits until a "
                "headteacher or DSL of their school approves it. They have been emailed.",
            )
    return redirect("pastoral:staff_detail", code=member.code)


# Roles awaiting approval ---------------------------------------------------


def _approver(request):
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        raise PermissionDenied


def _render_approvals(request, decline_forms=None, status=200):
    pending = list(selectors.approvals_for(request.user))
    # A school has one lead DSL: say whose lead role an approval hands over (one query for all the rows).
    lead_schools = {m.school_id for m in pending if m.role == Role.DSL and m.school_id}
    leads = {}
    for lead in services.current_lead_dsls(lead_schools) if lead_schools else ():
        leads.setdefault(lead.school_id, []).append(lead.user.get_full_name() or lead.user.username)
    for m in pending:
        m.hands_over_from = ", ".join(leads.get(m.school_id, [])) if m.role == Role.DSL else ""
    decline_forms = decline_forms or {}
    rows = [(m, decline_forms.get(m.pk) or RoleDeclineForm(prefix=str(m.code))) for m in pending]
    resets = list(selectors.mfa_reset_approvals_for(request.user))
    reset_rows = [(r, decline_forms.get(r.code) or RoleDeclineForm(prefix=f"mfa-{r.code}")) for r in resets]
    changes = list(roleperm_selectors.change_approvals_for(request.user))
    change_rows = [(c, decline_forms.get(c.code) or RoleDeclineForm(prefix=f"perm-{c.code}")) for c in changes]
    context = {"rows": rows, "reset_rows": reset_rows, "change_rows": change_rows}
    return render(request, "pastoral/staff_approvals.html", context, status=status)


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


def _pending_reset(request, reset_code):
    """404 outside the approver's schools (or trust); 403 for the person themself or whoever asked."""
    _approver(request)
    reset_request = get_object_or_404(
        selectors.mfa_resets_awaiting_approval(request.user).select_related("user", "school"), code=reset_code
    )
    if not selectors.can_approve_mfa_reset(request.user, reset_request):
        raise PermissionDenied
    return reset_request


@login_required
@require_POST
def mfa_reset_approve(request, reset_code):
    reset_request = _pending_reset(request, reset_code)
    try:
        services.mfa_reset_approve(actor=request.user, reset_request=reset_request)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Two-factor reset approved: {reset_request.user} will set it up again at their next sign-in."
        )
    return redirect("pastoral:role_approvals")


@login_required
@require_POST
def mfa_reset_decline(request, reset_code):
    reset_request = _pending_reset(request, reset_code)
    form = RoleDeclineForm(request.POST, prefix=f"mfa-{reset_request.code}")
    if not form.is_valid():
        return _render_approvals(request, {reset_request.code: form})
    try:
        services.mfa_reset_decline(actor=request.user, reset_request=reset_request, reason=form.cleaned_data["reason"])
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Declined: two-factor authentication for {reset_request.user} stays as it was.")
    return redirect("pastoral:role_approvals")


def role_approvals_probe(request, school):
    """Anything pending in the viewer's approval scope, before narrowing to what they themselves may approve."""
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        return None
    school_ids, trust_ids = access.approval_scope(request.user)
    return [
        Membership.objects.filter(approved_at__isnull=True, school_id__in=school_ids),
        Membership.objects.filter(approved_at__isnull=True, trust_id__in=trust_ids),
        # Rare enough to ask of the whole deployment; the panel narrows them to the ones the viewer may approve.
        MfaResetRequest.objects.filter(approved_at__isnull=True, declined_at__isnull=True),
        roleperm_selectors.changes_awaiting_approval(request.user),
    ]


def role_approvals_panel(request, school):
    """Home panel for headteachers and DSLs: roles and two-factor resets waiting for their approval."""
    if not access.has_any_school_perm(request.user, "pastoral.approve_roles"):
        return None
    pending = list(selectors.approvals_for(request.user)[:6])
    waiting = counting.counts(
        resets=selectors.mfa_reset_approvals_for(request.user),
        changes=roleperm_selectors.change_approvals_for(request.user),
    )
    resets, changes = waiting["resets"], waiting["changes"]
    if not pending and not resets and not changes:
        return None
    return Panel(
        title="Roles awaiting your approval" if pending else "Awaiting your approval",
        template="pastoral/panels/_role_approvals.html",
        context={"pending": pending[:5], "more": len(pending) > 5, "resets": resets, "changes": changes},
    )
