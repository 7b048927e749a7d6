"""Pages of break-glass (pastoral.breakglass): the 403 page's offer, the emergency opening and the review list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_POST

from . import breakglass
from .accounts import access
from .dashboard import Panel
from .exceptions import PastoralError
from .forms import BreakGlassForm, BreakGlassReviewForm
from .lists import keyset_page


def permission_denied(request, exception):
    """The 403 page; for a record a headteacher or trust DSL may open in an emergency, it offers the opening."""
    offer = exception if isinstance(exception, breakglass.BreakGlassOffer) else None
    context = {"exception": str(exception), "break_glass_url": offer.url if offer else ""}
    return HttpResponseForbidden(loader.get_template("403.html").render(context, request))


@login_required
def break_glass_open(request, kind, code):
    spec, record = breakglass.find_for_opening(request.user, kind, code)
    if spec.can_read(request.user, record):
        return redirect(spec.url(record))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.break_glass_open(
                actor=request.user, kind_name=kind, record=record, reason=form.cleaned_data["reason"]
            )
        except PastoralError as error:
            form.add_error("reason", str(error))
        else:
            messages.warning(
                request,
                f"Opened in an emergency for {breakglass.GRANT_MINUTES} minutes. The DSL team has been told.",
            )
            return redirect(spec.url(record))
    context = {
        "form": form,
        "spec": spec,
        "pupil": spec.pupil(record),
        "minutes": breakglass.GRANT_MINUTES,
    }
    return render(request, "pastoral/break_glass_open.html", context)


@login_required
def break_glass_list(request):
    if not access.has_any_school_perm(request.user, breakglass.REVIEW):
        raise PermissionDenied
    rows = breakglass.uses_visible_to(request.user).select_related("user", "school", "pupil", "reviewed_by")
    waiting = request.GET.get("status") == "waiting"
    if waiting:
        rows = rows.filter(reviewed_at__isnull=True)
    page = keyset_page(request, rows)
    uses = list(page.object_list)
    for use in uses:
        use.kind_label = breakglass.label_of(use.kind)
        use.may_review = use.reviewed_at is None and use.user_id != request.user.pk
    breakglass.mark_notices_seen(request.user, uses)
    context = {"page": page, "uses": uses, "waiting": waiting, "review_form": BreakGlassReviewForm()}
    return render(request, "pastoral/break_glass_list.html", context)


@login_required
@require_POST
def break_glass_review(request, code):
    use = breakglass.get_use_for_reviewer(request.user, code)
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        try:
            breakglass.break_glass_review(actor=request.user, use=use, note=form.cleaned_data["note"])
        except PastoralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Marked as reviewed.")
    return redirect("pastoral:break_glass_list")


def break_glass_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, breakglass.REVIEW):
        return None
    return breakglass.unseen_notices(request.user).filter(access__school=school)


def break_glass_panel(request, school):
    """Home page: the break-glass uses the viewer has not yet seen (DSL team and data-protection lead)."""
    if school is None or not access.has_school_perm(request.user, school, breakglass.REVIEW):
        return None
    unseen = breakglass.unseen_notices(request.user).filter(access__school=school).count()
    if not unseen:
        return None
    text = f"{unseen} emergency opening{'s' if unseen != 1 else ''} of records to review."
    return Panel(
        title="Break-glass: records opened in an emergency",
        template="pastoral/panels/_break_glass.html",
        context={"text": text, "unseen": unseen},
    )
