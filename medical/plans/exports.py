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
