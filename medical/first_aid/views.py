"""Views for the accident and first-aid log: fetch → form → service → redirect."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.dates import uk_datetime
from pastoral.exceptions import PastoralError
from pastoral.files import charts
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.paper import services as paper_services

from ..conditions.forms import VoidForm
from ..conditions.views import MEDICAL, form_page
from ..selectors import RECORD, RIDDOR, VIEW, can_record
from ..services import record_read
from ..views import require, school_with
from . import selectors, services
from .filters import accident_filter
from .forms import InformedForm, PaperAccidentForm, RiddorForm, TrendsForm

CRUMBS = [MEDICAL, ("Accidents and first aid", "medical:accident_list")]
# Raising a concern is the safeguarding app's page; it is reached by its URL name with the details in the query.
RAISE_CONCERN = "safeguarding.raise_concern"


@login_required
def accident_list(request):
    school = school_with(request, VIEW)
    listing = list_page(request, accident_filter(request.user, school, request.GET))
    record_read(actor=request.user, action="medical.accidents.listed", school=school)
    return render(request, "medical/accident_list.html", listing.context(can_record=can_record(request.user, school)))


@login_required
def accident_create(request):
    school = school_with(request, RECORD)
    paper_school = school if request.GET.get("from_paper") == "1" else None
    form = PaperAccidentForm(
        request.POST or None, request.FILES or None, user=request.user, school=school, paper_school=paper_school
    )
    if request.method == "POST" and form.is_valid():
        try:
            accident = paper_services.save(
                form,
                actor=request.user,
                school=school,
                create=lambda: services.accident_record(actor=request.user, school=school, **form.cleaned_data),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            if accident.head_injury:
                messages.warning(request, "Head injury: tell parents today and give them the head-injury letter.")
            else:
                messages.success(request, "Accident recorded.")
            return redirect("medical:accident_detail", code=accident.code)
    return form_page(
        request,
        form,
        title="Record an accident or first aid",
        submit="Record",
        cancel=reverse("medical:accident_list"),
        crumbs=CRUMBS,
    )


def concern_link(user, accident):
    """The safeguarding concern form with the pupil and the description carried over, for staff who may raise one."""
    if not accident.pupil_id or not access.has_school_perm(user, accident.school_id, RAISE_CONCERN):
        return ""
    account = (
        f"Injury seen at first aid on {uk_datetime(timezone.localtime(accident.occurred_at))}: "
        f"{accident.get_injury_display().lower()} to the {accident.get_body_part_display().lower()}. "
        f"{accident.what_happened}"
    )
    query = {"pupil": str(accident.pupil.code), "account": account[:1500], "location": accident.location[:120]}
    return reverse("safeguarding:concern_create") + "?" + urlencode(query)


@login_required
def accident_detail(request, code):
    accident = selectors.get_accident_for_user(request.user, code)
    record_read(actor=request.user, action="medical.accident.viewed", obj=accident, pupil=accident.pupil)
    editable = can_record(request.user, accident.school_id) and not accident.voided_at
    context = {
        "accident": accident,
        "can_edit": editable,
        "informed_form": InformedForm(initial={"informed_at": timezone.localtime().replace(second=0, microsecond=0)})
        if editable and accident.parents_due
        else None,
        "riddor_form": RiddorForm()
        if accident.riddor_possible
        and not accident.riddor_decision
        and access.has_school_perm(request.user, accident.school_id, RIDDOR)
        else None,
        "concern_url": concern_link(request.user, accident) if accident.possibly_non_accidental else "",
        "void_form": VoidForm() if editable else None,
    }
    return render(request, "medical/accident_detail.html", context)


@login_required
@require_POST
def accident_informed(request, code):
    accident = selectors.get_accident_for_user(request.user, code)
    require(request.user, accident.school_id, RECORD)
    form = InformedForm(request.POST)
    if form.is_valid():
        try:
            services.accident_parents_informed(actor=request.user, accident=accident, **form.cleaned_data)
            messages.success(request, "Recorded that parents were informed.")
        except (PastoralError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, "Say when and how parents were informed.")
    return redirect("medical:accident_detail", code=accident.code)


@login_required
@require_POST
def accident_riddor(request, code):
    accident = selectors.get_accident_for_user(request.user, code)
    require(request.user, accident.school_id, RIDDOR)
    form = RiddorForm(request.POST)
    if form.is_valid():
        services.accident_riddor_decide(actor=request.user, accident=accident, decision=form.cleaned_data["decision"])
        messages.success(request, "RIDDOR decision recorded.")
    else:
        messages.error(request, "Choose whether it was reported.")
    return redirect("medical:accident_detail", code=accident.code)


@login_required
@require_POST
def accident_void(request, code):
    accident = selectors.get_accident_for_user(request.user, code)
    require(request.user, accident.school_id, RECORD)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.accident_void(actor=request.user, accident=accident, reason=form.cleaned_data["reason"])
            messages.success(request, "Record voided. It stays on the record, marked as voided.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Give a reason for voiding this record.")
    return redirect("medical:accident_detail", code=accident.code)


@login_required
def accident_trends(request):
    school = school_with(request, VIEW)
    today = timezone.localdate()
    form = TrendsForm(request.GET or None)
    start, end = today - datetime.timedelta(days=364), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    data = selectors.trends(request.user, school, start, end)
    record_read(actor=request.user, action="medical.accidents.trends_viewed", school=school)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "data": data,
        "charts": [
            charts.bar_chart(
                "Accidents by location", data["locations"], label_header="Location", value_header="Accidents"
            ),
            charts.column_chart(
                "Accidents by time of day", data["hours"], label_header="Hour", value_header="Accidents"
            ),
            charts.bar_chart(
                "Accidents by type of injury", data["injuries"], label_header="Injury", value_header="Accidents"
            ),
            charts.bar_chart(
                "Accidents by part of the body",
                data["body_parts"],
                label_header="Part of the body",
                value_header="Accidents",
            ),
        ],
    }
    return render(request, "medical/accident_trends.html", context)
