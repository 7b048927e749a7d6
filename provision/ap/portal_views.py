"""The provider portal: the provider's active placements, today's attendance returns and progress reports."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import audit
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.files import uploads

from ..plans.kinds import CARD_FIELDS, CARD_KINDS, spec_for
from ..plans.models import SupportPlan
from . import selectors, services
from .forms import ReportForm, ReturnForm
from .models import AttendanceReturn

DAYS_BACK = 7


def _account(request):
    account = selectors.account_of(request.user)
    if account is None:
        raise PermissionDenied
    return account


def _return_forms(placement, day, data=None):
    existing = {r.session: r for r in AttendanceReturn.objects.filter(placement=placement, date=day)}
    forms = []
    for session in placement.sessions_on(day):
        sent = existing.get(session)
        initial = {"mark": sent.mark, "reason": sent.reason, "minutes_late": sent.minutes_late} if sent else {}
        forms.append((session, ReturnForm(data, prefix=session, initial=initial), sent))
    return forms


def _day(request):
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("date") or request.POST.get("date") or "")
    except ValueError:
        return today
    return day if today - datetime.timedelta(days=DAYS_BACK) <= day <= today else today


@login_required
def portal(request):
    account = _account(request)
    today = timezone.localdate()
    placements = list(
        selectors.portal_placements_for(request.user)
        .select_related("pupil", "school")
        .order_by("pupil__legal_last_name")
    )
    sent = set(
        AttendanceReturn.objects.filter(placement__in=placements, date=today).values_list("placement_id", "session")
    )
    rows = [(p, p.sessions_on(today), [s for s in p.sessions_on(today) if (p.pk, s) not in sent]) for p in placements]
    return render(request, "provision/ap/portal.html", {"account": account, "rows": rows, "today": today})


def _card(placement):
    """The pupil's "How to support me" lines from their plans in force, read for the provider."""
    plans = SupportPlan.objects.filter(pupil=placement.pupil, status__in=SupportPlan.IN_FORCE, kind__in=CARD_KINDS)
    lines = []
    for plan in plans.order_by("kind"):
        for key in CARD_FIELDS[plan.kind]:
            text = (plan.content.get(key) or "").strip()
            if text:
                lines.append((spec_for(plan.kind, key).label, text))
    return lines


@login_required
def portal_placement(request, code):
    _account(request)
    placement = selectors.get_portal_placement(request.user, code)
    day = _day(request)
    audit.record("provision.ap.portal_viewed", actor=request.user, obj=placement, pupil=placement.pupil)
    context = {
        "placement": placement,
        "pupil": placement.pupil,
        "objectives": list(placement.objectives.all()),
        "card": _card(placement),
        "day": day,
        "days": [timezone.localdate() - datetime.timedelta(days=n) for n in range(DAYS_BACK + 1)],
        "forms": _return_forms(placement, day),
        "report_form": ReportForm(),
    }
    return render(request, "provision/ap/portal_placement.html", context)


@login_required
@require_POST
def portal_returns(request, code):
    _account(request)
    placement = selectors.get_portal_placement(request.user, code)
    day = _day(request)
    forms = _return_forms(placement, day, request.POST)
    if forms and all(form.is_valid() for _, form, _ in forms):
        marks = {
            session: (
                form.cleaned_data["mark"],
                form.cleaned_data.get("reason") or "",
                form.cleaned_data.get("minutes_late"),
            )
            for session, form, _ in forms
        }
        try:
            services.returns_submit(actor=request.user, placement=placement, date=day, marks=marks)
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Attendance sent for {placement.pupil.first_name}, {uk_date(day)}.")
            return redirect("provision:ap_portal")
    else:
        messages.error(request, "Choose a mark for every session, and give the reason for an absence.")
    context = {
        "placement": placement,
        "pupil": placement.pupil,
        "objectives": list(placement.objectives.all()),
        "card": _card(placement),
        "day": day,
        "days": [timezone.localdate() - datetime.timedelta(days=n) for n in range(DAYS_BACK + 1)],
        "forms": forms,
        "report_form": ReportForm(),
    }
    return render(request, "provision/ap/portal_placement.html", context, status=400 if forms else 200)


@login_required
def portal_report(request, code):
    _account(request)
    placement = selectors.get_portal_placement(request.user, code)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(
                actor=request.user,
                placement=placement,
                dated=form.cleaned_data["dated"],
                text=form.cleaned_data.get("text") or "",
                document=form.cleaned_data.get("document"),
            )
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Progress report sent to the school.")
            return redirect("provision:ap_portal_placement", code=placement.code)
    return render(request, "provision/ap/portal_report.html", {"placement": placement, "form": form})


@login_required
def portal_photo(request, code):
    _account(request)
    placement = selectors.get_portal_placement(request.user, code)
    pupil = placement.pupil
    if not pupil.photo:
        raise Http404("No photo")
    content_type = uploads.type_of_stored_name(pupil.photo.name) or "image/jpeg"
    return uploads.file_response(
        pupil.photo,
        content_type=content_type,
        filename=f"photo{uploads.EXTENSIONS.get(content_type, '.jpg')}",
        inline=True,
        cache_control="private, no-store",
    )
