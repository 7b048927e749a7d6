"""Export kinds for medicines: the medicines list and the record of medicines given (Template D) as CSV."""

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from ..exports import finish_csv, local, yes
from .filters import agreement_filter, dose_filter

AGREEMENT_COLUMNS = [
    "Pupil",
    "Medicine",
    "Dose",
    "Unit",
    "Method",
    "Timing",
    "Expiry",
    "In stock",
    "Controlled drug",
    "Where kept",
    "Agreed by",
    "Agreed on",
    "Agreement",
]
DOSE_COLUMNS = [
    "Date and time",
    "Pupil",
    "Medicine",
    "Outcome",
    "Dose given",
    "Reactions",
    "Reason",
    "Given by",
    "Witness",
    "Parents told",
]


def _query(generated_file):
    return exports.as_query_dict(generated_file.parameters)


def build_agreements_csv(generated_file, user):
    rows = [
        [
            a.pupil.display_name,
            a.medicine_name,
            a.dose_amount,
            a.dose_unit,
            a.get_method_display(),
            a.timing,
            a.expiry_date.isoformat(),
            a.in_stock,
            yes(a.controlled_drug),
            a.storage_location,
            a.parent_name,
            a.agreed_on.isoformat(),
            a.get_status_display(),
        ]
        for a in filtered(agreement_filter(user, generated_file.school, _query(generated_file)))
    ]
    return finish_csv(
        generated_file,
        user,
        action="medical.agreements.exported",
        name="medicines",
        headers=AGREEMENT_COLUMNS,
        rows=rows,
    )


def build_doses_csv(generated_file, user):
    rows = [
        [
            local(d.given_at),
            d.pupil.display_name,
            d.agreement.medicine_name,
            d.get_outcome_display(),
            d.dose_given if d.dose_given is not None else "",
            d.reactions,
            d.reason,
            str(d.given_by),
            str(d.witness or ""),
            local(d.parents_told_at),
        ]
        for d in filtered(dose_filter(user, generated_file.school, _query(generated_file))).iterator(chunk_size=500)
    ]
    return finish_csv(
        generated_file, user, action="medical.doses.exported", name="medicines-given", headers=DOSE_COLUMNS, rows=rows
    )


def register_exports():
    audit.describe("medical.agreements.exported", "exported the list of medicines held")
    audit.describe("medical.doses.exported", "exported the record of medicines given")
    exports.register(
        "medical.agreements_csv",
        label="Medicines held (CSV)",
        permission="medical.view_records",
        build=build_agreements_csv,
        description="The medicines list you see, with its filters.",
    )
    exports.register(
        "medical.doses_csv",
        label="Medicines given (CSV)",
        permission="medical.view_records",
        build=build_doses_csv,
        description="The record of medicines given, with its filters.",
    )
