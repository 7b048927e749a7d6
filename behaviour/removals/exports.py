"""Export kinds for removals from class: the list as CSV."""

from pastoral.lists import filtered

from ..exports import _finish_list, _local, _voided, _yes, register_list_csv
from .filters import removal_filter

REMOVAL_COLUMNS = [
    "When",
    "Pupil",
    "Year",
    "Form",
    "From lesson / period",
    "Removed to",
    "Minutes",
    "Reason",
    "Parents told",
    "Recorded by",
    "Voided",
]


def removal_rows(user, school):
    return filtered(removal_filter(user, school, None))


def build_removals_csv(generated_file, user):
    rows = [
        [
            _local(r.removed_at),
            r.pupil.display_name,
            r.pupil.get_year_group_display(),
            r.pupil.form,
            r.lesson,
            r.removed_to,
            r.duration_minutes,
            r.reason,
            _yes(r.parents_told),
            str(r.recorded_by),
            _voided(r),
        ]
        for r in removal_rows(user, generated_file.school).iterator(chunk_size=500)
    ]
    return _finish_list(
        generated_file, user, action="behaviour.removals.exported", name="removals", headers=REMOVAL_COLUMNS, rows=rows
    )


def register_exports():
    register_list_csv(
        "behaviour.removals_csv",
        "Removals from class (CSV)",
        "behaviour.view_event",
        build_removals_csv,
        "behaviour.removals.exported",
        "exported the removals list",
    )
