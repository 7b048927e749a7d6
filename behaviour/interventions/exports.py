"""Export kinds for physical interventions and staff training, registered from behaviour's exports."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from pastoral import audit
from pastoral.dates import iso_date, iso_datetime
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf
from pastoral.lists import filtered

from . import oversight, selectors, services
from .filters import intervention_filter, training_filter, with_list_columns
from .forms import OversightFilterForm

CSV = "text/csv; charset=utf-8"


def _iso(value):
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _period(parameters):
    """The oversight page's period: its filter form over the parameters, the last year by default."""
    form = OversightFilterForm(exports.as_query_dict(parameters) or None)
    start, end = oversight.default_period()
    if form.is_bound:
        if not form.is_valid():
            raise ExportRefused("The dates of this export are not valid any more; ask for it again from the page.")
        start = form.cleaned_data.get("start") or _iso(parameters.get("period_start")) or start
        end = form.cleaned_data.get("end") or _iso(parameters.get("period_end")) or end
    return start, end


def build_oversight_csv(generated_file, user):
    school = generated_file.school
    start, end = _period(generated_file.parameters)
    rows = list(oversight.csv_rows(user, school, start, end))
    services.interventions_export(actor=user, school=school, start=start, end=end, rows=len(rows))
    content = exports.csv_bytes(oversight.CSV_HEADERS, rows)
    return exports.Built(f"physical-interventions-{start}-{end}.csv", CSV, content)


LIST_COLUMNS = ["Date", "Start", "Minutes", "Pupil", "SEN status at the time", "Type", "Hold or technique"]
LIST_COLUMNS += ["Parents", "Pupil debrief", "Staff debrief", "Signed off", "Staff without in-date training"]
LIST_COLUMNS += ["Recorded late", "Recorded by", "Voided"]


def list_rows(user, school, parameters):
    """The intervention list with its tab (`show`), from the same FilterSet as the page."""
    return with_list_columns(filtered(intervention_filter(user, school, exports.as_query_dict(parameters))))


def _parents(record):
    if record.withheld:
        return "Withheld"
    if record.parent_reported_at:
        return f"Told {iso_datetime(record.parent_reported_at)}"
    return "Outstanding"


def build_list_csv(generated_file, user):
    rows = [
        [
            r.occurred_on.isoformat(),
            r.started_at.strftime("%H:%M"),
            r.duration_minutes,
            r.pupil.display_name,
            r.get_sen_status_display(),
            r.get_intervention_type_display(),
            r.technique.name if r.technique else "",
            _parents(r),
            r.pupil_debrief_on.isoformat() if r.pupil_debrief_on else "",
            r.staff_debrief_on.isoformat() if r.staff_debrief_on else "",
            iso_date(r.reviewed_at),
            r.untrained_count,
            "Yes" if r.recorded_late else "No",
            str(r.recorded_by),
            f"Voided: {r.void_reason}" if r.voided_at else "",
        ]
        for r in list_rows(user, generated_file.school, generated_file.parameters)
    ]
    audit.record(
        "behaviour.interventions.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows), "list": True},
    )
    name = f"physical-interventions-list-{timezone.localdate():%Y%m%d}.csv"
    return exports.Built(name, CSV, exports.csv_bytes(LIST_COLUMNS, rows))


TRAINING_COLUMNS = ["Staff", "Course", "Positive handling", "Completed", "Expires", "Expired", "Tutor", "Voided"]


def training_rows(user, school):
    """The training list with the same FilterSet and rules as the page."""
    return filtered(training_filter(user, school, None))


def build_training_csv(generated_file, user):
    today = timezone.localdate()
    rows = [
        [
            str(r.user),
            r.course_name,
            "Yes" if r.positive_handling else "No",
            r.completed_on.isoformat(),
            r.expires_on.isoformat() if r.expires_on else "No expiry",
            "Yes" if r.expires_on and r.expires_on < today else "No",
            "Yes" if r.tutor else "No",
            f"Voided: {r.void_reason}" if r.voided_at else "",
        ]
        for r in training_rows(user, generated_file.school)
    ]
    audit.record(
        "behaviour.training.exported",
        actor=user,
        school=generated_file.school,
        data={"rows": len(rows)},
    )
    return exports.Built(f"staff-training-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(TRAINING_COLUMNS, rows))


# One record as a PDF ---------------------------------------------------------------


def _record(user, parameters):
    """The intervention named by the parameters, as the detail page would fetch it (404/403 alike)."""
    code = parameters.get("intervention") if isinstance(parameters, dict) else None
    try:
        record = selectors.get_intervention_for_user(user, str(code or ""))
    except (ValidationError, ValueError) as exc:
        raise Http404("No such record") from exc
    if record.voided_at and not selectors.can_review(user, record.school_id):
        raise PermissionDenied
    return record


def intervention_school(user, parameters, _school):
    return _record(user, parameters).school


def build_intervention_pdf(generated_file, user):
    try:
        record = _record(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer see this physical intervention record.") from exc
    staff = list(record.staff_involved.order_by("last_name", "first_name"))
    trained = selectors.trained_user_ids([person.pk for person in staff], record.occurred_on)
    context = {
        "record": record,
        "staff": [(person, person.pk in trained) for person in staff],
        "witnesses": list(record.witnesses.order_by("last_name", "first_name")),
        "debrief_due": selectors.debrief_due(record.occurred_on),
    }
    exports.progress(generated_file, 30)
    content = render_pdf(
        "pdf/behaviour/intervention.html",
        context,
        user=user,
        school=record.school,
        title=f"Restrictive intervention record: {record.pupil.display_name}",
        period=f"{record.occurred_on:%-d %b %Y}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    audit.record(
        "behaviour.intervention.pdf_exported", actor=user, obj=record, pupil=record.pupil, school=record.school
    )
    name = f"physical-intervention-{slugify(record.pupil.last_name)}-{record.occurred_on:%Y%m%d}.pdf"
    return exports.Built(name, "application/pdf", content)


def register_exports():
    audit.describe("behaviour.training.exported", "exported staff training records")
    audit.describe("behaviour.intervention.pdf_exported", "exported a physical intervention record as a PDF")
    exports.register(
        "behaviour.interventions_oversight_csv",
        label="Physical interventions for oversight (CSV)",
        permission="behaviour.view_intervention",
        build=build_oversight_csv,
        description="Every current physical intervention in the period, with the oversight page's dates.",
    )
    exports.register(
        "behaviour.interventions_csv",
        label="Physical interventions list (CSV)",
        permission="behaviour.record_intervention",
        build=build_list_csv,
        description="The physical interventions list you see, with its tab.",
    )
    exports.register(
        "behaviour.training_csv",
        label="Staff training (CSV)",
        permission="behaviour.view_training",
        build=build_training_csv,
        description="Staff training records for the school.",
    )
    exports.register(
        "behaviour.intervention_pdf",
        label="Physical intervention record (PDF)",
        permission="behaviour.record_intervention",
        fmt="pdf",
        build=build_intervention_pdf,
        school_for=intervention_school,
    )
