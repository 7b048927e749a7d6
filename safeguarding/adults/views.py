"""Views for cases about adults: fetch → form → service → redirect. Every read is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pastoral import audit
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.lists import keyset_page

from . import selectors, services
from .forms import ConcludeForm, LadoForm, RaiseForm, ReviewForm, SettingsForm, StrategyForm, SuspensionForm
from .models import AdultCase


def _school_with(request, perm):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


def _managed_school(request):
    school = current_school(request)
    if school is None or not selectors.manages_in(request.user, school):
        raise PermissionDenied
    return school


def _message(exc):
    return " ".join(getattr(exc, "messages", [str(exc)]))


# --- Raising, and the raiser's receipt ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_raise(request):
    school = _school_with(request, selectors.RAISE)
    form = RaiseForm(request.POST or None, staff=services.staff_choices(school))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.adult_case_raise(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, "Thank you. This has been passed to the case manager in confidence.")
            return redirect("safeguarding:adult_receipt", code=case.code)
    return render(request, "safeguarding/adults/raise.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def case_receipt(request, code):
    case = selectors.get_receipt_for_user(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.adult_case.receipt_viewed", obj=case)
    return render(request, "safeguarding/adults/receipt.html", {"case": case})


# --- The case manager's pages ------------------------------------------------------------------------------


@login_required
def case_list(request):
    school = _managed_school(request)
    services.record_read(actor=request.user, action="safeguarding.adult_cases.listed", school=school)
    cases = selectors.cases_visible_to(request.user).filter(school=school)
    kind = request.GET.get("kind", "")
    if kind in AdultCase.Kind.values:
        cases = cases.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in AdultCase.Status.values:
        cases = cases.filter(status=status)
    page = keyset_page(request, cases.select_related("subject_user").order_by("-raised_at", "-id"))
    for case in page:
        case.late = selectors.lado_late(case)
    context = {
        "page": page,
        "kind": kind,
        "status": status,
        "kinds": AdultCase.Kind.choices,
        "can_settings": access.has_school_perm(request.user, school, selectors.MANAGE),
    }
    return render(request, "safeguarding/adults/case_list.html", context)


def _detail(request, case, status=200):
    services.record_read(actor=request.user, action="safeguarding.adult_case.viewed", obj=case)
    open_case = case.status == AdultCase.Status.OPEN
    context = {
        "case": case,
        "lado_due_by": selectors.lado_due_by(case) if case.is_allegation else None,
        "lado_late": selectors.lado_late(case),
        "open": open_case,
        "trail": audit.collapse(selectors.trail_of(case)[:200]),
    }
    if open_case:
        today = timezone.localdate()
        context.update(
            {
                "lado_form": LadoForm(prefix="lado", initial={"referred_on": today}),
                "strategy_form": StrategyForm(prefix="strategy", initial={"meeting_on": today}),
                "suspension_form": SuspensionForm(prefix="suspension"),
                "conclude_form": ConcludeForm(prefix="conclude"),
            }
        )
    return render(request, "safeguarding/adults/case_detail.html", context, status=status)


@login_required
def case_detail(request, code):
    return _detail(request, selectors.get_case_for_user(request.user, code))


def _case_post(request, code, form_class, prefix, act, success):
    case = selectors.get_case_for_user(request.user, code)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(case, form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, f"That was not saved. {_message(exc)}")
        else:
            messages.success(request, success)
    else:
        problems = "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields
        )
        messages.error(request, f"That was not saved. {problems}".strip())
    return redirect("safeguarding:adult_case_detail", code=case.code)


@login_required
@require_POST
def case_lado(request, code):
    return _case_post(
        request,
        code,
        LadoForm,
        "lado",
        lambda case, d: services.adult_case_refer_lado(actor=request.user, case=case, **d),
        "Referral to the LADO recorded.",
    )


@login_required
@require_POST
def case_strategy(request, code):
    return _case_post(
        request,
        code,
        StrategyForm,
        "strategy",
        lambda case, d: services.adult_case_record_strategy(actor=request.user, case=case, **d),
        "Strategy meeting recorded.",
    )


@login_required
@require_POST
def case_suspension(request, code):
    return _case_post(
        request,
        code,
        SuspensionForm,
        "suspension",
        lambda case, d: services.adult_case_record_suspension(
            actor=request.user,
            case=case,
            suspended_from=d["suspended_from"],
            suspended_until=d["suspended_until"],
            reason=d["reason"],
        ),
        "Suspension decision recorded.",
    )


@login_required
@require_POST
def case_conclude(request, code):
    return _case_post(
        request,
        code,
        ConcludeForm,
        "conclude",
        lambda case, d: services.adult_case_conclude(actor=request.user, case=case, **d),
        "Case concluded; its retention rule is recorded.",
    )


# --- Patterns in low-level concerns, and the termly review -------------------------------------------------


def _patterns(request, school, form, status=200):
    services.record_read(actor=request.user, action="safeguarding.adult_patterns.viewed", school=school)
    since = timezone.localdate() - timezone.timedelta(days=selectors.PATTERN_DAYS)
    cases = selectors.cases_visible_to(request.user).filter(school=school)
    context = {
        "since": since,
        "people": selectors.repeated_people(cases, since),
        "behaviours": selectors.repeated_behaviours(cases, since),
        "low_level_count": cases.filter(kind=AdultCase.Kind.LOW_LEVEL, raised_at__date__gte=since).count(),
        "reviews": list(selectors.reviews_visible_to(request.user, school).select_related("reviewed_by")[:20]),
        "form": form,
        "times": selectors.PATTERN_TIMES,
        "people_threshold": selectors.PATTERN_PEOPLE,
    }
    return render(request, "safeguarding/adults/patterns.html", context, status=status)


@login_required
def patterns(request):
    school = _managed_school(request)
    return _patterns(request, school, ReviewForm(initial={"reviewed_on": timezone.localdate()}))


@login_required
@require_POST
def review_record(request):
    school = _managed_school(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.adult_review_record(actor=request.user, school=school, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Termly review recorded.")
            return redirect("safeguarding:adult_patterns")
    return _patterns(request, school, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_settings(request):
    school = _school_with(request, selectors.MANAGE)
    current = selectors.settings_for(school)
    form = SettingsForm(
        request.POST or None, initial={"dsl_shares_case_management": current.dsl_shares_case_management}
    )
    if request.method == "POST" and form.is_valid():
        services.adult_settings_save(actor=request.user, school=school, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("safeguarding:adult_settings")
    return render(request, "safeguarding/adults/settings.html", {"form": form, "school": school})
