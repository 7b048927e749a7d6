"""Views for medicines, doses, today's round and the emergency kit: fetch → form → service → redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.paper import services as paper_services

from ..conditions.views import MEDICAL, form_page
from ..selectors import RECORD, VIEW, can_record
from ..services import record_read
from ..views import require, school_with
from . import selectors, services
from .filters import agreement_filter, dose_filter
from .forms import AgreementForm, EndForm, KitConsentForm, KitUseForm, PaperDoseForm, ParentsToldForm, StockForm
from .models import DoseAdministration

CRUMBS = [MEDICAL, ("Medicines", "medical:agreement_list")]


@login_required
def agreement_list(request):
    school = school_with(request, VIEW)
    listing = list_page(request, agreement_filter(request.user, school, request.GET))
    record_read(actor=request.user, action="medical.agreements.listed", school=school)
    context = listing.context(can_record=can_record(request.user, school), today=timezone.localdate())
    return render(request, "medical/agreement_list.html", context)


@login_required
def agreement_create(request):
    school = school_with(request, RECORD)
    initial = {}
    form = AgreementForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_record(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Parental agreement and stock recorded.")
            return redirect("medical:agreement_detail", code=agreement.code)
    return form_page(
        request,
        form,
        title="Record a parental agreement to give medicine",
        submit="Record agreement",
        cancel=reverse("medical:agreement_list"),
        crumbs=CRUMBS,
        intro="DfE Template B. Name and strength exactly as on the pharmacy label.",
    )


def _agreement_context(request, agreement, **forms):
    today = timezone.localdate()
    editable = can_record(request.user, agreement.school_id)
    context = {
        "agreement": agreement,
        "today": today,
        "in_stock": selectors.stock_of(agreement),
        "current": agreement.current_on(today),
        "in_date": agreement.in_date_on(today),
        "expiring": agreement.in_date_on(today) and agreement.expiry_date <= today + datetime.timedelta(days=30),
        "movements": agreement.movements.select_related("recorded_by").order_by("-occurred_on", "-created_at"),
        "doses": agreement.doses.select_related("given_by", "witness").order_by("-given_at")[:100],
        "can_record": editable,
        "stock_form": forms.get("stock_form") or (StockForm(initial={"occurred_on": today}) if editable else None),
        "end_form": forms.get("end_form") or (EndForm() if editable and agreement.status == "active" else None),
    }
    return context


@login_required
def agreement_detail(request, code):
    agreement = selectors.get_agreement_for_user(request.user, code)
    record_read(actor=request.user, action="medical.agreement.viewed", obj=agreement, pupil=agreement.pupil)
    return render(request, "medical/agreement_detail.html", _agreement_context(request, agreement))


@login_required
@require_POST
def agreement_stock(request, code):
    agreement = selectors.get_agreement_for_user(request.user, code)
    require(request.user, agreement.school_id, RECORD)
    form = StockForm(request.POST)
    if form.is_valid():
        try:
            services.stock_move(actor=request.user, agreement=agreement, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Stock recorded.")
            return redirect("medical:agreement_detail", code=agreement.code)
    context = _agreement_context(request, agreement, stock_form=form)
    return render(request, "medical/agreement_detail.html", context, status=400)


@login_required
@require_POST
def agreement_end(request, code):
    agreement = selectors.get_agreement_for_user(request.user, code)
    require(request.user, agreement.school_id, RECORD)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"])
            messages.success(request, "Agreement ended. Return any stock to parents and record it.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Say why the agreement ends.")
    return redirect("medical:agreement_detail", code=agreement.code)


@login_required
def dose_create(request, code):
    agreement = selectors.get_agreement_for_user(request.user, code)
    require(request.user, agreement.school_id, RECORD)
    paper_school = agreement.school if request.GET.get("from_paper") == "1" else None
    form = PaperDoseForm(
        request.POST or None, request.FILES or None, agreement=agreement, actor=request.user, paper_school=paper_school
    )
    if request.method == "POST" and form.is_valid():
        try:
            dose = paper_services.save(
                form,
                actor=request.user,
                school=agreement.school,
                create=lambda: services.dose_record(actor=request.user, agreement=agreement, **form.cleaned_data),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{dose.get_outcome_display()}: recorded.")
            return redirect("medical:agreement_detail", code=agreement.code)
    return form_page(
        request,
        form,
        title=f"Record a dose: {agreement.medicine_name} for {agreement.pupil.display_name}",
        submit="Record",
        cancel=reverse("medical:agreement_detail", args=[agreement.code]),
        crumbs=CRUMBS,
        intro=f"Agreed: {agreement.dose_amount.normalize()} {agreement.dose_unit}, "
        f"{agreement.get_method_display().lower()}, {agreement.timing}. Expires {uk_date(agreement.expiry_date)}."
        + (" Controlled drug: a witness is needed." if agreement.controlled_drug else ""),
    )


@login_required
def dose_list(request):
    school = school_with(request, VIEW)
    listing = list_page(request, dose_filter(request.user, school, request.GET))
    record_read(actor=request.user, action="medical.doses.listed", school=school)
    return render(request, "medical/dose_list.html", listing.context())


@login_required
def dose_detail(request, code):
    dose = selectors.get_dose_for_user(request.user, code)
    record_read(actor=request.user, action="medical.dose.viewed", obj=dose, pupil=dose.pupil)
    told_form = None
    if dose.parents_to_tell and can_record(request.user, dose.school_id):
        told_form = ParentsToldForm(initial={"told_at": timezone.localtime().replace(second=0, microsecond=0)})
    return render(request, "medical/dose_detail.html", {"dose": dose, "told_form": told_form})


@login_required
@require_POST
def dose_parents_told(request, code):
    dose = selectors.get_dose_for_user(request.user, code)
    require(request.user, dose.school_id, RECORD)
    form = ParentsToldForm(request.POST)
    if form.is_valid():
        try:
            services.dose_parents_told(actor=request.user, dose=dose, **form.cleaned_data)
            messages.success(request, "Recorded that parents were told.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Say when and how parents were told.")
    return redirect("medical:dose_detail", code=dose.code)


@login_required
def medication_round(request):
    school = school_with(request, RECORD)
    today = timezone.localdate()
    rows = selectors.round_for(request.user, school, today)
    record_read(actor=request.user, action="medical.round.viewed", school=school)
    return render(request, "medical/round.html", {"rows": rows, "today": today, "Outcome": DoseAdministration.Outcome})


@login_required
@require_POST
def round_record(request, code):
    """One tap on today's round: given (the agreed dose, now, by whoever taps), refused or not in school."""
    agreement = selectors.get_agreement_for_user(request.user, code)
    require(request.user, agreement.school_id, RECORD)
    outcome = request.POST.get("outcome")
    try:
        round_time = datetime.datetime.strptime(request.POST.get("time", ""), "%H:%M").time()
    except ValueError:
        round_time = None
    if outcome not in DoseAdministration.Outcome.values or round_time not in agreement.round_times:
        messages.error(request, "That dose is not on today's round.")
        return redirect("medical:round")
    reasons = {
        DoseAdministration.Outcome.REFUSED: "Refused at the medication round",
        DoseAdministration.Outcome.NOT_IN_SCHOOL: "Not in school",
        DoseAdministration.Outcome.MISSED: "Missed at the medication round",
    }
    try:
        services.dose_record(
            actor=request.user,
            agreement=agreement,
            outcome=outcome,
            dose_given=agreement.dose_amount if outcome == DoseAdministration.Outcome.GIVEN else None,
            reason=reasons.get(outcome, ""),
            round_time=round_time,
        )
    except ValidationError as exc:
        messages.error(
            request,
            f"{agreement.pupil.display_name}, {agreement.medicine_name}: not recorded. " + " ".join(exc.messages),
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{agreement.pupil.display_name}, {agreement.medicine_name} at {round_time:%H:%M}: "
            f"{DoseAdministration.Outcome(outcome).label.lower()}.",
        )
    return redirect(reverse("medical:round") + f"#dose-{agreement.code}-{round_time:%H%M}")


@login_required
def kit(request):
    school = school_with(request, VIEW)
    user = request.user
    record_read(actor=user, action="medical.kit.viewed", school=school)
    today = timezone.localdate()
    consents = selectors.kit_consents_visible_to(user).filter(school=school).select_related("pupil")
    context = {
        "consents": [c for c in consents if c.current_on(today)],
        "uses": selectors.kit_uses_visible_to(user).filter(school=school).select_related("pupil", "given_by")[:50],
        "can_record": can_record(user, school),
    }
    return render(request, "medical/kit.html", context)


@login_required
def kit_consent_create(request):
    school = school_with(request, RECORD)
    form = KitConsentForm(
        request.POST or None, user=request.user, school=school, initial={"consent_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.kit_consent_record(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("medical:kit")
    return form_page(
        request,
        form,
        title="Consent for the school's emergency kit",
        submit="Record consent",
        cancel=reverse("medical:kit"),
        crumbs=[MEDICAL, ("Emergency kit", "medical:kit")],
    )


@login_required
@require_POST
def kit_consent_withdraw(request, code):
    consent = selectors.get_kit_consent_for_user(request.user, code)
    require(request.user, consent.school_id, RECORD)
    try:
        services.kit_consent_withdraw(actor=request.user, consent=consent, withdrawn_on=timezone.localdate())
        messages.success(request, f"Consent for {consent.pupil.display_name} withdrawn from today.")
    except (PastoralError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("medical:kit")


@login_required
def kit_use_create(request):
    school = school_with(request, RECORD)
    form = KitUseForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.kit_use_record(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Use of the emergency kit recorded.")
            return redirect("medical:kit")
    return form_page(
        request,
        form,
        title="Record use of the school's emergency kit",
        submit="Record use",
        cancel=reverse("medical:kit"),
        crumbs=[MEDICAL, ("Emergency kit", "medical:kit")],
    )
