"""Export kinds for medical conditions: the list as CSV."""

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from ..exports import finish_csv
from .filters import condition_filter

COLUMNS = ["Pupil", "Year", "Form", "Condition", "Severity", "Alert", "Where the medication is", "Identified on"]


def build_conditions_csv(generated_file, user):
    rows = [
        [
            c.pupil.display_name,
            c.pupil.get_year_group_display(),
            c.pupil.form,
            c.name,
            c.get_severity_display(),
            c.alert,
            c.medication_location,
            c.identified_on.isoformat(),
        ]
        for c in filtered(
            condition_filter(user, generated_file.school, exports.as_query_dict(generated_file.parameters))
        )
    ]
    return finish_csv(
        generated_file,
        user,
        action="medical.conditions.exported",
        name="medical-conditions",
        headers=COLUMNS,
        rows=rows,
    )


def register_exports():
    audit.describe("medical.conditions.exported", "exported the medical conditions list")
    exports.register(
        "medical.conditions_csv",
        label="Medical conditions (CSV)",
        permission="medical.view_records",
        build=build_conditions_csv,
        description="The medical conditions list you see, with its filters.",
    )
