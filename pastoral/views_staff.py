"""Staff accounts, for IT admins: joiners, movers and leavers. No pupil data here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .exceptions import PastoralError
from .forms import MembershipGrantForm, StaffCreateForm
from .schools import current_school


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
        return redirect("pastoral:staff_detail", code=user.code)
    return render(request, "pastoral/staff_form.html", {"form": form, "school": school})


@login_required
def staff_detail(request, code):
    school = _admin_school(request)
    member = _staff_member(request, code)
    form = MembershipGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(actor=request.user, user=member, school=school, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, "Role granted.")
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
