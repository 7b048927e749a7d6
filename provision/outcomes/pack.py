"""The annual-review pack: the request page, the PDF export kind and this area's sections.

The SENCo, pastoral lead, DSL and deputy DSL request it from the pupil's outcome-measures page (linked from the
pupil profile's card) for a period; the worker builds it with the owner's own visibility and re-checks access.
"""

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from pastoral import audit
from pastoral.accounts import access as core_access
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf
from pastoral.models import Pupil
from pastoral.widgets import DateInput

from .. import review_pack
from ..review_pack import PackSection, PackTable
from . import access, charts, sdq, selectors

KIND = "provision.review_pack_pdf"


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period must be on or after its start.")
        if start and end and (end - start).days > 800:
            self.add_error("start", "Choose a period of at most two years.")
        return data


def _pupil_for_pack(user, code):
    pupil = Pupil.objects.select_related("school").filter(code=code).first()
    if pupil is not None and core_access.has_school_perm(user, pupil.school_id, access.PACK):
        return pupil
    core_access.refuse(
        user,
        pupil,
        code,
        "provision.outcomes.refused",
        allowed_to_know=pupil is not None and core_access.is_member_of(user, pupil.school_id),
        noun="pupil",
    )


@login_required
def review_pack_request(request, code):
    pupil = _pupil_for_pack(request.user, code)
    today = timezone.localdate()
    form = PeriodForm(request.POST or None, initial={"start": today - datetime.timedelta(days=365), "end": today})
    if request.method == "POST" and form.is_valid():
        parameters = {
            "pupil": str(pupil.code),
            "start": form.cleaned_data["start"].isoformat(),
            "end": form.cleaned_data["end"].isoformat(),
        }
        try:
            exports.request_export(
                actor=request.user,
                kind_name=KIND,
                school=pupil.school,
                parameters=parameters,
                submission_key=_key(request.POST.get("key")),
            )
        except (PastoralError, ValidationError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The pack is being built. It appears in your exports when it is ready.")
            return redirect("pastoral:export_list")
    context = {"pupil": pupil, "form": form, "sections": review_pack.sections(), "key": uuid.uuid4()}
    return render(request, "provision/outcomes/review_pack.html", context)


def _key(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _parameters(user, parameters):
    if not isinstance(parameters, dict):
        raise Http404("No such pupil")
    try:
        pupil = _pupil_for_pack(user, str(parameters.get("pupil") or ""))
        start = datetime.date.fromisoformat(parameters.get("start", ""))
        end = datetime.date.fromisoformat(parameters.get("end", ""))
    except (ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such pupil") from exc
    if start > end:
        raise Http404("No such period")
    return pupil, start, end


def pack_school(user, parameters, _school):
    return _parameters(user, parameters)[0].school


def build_review_pack(generated_file, user):
    try:
        pupil, start, end = _parameters(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer request this pupil's annual-review pack.") from exc
    sections = []
    specs = review_pack.sections()
    for index, spec in enumerate(specs, start=1):
        section = spec.builder(user, pupil, start, end)
        if section is not None:
            sections.append(section)
        exports.progress(generated_file, int(80 * index / max(len(specs), 1)))
    content = render_pdf(
        "pdf/provision/review_pack.html",
        {"pupil": pupil, "sections": sections, "start": start, "end": end},
        user=user,
        school=pupil.school,
        title=f"Annual-review pack: {pupil.display_name}",
        period=f"{uk_date(start)} to {uk_date(end)}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    audit.record(
        "provision.review_pack.exported",
        actor=user,
        obj=pupil,
        pupil=pupil,
        data={"start": start.isoformat(), "end": end.isoformat(), "sections": [s.title for s in sections]},
    )
    name = f"annual-review-{slugify(pupil.last_name)}-{end:%Y%m%d}.pdf"
    return exports.Built(name, "application/pdf", content)


def register_exports():
    exports.register(
        KIND,
        label="Annual-review pack (PDF)",
        permission=access.PACK,
        fmt="pdf",
        build=build_review_pack,
        school_for=pack_school,
    )


# This area's sections.


def voice_section(user, pupil, start, end):
    from ..voice.selectors import voices_visible_to

    voices = list(
        voices_visible_to(user)
        .filter(pupil=pupil, gathered_on__gte=start, gathered_on__lte=end)
        .order_by("-for_ehcp_review", "-gathered_on", "-pk")[:30]
    )
    quotes = [
        (
            voice.said,
            f"{uk_date(voice.gathered_on)}, {voice.get_how_display().lower()}, with {voice.with_whom}"
            + (f" (for the {', '.join(voice.tags)})" if voice.tags else ""),
        )
        for voice in voices
    ]
    return PackSection("Pupil voice", quotes=quotes, empty="No pupil voice recorded in this period.")


def measures_section(user, pupil, start, end):
    readings = selectors.readings_visible_to(user).filter(pupil=pupil, taken_on__lte=end).order_by("taken_on", "pk")
    section = PackSection(
        "Outcome measures",
        paragraphs=["Scores only: the instruments' wording is licensed and is not reproduced."],
        empty="No outcome measures recorded by the end of this period.",
    )
    for series in selectors.star_series(readings):
        section.charts.append(charts.star_chart(series))
        if series.moved_forward is not None:
            section.paragraphs.append(
                f"{series.label}: moved forward in {series.areas_forward} of {len(series.spec.areas)} areas "
                f"since the baseline ({uk_date(series.baseline.taken_on)})."
            )
        changes = charts.change_rows(series)
        if changes:
            section.tables.append(
                PackTable(
                    f"{series.label}: change per area",
                    ["Area", "Baseline", "Previous", "Latest", "Since baseline", "Since previous"],
                    changes,
                )
            )
    responses = selectors.sdq_visible_to(user).filter(pupil=pupil, completed_on__lte=end).order_by("completed_on")
    by_informant = {}
    for response in responses:
        by_informant.setdefault(response.informant, []).append(response)
    for informant, rows in by_informant.items():
        section.charts.append(charts.sdq_chart(informant, rows))
        section.tables.append(
            PackTable(
                f"SDQ ({sdq.INFORMANTS[informant].lower()}): scores and bands",
                ["Completed on", *[sdq.LABELS[key] for key in sdq.ORDER]],
                [[f"{uk_date(response.completed_on)}", *cells] for response, cells in charts.sdq_band_rows(rows)],
            )
        )
        if not sdq.band_confirmed(informant, sdq.TOTAL):
            section.paragraphs.append(
                f"The SDQ {sdq.INFORMANTS[informant].lower()} bands are not yet confirmed against sdqinfo's "
                "published cut-offs."
            )
    if len(section.paragraphs) == 1 and not section.charts:
        section.paragraphs = []
    return section


def plans_section(user, pupil, start, end):
    from ..plans.models import SupportPlan
    from ..plans.selectors import plans_visible_to

    plans = list(
        plans_visible_to(user)
        .filter(pupil=pupil, activated_at__date__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=start))
        .exclude(status=SupportPlan.Status.DRAFT)
        .order_by("kind", "pk")
    )
    rows = [
        [
            plan.short_kind,
            plan.title,
            plan.shown_status,
            f"{uk_date(plan.agreed_on)}" if plan.agreed_on else "",
            f"{uk_date(plan.review_date)}",
        ]
        for plan in plans
    ]
    headers = ["Kind", "Title", "Status", "Agreed", "Next review"]
    tables = [PackTable("Support plans in force in the period", headers, rows)]
    return PackSection("Support plans", tables=tables if rows else [], empty="No support plan in force in this period.")


def behaviour_section(user, pupil, start, end):
    from behaviour.events.models import BehaviourCategory
    from behaviour.events.selectors import events_visible_to

    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    last = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    counts = (
        events_visible_to(user)
        .filter(pupil=pupil, voided_at__isnull=True, occurred_at__gte=first, occurred_at__lt=last)
        .aggregate(
            positive=Count("pk", filter=Q(category__kind=BehaviourCategory.Kind.POSITIVE)),
            negative=Count("pk", filter=Q(category__kind=BehaviourCategory.Kind.NEGATIVE)),
        )
    )
    rows = [["Positive events", counts["positive"]], ["Negative events", counts["negative"]]]
    return PackSection("Behaviour", tables=[PackTable("Behaviour events in the period", ["Kind", "Events"], rows)])


def attendance_section(user, pupil, start, end):
    from pastoral.attendance.calculations import pupil_totals
    from pastoral.attendance.selectors import may_view

    if not may_view(user, pupil.school):
        return None
    totals = pupil_totals(pupil, start, end)
    if not totals.possible:
        return PackSection("Attendance", empty="No attendance marks for this period.")
    rows = [
        ["Possible sessions", totals.possible],
        ["Attendance", f"{totals.attendance_rate}%"],
        ["Authorised absence (sessions)", totals.authorised],
        ["Unauthorised absence (sessions)", totals.unauthorised],
        ["Persistent absence", "Yes" if totals.persistent else "No"],
    ]
    return PackSection("Attendance", tables=[PackTable("Attendance in the period", ["", ""], rows)])


def professionals_section(user, pupil, start, end):
    from pastoral.selectors import pupils_visible_to

    if not pupils_visible_to(user).filter(pk=pupil.pk).exists():
        return None
    professionals = pupil.professionals.filter(
        Q(involved_from__isnull=True) | Q(involved_from__lte=end),
        Q(involved_until__isnull=True) | Q(involved_until__gte=start),
    ).order_by("kind", "name")
    rows = [
        [pro.get_kind_display(), pro.name, pro.organisation, _span(pro.involved_from, pro.involved_until)]
        for pro in professionals
    ]
    tables = [PackTable("Professionals involved", ["Role", "Name", "Organisation", "Involved"], rows)] if rows else []
    return PackSection("Professionals involved", tables=tables, empty="No professionals recorded for this period.")


def _span(first, last):
    if not first and not last:
        return ""
    return (
        f"{uk_date(first)} to {uk_date(last)}"
        if first and last
        else (f"from {uk_date(first)}" if first else f"until {uk_date(last)}")
    )


def register_sections():
    review_pack.register("pupil_voice", "Pupil voice", 10, voice_section)
    review_pack.register("support_plans", "Support plans", 20, plans_section)
    review_pack.register("outcome_measures", "Outcome measures", 30, measures_section)
    review_pack.register("behaviour", "Behaviour", 60, behaviour_section)
    review_pack.register("attendance", "Attendance", 70, attendance_section)
    review_pack.register("professionals", "Professionals involved", 80, professionals_section)
