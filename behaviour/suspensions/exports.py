"""Export kinds for suspensions and exclusions: the list as CSV (the letter pack is in `letters`)."""

from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.lists import filtered

from ..exports import _day, _finish_list, _voided, register_list_csv
from .filters import suspension_filter, with_list_columns

SUSPENSION_COLUMNS = ["First day", "Last day", "Pupil", "Year", "Form", "Type", "Length", "Reasons", "Status"]
SUSPENSION_COLUMNS += ["Decided by", "Governors' tasks open", "Voided"]


def suspension_rows(user, school, parameters):
    """The suspension list with the page's filters (status, type, term)."""
    filterset = suspension_filter(user, school, exports.as_query_dict(parameters))
    if filterset.is_bound and not filterset.is_valid():
        raise ExportRefused("The filters of this export are not valid any more; ask for it again from the page.")
    return with_list_columns(filtered(filterset))


def build_suspensions_csv(generated_file, user):
    rows = [
        [
            _day(s.start_date),
            _day(s.end_date),
            s.pupil.display_name,
            s.pupil.get_year_group_display(),
            s.pupil.form,
            s.get_kind_display(),
            s.length_label,
            "; ".join(f"{r.census_code} {r.label}" for r in s.reasons.all()),
            s.get_status_display(),
            str(s.decided_by or ""),
            s.open_tasks,
            _voided(s),
        ]
        for s in suspension_rows(user, generated_file.school, generated_file.parameters)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.suspensions.exported",
        name="suspensions",
        headers=SUSPENSION_COLUMNS,
        rows=rows,
    )


def register_exports():
    register_list_csv(
        "behaviour.suspensions_csv",
        "Suspensions and exclusions (CSV)",
        "behaviour.view_suspension",
        build_suspensions_csv,
        "behaviour.suspensions.exported",
        "exported the suspensions list",
    )
