"""Views for outcome measures: fetch → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pastoral.accounts import access as core_access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page

from . import access, charts, sdq, selectors, services, stars
from .filters import sdq_filter, star_filter
from .forms import SdqForm, StarReadingForm, WithdrawForm
from .models import SdqResponse, StarReading


def _school(request):
    school = current_school(request)
    if school is None or not core_access.has_school_perm(request.user, school, access.VIEW):
        raise PermissionDenied
    return school


def _get(request, model, code, noun):
    rows = selectors.readings_visible_to if model is StarReading else selectors.sdq_visible_to
    record = model.objects.select_related("pupil", "school", "recorded_by", "voided_by").filter(code=code).first()
    if record is not None and rows(request.user, with_voided=True).filter(pk=record.pk).exists():
        return record
    core_access.refuse(
        request.user,
        record,
        code,
        "provision.outcomes.refused",
        allowed_to_know=record is not None and core_access.is_member_of(request.user, record.school_id),
        noun=noun,
    )


@login_required
def pupil_measures(request, code):
    pupil = access.get_pupil(request.user, code)
    services.measures_viewed(actor=request.user, pupil=pupil)
    series = selectors.pupil_star_series(request.user, pupil)
    by_informant = selectors.pupil_sdq_by_informant(request.user, pupil)
    context = {
        "pupil": pupil,
        "can_record": access.can_record(request.user, pupil),
        "can_request_pack": core_access.has_school_perm(request.user, pupil.school_id, access.PACK),
        "stars": [
            {"series": item, "chart": charts.star_chart(item), "changes": charts.change_rows(item)} for item in series
        ],
        "sdqs": [
            {
                "informant": informant,
                "label": sdq.INFORMANTS[informant],
                "chart": charts.sdq_chart(informant, responses),
                "rows": charts.sdq_band_rows(responses),
                "bands_confirmed": sdq.band_confirmed(informant, sdq.TOTAL),
            }
            for informant, responses in by_informant.items()
        ],
        "sdq_headers": [sdq.LABELS[key] for key in sdq.ORDER],
        "star_choices": stars.edition_choices(),
    }
    return render(request, "provision/outcomes/pupil.html", context)


@login_required
def star_new(request, code):
    pupil = access.get_pupil(request.user, code, write=True)
    chosen = request.GET.get("star", "")
    star_code, _sep, edition_code = chosen.partition(":")
    spec = stars.edition(star_code, edition_code)
    if spec is None:
        context = {"pupil": pupil, "choices": stars.edition_choices()}
        return render(request, "provision/outcomes/star_choose.html", context)
    form = StarReadingForm(request.POST or None, spec=spec)
    if request.method == "POST" and form.is_valid():
        try:
            services.star_reading_record(
                actor=request.user,
                pupil=pupil,
                star=star_code,
                edition=edition_code,
                taken_on=form.cleaned_data["taken_on"],
                completed_with=form.cleaned_data["completed_with"],
                scores=form.scores(),
                notes=form.notes(),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Star reading recorded.")
            return redirect("provision:outcomes_pupil", code=pupil.code)
    star = stars.get(star_code)
    earlier = selectors.readings_visible_to(request.user).filter(pupil=pupil, star=star_code, edition=edition_code)
    context = {"pupil": pupil, "form": form, "star": star, "spec": spec, "has_baseline": earlier.exists()}
    return render(request, "provision/outcomes/star_form.html", context)


@login_required
def star_detail(request, code):
    reading = _get(request, StarReading, code, "reading")
    services.reading_viewed(actor=request.user, record=reading)
    context = {
        "reading": reading,
        "can_record": access.can_record(request.user, reading.pupil) and not reading.voided_at,
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "provision/outcomes/star_detail.html", context)


@login_required
def sdq_new(request, code):
    pupil = access.get_pupil(request.user, code, write=True)
    initial = {"informant": request.GET.get("informant")} if request.GET.get("informant") in sdq.INFORMANTS else {}
    form = SdqForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.sdq_record(
                actor=request.user,
                pupil=pupil,
                informant=form.cleaned_data["informant"],
                completed_on=form.cleaned_data["completed_on"],
                respondent=form.cleaned_data["respondent"],
                follow_up=form.cleaned_data["follow_up"],
                items=form.items(),
                difficulties=form.cleaned_data["difficulties"],
                impact=form.impact(),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            for message in response.result.messages:
                messages.warning(request, message)
            messages.success(request, "SDQ recorded and scored.")
            return redirect("provision:sdq_detail", code=response.code)
    return render(request, "provision/outcomes/sdq_form.html", {"pupil": pupil, "form": form})


@login_required
def sdq_detail(request, code):
    response = _get(request, SdqResponse, code, "questionnaire")
    services.reading_viewed(actor=request.user, record=response)
    result = response.result
    context = {
        "response": response,
        "scores": [result[key] for key in sdq.ORDER],
        "prorated": any(score.prorated for score in result.scores.values()),
        "can_record": access.can_record(request.user, response.pupil) and not response.voided_at,
        "withdraw_form": WithdrawForm(),
        "answered": sum(1 for item in response.items if item is not None),
    }
    return render(request, "provision/outcomes/sdq_detail.html", context)


def _withdraw(request, record, url_name):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why it is withdrawn.")
        return redirect(url_name, code=record.code)
    try:
        services.measure_withdraw(actor=request.user, record=record, reason=form.cleaned_data["reason"])
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Withdrawn: it stays on record but is left out of charts and comparisons.")
    return redirect(url_name, code=record.code)


@login_required
@require_POST
def star_withdraw(request, code):
    reading = _get(request, StarReading, code, "reading")
    if not access.can_record(request.user, reading.pupil):
        raise PermissionDenied
    return _withdraw(request, reading, "provision:star_detail")


@login_required
@require_POST
def sdq_withdraw(request, code):
    response = _get(request, SdqResponse, code, "questionnaire")
    if not access.can_record(request.user, response.pupil):
        raise PermissionDenied
    return _withdraw(request, response, "provision:sdq_detail")


@login_required
def star_list(request):
    school = _school(request)
    listing = list_page(request, star_filter(request.user, school, request.GET))
    services.list_viewed(actor=request.user, school=school, what="star")
    return render(request, "provision/outcomes/star_list.html", listing.context(school=school))


@login_required
def sdq_list(request):
    school = _school(request)
    listing = list_page(request, sdq_filter(request.user, school, request.GET))
    services.list_viewed(actor=request.user, school=school, what="sdq")
    return render(request, "provision/outcomes/sdq_list.html", listing.context(school=school))
