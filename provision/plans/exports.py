"""Export kinds for support plans: the list as CSV, and one plan as a PDF (OFFICIAL-SENSITIVE where it holds
risk information)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from pastoral import audit
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL, OFFICIAL_SENSITIVE, render_pdf
from pastoral.lists import filtered

from . import evidence, selectors
from .filters import plan_filter
from .kinds import Kind, sections

CSV = "text/csv; charset=utf-8"
COLUMNS = ["Pupil", "Year", "Form", "Kind", "Title", "Status", "Version", "Next review", "Overdue", "Agreed on"]


def build_plans_csv(generated_file, user):
    today = timezone.localdate()
    rows = [
        [
            plan.pupil.display_name,
            plan.pupil.get_year_group_display(),
            plan.pupil.form,
            plan.short_kind,
            plan.title,
            plan.shown_status,
            plan.version,
            plan.review_date.isoformat(),
            "Yes" if plan.review_is_overdue(today) else "No",
            plan.agreed_on.isoformat() if plan.agreed_on else "",
        ]
        for plan in filtered(plan_filter(user, generated_file.school, generated_file.parameters)).iterator(
            chunk_size=500
        )
    ]
    audit.record(
        "provision.plans.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    return exports.Built(f"support-plans-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(COLUMNS, rows))


def _plan(user, parameters):
    code = parameters.get("plan") if isinstance(parameters, dict) else None
    try:
        return selectors.get_plan_for_user(user, str(code or ""))
    except (ValidationError, ValueError) as exc:
        raise Http404("No such plan") from exc


def plan_school(user, parameters, _school):
    return _plan(user, parameters).school


def build_plan_pdf(generated_file, user):
    try:
        plan = _plan(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer see this plan.") from exc
    names = {}
    if plan.kind == Kind.BSP:
        from behaviour.interventions.selectors import techniques_for

        names = {str(t.code): t.name for t in techniques_for(plan.school)}
    context = {
        "plan": plan,
        "sections": sections(plan.kind, plan.content, names),
        "reviews": list(plan.reviews.select_related("reviewed_by")[:5]),
        "evidence": evidence.evidence_for(user, plan) if plan.in_force else None,
    }
    exports.progress(generated_file, 30)
    content = render_pdf(
        "pdf/provision/plan.html",
        context,
        user=user,
        school=plan.school,
        title=f"{plan.short_kind}: {plan.pupil.display_name}",
        period=f"Version {plan.version}, next review {plan.review_date:%-d %b %Y}",
        sensitivity=OFFICIAL_SENSITIVE if plan.holds_risk else OFFICIAL,
    )
    audit.record("provision.plan.pdf_exported", actor=user, obj=plan, pupil=plan.pupil, school=plan.school)
    name = f"{slugify(plan.short_kind)}-{slugify(plan.pupil.last_name)}-v{plan.version}.pdf"
    return exports.Built(name, "application/pdf", content)


def register_exports():
    exports.register(
        "provision.plans_csv",
        label="Support plans (CSV)",
        permission="provision.view_shared_plan",
        build=build_plans_csv,
        description="The support plans list you see, with its filters.",
    )
    exports.register(
        "provision.plan_pdf",
        label="Support plan (PDF)",
        permission="provision.view_shared_plan",
        fmt="pdf",
        build=build_plan_pdf,
        school_for=plan_school,
    )
