"""Export kinds for healthcare plans: the list as CSV."""

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from ..exports import finish_csv, yes
from .filters import plan_filter

COLUMNS = ["Pupil", "Year", "Form", "Status", "Version", "Date of plan", "Review date", "Last reviewed", "EHCP linked"]


def build_plans_csv(generated_file, user):
    rows = [
        [
            p.pupil.display_name,
            p.pupil.get_year_group_display(),
            p.pupil.form,
            p.get_status_display(),
            p.version,
            p.plan_date.isoformat(),
            p.review_date.isoformat(),
            p.reviewed_on.isoformat() if p.reviewed_on else "",
            yes(p.ehcp_linked),
        ]
        for p in filtered(plan_filter(user, generated_file.school, exports.as_query_dict(generated_file.parameters)))
    ]
    return finish_csv(
        generated_file, user, action="medical.plans.exported", name="healthcare-plans", headers=COLUMNS, rows=rows
    )


def register_exports():
    audit.describe("medical.plans.exported", "exported the healthcare plans list")
    exports.register(
        "medical.plans_csv",
        label="Individual healthcare plans (CSV)",
        permission="medical.view_records",
        build=build_plans_csv,
        description="The healthcare plans list you see, with its filters.",
    )


def build_plan_pdf(generated_file, user):
    from django.utils.text import slugify

    from ..exports import pdf, record_from
    from .selectors import get_plan_for_user, supporters_with_training

    plan = record_from(generated_file.parameters, "plan", get_plan_for_user, user)
    return pdf(
        "pdf/medical/plan.html",
        {
            "plan": plan,
            "conditions": plan.conditions.select_related("condition_type"),
            "contacts": plan.pupil.contacts.order_by("priority")[:2],
            "supporters": supporters_with_training(plan),
            "copied_to": plan.copied_to.order_by("last_name"),
        },
        user=user,
        school=plan.school,
        title=f"Individual healthcare plan: {plan.pupil.display_name}",
        filename=f"healthcare-plan-{slugify(plan.pupil.last_name)}-v{plan.version}.pdf",
        action="medical.plan.pdf_exported",
        obj=plan,
        pupil=plan.pupil,
    )


def _pupil(user, code):
    from pastoral import selectors as core_selectors

    return core_selectors.get_pupil_for_user(user, code, perm="medical.record")


def build_invitation(generated_file, user):
    from django.utils.text import slugify

    from ..exports import pdf, record_from

    pupil = record_from(generated_file.parameters, "pupil", _pupil, user)
    return pdf(
        "pdf/medical/plan_invitation.html",
        {"pupil": pupil, "contacts": pupil.contacts.filter(parental_responsibility=True).order_by("priority")},
        user=user,
        school=pupil.school,
        title="Developing your child's individual healthcare plan",
        filename=f"healthcare-plan-invitation-{slugify(pupil.last_name)}.pdf",
        action="medical.plan.invitation_exported",
        obj=pupil,
        pupil=pupil,
        sensitivity="OFFICIAL",
    )


def register_pdfs():
    from ..exports import record_school
    from .selectors import get_plan_for_user

    audit.describe("medical.plan.pdf_exported", "exported an individual healthcare plan as a PDF")
    audit.describe("medical.plan.invitation_exported", "made a letter inviting parents to help write a plan")
    exports.register(
        "medical.plan_pdf",
        label="Individual healthcare plan (PDF)",
        permission="medical.view_records",
        fmt="pdf",
        build=build_plan_pdf,
        school_for=record_school("plan", get_plan_for_user),
    )
    exports.register(
        "medical.plan_invitation_pdf",
        label="Invitation to help write the plan (PDF)",
        permission="medical.record",
        fmt="pdf",
        build=build_invitation,
        school_for=record_school("pupil", _pupil),
    )
